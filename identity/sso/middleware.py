"""The Content-Security-Policy lets the sign-in forms continue to the identity providers.

The company sign-in form posts to this site, which answers with a redirect to the
identity provider; browsers check a form's redirects against the page's `form-action`
('self' only, settings.CONTENT_SECURITY_POLICY). On the pages that hold such a form,
this middleware adds the providers' origins (the OIDC issuer's, the SAML single sign-on
URL's or metadata URL's, and any `form_action_origins` of a provider) and nothing else.
Place it after `csp.middleware.CSPMiddleware`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from identity.sso.selectors import sso_provider_list

SIGN_IN_PAGES = {"account_login", "sso-start", "openid_connect_login", "saml_login"}


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def provider_origins(provider) -> list[str]:
    settings = provider.app.settings
    idp = settings.get("idp") or {}
    urls = [settings.get("server_url"), idp.get("sso_url"), idp.get("metadata_url")]
    urls += list(settings.get("form_action_origins", []))
    return [origin for origin in map(_origin, urls) if origin]


def sso_form_action(get_response):
    def middleware(request):
        response = get_response(request)
        match = request.resolver_match
        if match is not None and match.url_name in SIGN_IN_PAGES:
            origins = sorted({o for p in sso_provider_list(request) for o in provider_origins(p)})
            if origins:
                update = dict(getattr(response, "_csp_update", None) or {})
                update["form-action"] = [*update.get("form-action", []), *origins]
                response._csp_update = update
        return response

    return middleware
