"""SCIM fixtures: a token made through the real service, and a client that speaks SCIM."""

import json

import pytest

from identity.scim.tokens import scim_token_create


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
