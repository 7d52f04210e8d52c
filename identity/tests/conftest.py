"""Fixtures of the identity tests.

SSO: the real identity providers (identity/tests/peers.py) and the site configured for
them through `SSO_PROVIDERS`, as an operator would. SCIM: a token made through the real
service, and a client that speaks SCIM."""

import json
import os

import pytest
from django.urls import reverse

from ambassador.sso_settings import socialaccount_providers
from identity.scim.tokens import scim_token_create
from identity.tests.peers import OIDCProvider, SamlIdP, xmlsec1_binary

OIDC_ID = "company-oidc"
SAML_ID = "company-saml"
SP_HOST = "ambassador.example.com"  # python3-saml refuses single-label hosts ("testserver")


def oidc_callback(base_url: str) -> str:
    return f"{base_url}/accounts/oidc/{OIDC_ID}/login/callback/"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """django-oauth-toolkit's OIDC provider in its own process. If it cannot start, the
    tests that use it fail: they never skip."""
    provider = OIDCProvider(tmp_path_factory.mktemp("oidc-provider"))
    provider.allow_redirect(oidc_callback("http://testserver"))
    provider.start()
    yield provider
    provider.stop()


def oidc_entry(provider, **extra):
    return {
        "id": OIDC_ID,
        "protocol": "oidc",
        "name": "Example Corp (OIDC)",
        "domains": ["example.com"],
        "server_url": provider.issuer,
        "client_id": provider.CLIENT_ID,
        "secret": provider.SECRET,
        **extra,
    }


def saml_entry(idp, **extra):
    return {
        "id": SAML_ID,
        "protocol": "saml",
        "name": "Example Corp (SAML)",
        "domains": ["example.com"],
        "entity_id": idp.ENTITY_ID,
        "sso_url": idp.SSO_URL,
        "x509cert": idp.certificate,
        **extra,
    }


@pytest.fixture
def configure_sso(settings):
    """`configure_sso(entry, ...)`: the site's SSO_PROVIDERS for this test."""

    def configure(*entries, password_login_disabled=False):
        settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(json.dumps(list(entries)))
        settings.SSO_PASSWORD_LOGIN_DISABLED = password_login_disabled
        settings.SSO_HR_CONTACT = "people-team@example.com"
        # The provider process answers slowly on a loaded CI machine (allauth's default: 5 s).
        settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 60

    return configure


@pytest.fixture
def xmlsec1():
    binary = xmlsec1_binary()
    if not binary:
        message = "xmlsec1 not found: apt-get install -y xmlsec1 (pysaml2 signs with it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture
def saml_client(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SP_HOST]
    client.defaults["HTTP_HOST"] = SP_HOST
    return client


@pytest.fixture
def saml_idp(tmp_path, xmlsec1, configure_sso, saml_client):
    """pysaml2 as the company IdP, trusting our SP as its metadata describes it, plus
    another SP (same ACS, other entity id) for the wrong-audience test."""
    idp = SamlIdP(tmp_path, xmlsec1=xmlsec1)
    configure_sso(saml_entry(idp))
    metadata = saml_client.get(reverse("saml_metadata", args=[SAML_ID]))
    assert metadata.status_code == 200, metadata.content
    ours = metadata.content.decode()
    entity_id = f"http://{SP_HOST}/accounts/saml/{SAML_ID}/metadata/"
    assert f'entityID="{entity_id}"' in ours
    idp.sp_entity_id = entity_id
    idp.other_sp_entity_id = "https://other-service.example.net/saml/metadata"
    other = ours.replace(entity_id, idp.other_sp_entity_id, 1)
    return idp.load([ours, other])


@pytest.fixture
def scim_token(hr):
    token, secret = scim_token_create(name="Okta", created_by=hr.user)
    token.secret = secret
    return token


class ScimClient:
    """The Django test client with the bearer token and SCIM's content type."""

    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def call(self, method, path, body=None, *, raw=None, secret=None, params=None):
        headers = {}
        token = self.secret if secret is None else secret
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        response = getattr(self.client, method.lower())(
            "/scim/v2/" + path.lstrip("/"),
            data=data if method != "GET" else None,
            content_type="application/scim+json",
            headers=headers,
            query_params=params,
        )
        response.document = (
            json.loads(response.content)
            if response.content and response.status_code != 204
            else None
        )
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def scim(client, scim_token):
    return ScimClient(client, scim_token.secret)
