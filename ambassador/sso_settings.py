"""Company sign-in (SSO) configuration: from the environment and from the admin.

Two sources, blended by allauth (`SocialAccountAdapter.list_apps`):

* `SSO_PROVIDERS`, a JSON list in the environment, read once by the settings through
  `socialaccount_providers()` below and turned into allauth's `SOCIALACCOUNT_PROVIDERS`;
* allauth's *Social applications* in the Django admin (provider "OpenID Connect" or
  "SAML"), whose `settings` JSON takes the same keys as an entry's `settings` here.

This module is read by `ambassador/settings.py`: it imports nothing from Django's models
and nothing from the apps (docs/sso.md lists every key).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

OIDC = "openid_connect"
SAML = "saml"
PROTOCOLS = {"oidc": OIDC, "saml": SAML}
OIDC_PROVIDER_CLASS = "identity.sso.providers.CompanyOIDCProvider"
SAML_PROVIDER_CLASS = "identity.sso.providers.CompanySAMLProvider"

# RFC 8176 authentication method references that say "more than a password".
DEFAULT_MFA_AMR = ["mfa", "otp", "hwk", "sc"]
# SAML AuthnContextClassRef values that Entra ID, Okta and REFEDS use for a second factor.
DEFAULT_MFA_AUTHN_CONTEXTS = [
    "http://schemas.microsoft.com/claims/multipleauthn",
    "https://refeds.org/profile/mfa",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
]
# SAML attributes that carry the email address when the NameID does not.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "email",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "first_name": [
        "firstName",
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "lastName",
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
}
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _problem(index: int, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"SSO_PROVIDERS entry {index + 1}: {message}")


def _read_file(index: int, entry: dict, key: str) -> str:
    """The value of `key`, or the content of the file named by `key`_file (secrets)."""
    path = entry.get(f"{key}_file")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise _problem(index, f"cannot read {key}_file {path!r}: {error}") from error
    return str(entry.get(key) or "")


def _domains(index: int, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _problem(index, '"domains" must be a non-empty list such as ["example.com"].')
    domains = [str(domain).strip().lower() for domain in value]
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise _problem(index, f"{domain!r} is not an email domain.")
    return domains


def _common_settings(index: int, entry: dict) -> dict:
    settings = {
        "domains": _domains(index, entry.get("domains")),
        "mfa_from_idp": bool(entry.get("mfa_from_idp", False)),
    }
    if entry.get("employee_number_claim"):
        settings["employee_number_claim"] = str(entry["employee_number_claim"])
    if "form_action_origins" in entry:
        settings["form_action_origins"] = list(entry["form_action_origins"])
    return settings


def _oidc_app(index: int, entry: dict) -> dict:
    for key in ("server_url", "client_id"):
        if not entry.get(key):
            raise _problem(index, f'an OpenID Connect provider needs "{key}".')
    secret = _read_file(index, entry, "secret")
    settings = {
        **_common_settings(index, entry),
        "server_url": entry["server_url"],
        "oauth_pkce_enabled": bool(entry.get("pkce", True)),
        "mfa_amr_values": list(entry.get("mfa_amr_values", DEFAULT_MFA_AMR)),
        # Entra ID sends no `email_verified`: trust the address of the provider's own
        # domains only when the operator says so (docs/sso.md).
        "verified_email": bool(entry.get("trust_email", False)),
    }
    for key in ("scope", "token_auth_method", "fetch_userinfo", "openid_configuration_overrides"):
        if key in entry:
            settings[key] = entry[key]
    return {
        "provider_id": entry["id"],
        "name": entry.get("name") or entry["id"],
        "client_id": entry["client_id"],
        "secret": secret,
        "settings": settings,
    }


def _saml_app(index: int, entry: dict) -> dict:
    idp = {"entity_id": entry.get("entity_id", "")}
    if not idp["entity_id"]:
        raise _problem(index, 'a SAML provider needs the IdP\'s "entity_id".')
    if entry.get("metadata_url"):
        idp["metadata_url"] = entry["metadata_url"]
    else:
        idp["sso_url"] = entry.get("sso_url", "")
        idp["x509cert"] = _read_file(index, entry, "x509cert")
        if not idp["sso_url"] or not idp["x509cert"]:
            raise _problem(
                index, 'a SAML provider needs "metadata_url", or "sso_url" and "x509cert".'
            )
    attributes = dict(SAML_ATTRIBUTES)
    attributes.update(entry.get("attribute_mapping", {}))
    settings = {
        **_common_settings(index, entry),
        "idp": idp,
        "attribute_mapping": attributes,
        "use_nameid_for_email": bool(entry.get("use_nameid_for_email", True)),
        "mfa_authn_contexts": list(entry.get("mfa_authn_contexts", DEFAULT_MFA_AUTHN_CONTEXTS)),
        # A signed assertion from the company's IdP, for the domains it serves.
        "verified_email": bool(entry.get("trust_email", True)),
        "advanced": {
            "want_assertion_signed": True,
            "want_message_signed": bool(entry.get("want_message_signed", False)),
            "reject_idp_initiated_sso": True,
        },
    }
    if entry.get("sp_entity_id"):
        settings["sp"] = {"entity_id": entry["sp_entity_id"]}
    return {
        "provider_id": entry["id"],
        "name": entry.get("name") or entry["id"],
        # allauth's SAML URLs name the provider by client_id (/accounts/saml/<id>/acs/).
        "client_id": entry["id"],
        "settings": settings,
    }


def socialaccount_providers(raw: str) -> dict:
    """`SOCIALACCOUNT_PROVIDERS` from the `SSO_PROVIDERS` JSON (empty: no provider from
    the environment; the admin's Social applications still count)."""
    entries = json.loads(raw) if raw.strip() else []
    if not isinstance(entries, list):
        raise ImproperlyConfigured("SSO_PROVIDERS must be a JSON list of providers.")
    apps: dict[str, list[dict]] = {OIDC: [], SAML: []}
    seen = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise _problem(index, "each provider is a JSON object.")
        provider_id = str(entry.get("id", ""))
        if not _ID.fullmatch(provider_id):
            raise _problem(index, '"id" must be lowercase letters, digits and dashes.')
        if provider_id in seen:
            raise _problem(index, f"the id {provider_id!r} is used twice.")
        seen.add(provider_id)
        protocol = PROTOCOLS.get(str(entry.get("protocol", "")).lower())
        if protocol is None:
            raise _problem(index, '"protocol" must be "oidc" or "saml".')
        build = _oidc_app if protocol == OIDC else _saml_app
        apps[protocol].append(build(index, entry))
    return {
        OIDC: {
            "APPS": apps[OIDC],
            "provider_class": OIDC_PROVIDER_CLASS,
            "OAUTH_PKCE_ENABLED": True,
        },
        SAML: {"APPS": apps[SAML], "provider_class": SAML_PROVIDER_CLASS},
    }
