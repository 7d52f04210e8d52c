"""The gate of mandatory MFA: a person whose role must use a second factor and who has
none reaches only the enrolment pages until they add one (docs/mfa.md)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_htmx.http import HttpResponseClientRedirect

from .policy import (
    ENROLLED_SESSION_KEY,
    mfa_enrolled,
    mfa_required_for,
    mfa_satisfied_by_session,
)

# What such a person may still open: allauth's pages to add a TOTP app or a passkey and
# to keep the recovery codes that come with it, the password confirmation allauth asks
# for before adding one to an older session, signing out, and the probes.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_logout",
        "healthz",
        "readyz",
        "metrics",
    }
)
ENROLMENT_URL = "mfa_index"


class MandatoryMFAMiddleware:
    """After authentication: send a person who must enrol to the enrolment page.

    On a page it lets through, `request.mfa_enrolment_pending` tells the template to say
    why the person is there. Costs no query once the session knows the person enrolled
    (`policy.ENROLLED_SESSION_KEY`, set at sign-in) or signed in with an MFA-asserting
    identity provider; the roles come from the cached copy the navigation uses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        request.mfa_enrolment_pending = False
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or mfa_satisfied_by_session(request)
            or request.path_info.startswith(self.static_prefix)
            or not mfa_required_for(user)
        ):
            return self.get_response(request)
        if mfa_enrolled(user):
            request.session[ENROLLED_SESSION_KEY] = user.pk
            return self.get_response(request)
        request.mfa_enrolment_pending = True
        if self._allowed(request):
            return self.get_response(request)
        return self._to_enrolment(request)

    def _allowed(self, request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in ENROLMENT_URL_NAMES

    def _to_enrolment(self, request):
        # The enrolment page itself says why (`request.mfa_enrolment_pending`).
        if request.headers.get("HX-Request") == "true":
            # An htmx request would swap the enrolment page into a fragment: the browser
            # goes there instead.
            return HttpResponseClientRedirect(redirect(ENROLMENT_URL).url)
        return redirect(ENROLMENT_URL)
