"""Every URL × every role: the status each persona gets (RTD-style privacy test).

`EXPECTED` must name every URL pattern of the project's own apps; a new URL without
an expectation fails `test_every_url_has_an_expectation`. Django admin and allauth
URLs are third-party and covered by their own projects (login pages are tested in
people/tests).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "employee", "manager", "hr", "author", "outsider"]
LOGIN = "login"  # anonymous users are sent to the sign-in page

# url name -> (kwargs factory name or None, {role: expected status})
EXPECTED = {
    "home": (None, {"anonymous": LOGIN, "*": 200}),
    "people:profile": (None, {"anonymous": LOGIN, "*": 200}),
    "courses:course-list": (None, {"anonymous": LOGIN, "*": 200}),
    "courses:course-detail": ("course", {"anonymous": LOGIN, "*": 200}),
    "courses:lesson-detail": ("lesson", {"anonymous": LOGIN, "*": 200}),
    # POST-only: a GET is refused for everyone signed in.
    "courses:lesson-complete": ("lesson", {"anonymous": LOGIN, "*": 405}),
    "courses:lesson-media": ("lesson-media", {"anonymous": LOGIN, "*": 200}),
    "quizzes:quiz-detail": ("quiz", {"anonymous": LOGIN, "*": 200}),
    "quizzes:attempt-start": ("quiz", {"anonymous": LOGIN, "*": 405}),  # POST-only
    # The attempts belong to `employee`: nobody else may open them, not even a manager.
    "quizzes:attempt-detail": ("attempt", {"anonymous": LOGIN, "employee": 200, "*": 404}),
    "quizzes:attempt-review": (
        "submitted_attempt",
        {"anonymous": LOGIN, "employee": 200, "*": 404},
    ),
    "quizzes:quiz-statistics": ("quiz", {"anonymous": LOGIN, "author": 200, "*": 403}),
    "certificates:certificate-list": (None, {"anonymous": LOGIN, "*": 200}),
    # The certificate belongs to `employee`: their manager and HR may download it too.
    "certificates:certificate-download": (
        "certificate",
        {"anonymous": LOGIN, "employee": 200, "manager": 200, "hr": 200, "*": 404},
    ),
    "certificates:certificate-revoke": ("certificate", {"anonymous": LOGIN, "hr": 200, "*": 403}),
    "certificates:certificate-search": (None, {"anonymous": LOGIN, "hr": 200, "*": 403}),
    # Public: verification needs no sign-in.
    "certificate-verify-lookup": (None, {"*": 200}),
    "certificate-verify": ("certificate", {"*": 200}),
    # Public probes for load balancers and systemd (core/health.py).
    "healthz": (None, {"*": 200}),
    "readyz": (None, {"*": 200}),
    # Internal metrics: a 404 for everyone until METRICS_TOKEN is set, then only for the
    # bearer of the token (core/tests/test_observability.py); no role opens it.
    "metrics": (None, {"*": 404}),
    "people:employee-list": (
        None,
        {
            "anonymous": LOGIN,
            "employee": 403,
            "outsider": 403,
            "author": 403,
            "manager": 200,
            "hr": 200,
        },
    ),
    "people:employee-import": (
        None,
        {
            "anonymous": LOGIN,
            "employee": 403,
            "outsider": 403,
            "author": 403,
            "manager": 403,
            "hr": 200,
        },
    ),
    # Reports: managers (their subtrees) and HR; everyone else 403. Out-of-scope ids are
    # 404s (reports/tests); the department rows redirect to the report without htmx.
    "reports:completion": (None, {"anonymous": LOGIN, "manager": 200, "hr": 200, "*": 403}),
    "reports:completion-export": (
        "csv",
        {"anonymous": LOGIN, "manager": 200, "hr": 200, "*": 403},
    ),
    "reports:department-rows": (
        "department",
        {"anonymous": LOGIN, "manager": 302, "hr": 302, "*": 403},
    ),
    "reports:employee-detail": (
        "employee",
        {"anonymous": LOGIN, "manager": 200, "hr": 200, "*": 403},
    ),
    "reports:matrix": (None, {"anonymous": LOGIN, "manager": 200, "hr": 200, "*": 403}),
    # Without a course the export sends the user to the matrix page to choose one.
    "reports:matrix-export": ("csv", {"anonymous": LOGIN, "manager": 302, "hr": 302, "*": 403}),
    "reports:weakest-topics": (None, {"anonymous": LOGIN, "manager": 200, "hr": 200, "*": 403}),
    "reports:hr-dashboard": (None, {"anonymous": LOGIN, "hr": 200, "*": 403}),
    "reports:certificates-expiring": (None, {"anonymous": LOGIN, "hr": 200, "*": 403}),
    # HR assignments: HR only (403 for every other role signed in).
    **{
        name: (kwargs, {"anonymous": LOGIN, "hr": 200, "*": 403})
        for name, kwargs in (
            ("assignments:assignment-list", None),
            ("assignments:assignment-create", None),
            ("assignments:employee-search", None),
            ("assignments:assignment-detail", "assignment"),
            ("assignments:assignment-edit", "assignment"),
            ("assignments:assignment-cancel", "assignment"),
        )
    },
    # Subject-access exports: HR only (privacy.export_personal_data).
    "privacy:employee-export": ("employee", {"anonymous": LOGIN, "hr": 200, "*": 403}),
    "privacy:employee-export-json": ("employee", {"anonymous": LOGIN, "hr": 200, "*": 403}),
    # The sign-in and provisioning log: HR only (identity.view_auditevent).
    "identity:audit-list": (None, {"anonymous": LOGIN, "hr": 200, "*": 403}),
    # SCIM tokens: HR only; making one is POST-only (405 to HR's GET).
    "identity:scim-token-list": (None, {"anonymous": LOGIN, "hr": 200, "*": 403}),
    "identity:scim-token-create": (None, {"anonymous": LOGIN, "hr": 405, "*": 403}),
    "identity:scim-token-revoke": ("scim-token", {"anonymous": LOGIN, "hr": 200, "*": 403}),
    # SCIM 2.0: a bearer token or nothing. No role opens it, signed in or not (401, not a
    # redirect to the sign-in page); with a token, see identity/tests/test_scim_*.py.
    **{
        name: (kwargs, {"*": 401})
        for name, kwargs in (
            ("scim:service-provider-config", None),
            ("scim:schema-list", None),
            ("scim:schema-detail", "scim-schema"),
            ("scim:resource-type-list", None),
            ("scim:resource-type-detail", "scim-resource-type"),
            ("scim:user-list", None),
            ("scim:user-detail", "employee"),
            ("scim:group-list", None),
            ("scim:group-detail", "group"),
        )
    },
    # Public: the signed token is the key (calendar apps cannot sign in).
    "assignments:calendar-feed": ("calendar", {"*": 200}),
    # Two-factor authentication (allauth.mfa, in the account menu): everyone's own.
    "mfa_index": (None, {"anonymous": LOGIN, "*": 200}),
    "mfa_list_webauthn": (None, {"anonymous": LOGIN, "*": 200}),
    # Adding a factor asks for the password again first (these sessions have no recent
    # sign-in); HR and the author already have an app, so they are sent to turn it off.
    "mfa_activate_totp": (None, {"anonymous": LOGIN, "*": 302}),
    "mfa_add_webauthn": (None, {"anonymous": LOGIN, "*": 302}),
    # Nobody here has recovery codes yet.
    "mfa_view_recovery_codes": (None, {"anonymous": LOGIN, "*": 404}),
    # Company sign-in (identity/sso): public, as the sign-in page is. With one OIDC and
    # one SAML provider configured (`url_kwargs`); no sign-in was started here, so the
    # callbacks reject what they get (400), and the ACS hands over to its finish URL.
    "identity:sso-start": (None, {"*": 200}),
    "openid_connect_login": ("sso-oidc", {"*": 200}),  # "continue?" page; POST leaves
    "openid_connect_callback": ("sso-oidc", {"*": 400}),
    "saml_login": ("sso-saml", {"*": 200}),
    "saml_acs": ("sso-saml", {"*": 302}),
    "saml_finish_acs": ("sso-saml", {"*": 400}),
    "saml_sls": ("sso-saml", {"*": 400}),  # no LogoutRequest in the query
    "saml_metadata": ("sso-saml", {"*": 200}),
}

THIRD_PARTY_PREFIXES = ("admin:", "account_", "socialaccount_", "mfa_", "headless", "usersessions_")


def _project_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _project_url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_expectation():
    names = {
        name
        for name in _project_url_names()
        if not name.startswith(THIRD_PARTY_PREFIXES) and not name.startswith("djdt")
    }
    missing = names - set(EXPECTED)
    assert not missing, f"Add these URLs to EXPECTED: {sorted(missing)}"


@pytest.fixture
def url_kwargs(personas, settings, tmp_path, client):
    from certificates.tests.factories import issue_certificate
    from courses.tests.factories import LessonFactory
    from quizzes.services import attempt_start, attempt_submit
    from quizzes.tests.factories import answers_for, quiz_with_questions

    settings.MEDIA_ROOT = tmp_path  # uploaded lesson media, certificate PDFs
    lesson = LessonFactory()
    course = lesson.module.course
    video = LessonFactory(
        module=lesson.module,
        kind="video",
        video_file=SimpleUploadedFile("clip.mp4", b"not really a video", "video/mp4"),
    )
    certificate = issue_certificate(employee=personas["employee"])
    quiz = quiz_with_questions(questions=2)
    submitted = attempt_start(employee=personas["employee"], quiz=quiz)
    attempt_submit(attempt=submitted, employee=personas["employee"], answers=answers_for(submitted))
    attempt = attempt_start(employee=personas["employee"], quiz=quiz)
    from assignments.signals import calendar_token
    from assignments.tests.factories import assign

    assignment = assign(course=course, by=personas["hr"].user, everyone=True)
    from django.contrib.auth.models import Group

    from identity.scim.tokens import scim_token_create
    from people.roles import HR_GROUP

    scim_token, _secret = scim_token_create(name="Okta", created_by=personas["hr"].user)
    _configure_sso(settings)
    client.defaults["HTTP_HOST"] = "testserver"  # as browsers send it (python3-saml reads it)
    return {
        "scim-token": {"pk": scim_token.pk},
        "scim-schema": {"schema_id": "urn:ietf:params:scim:schemas:core:2.0:User"},
        "scim-resource-type": {"name": "User"},
        "group": {"pk": Group.objects.get(name=HR_GROUP).pk},
        "assignment": {"pk": assignment.pk},
        "calendar": {"token": calendar_token(personas["employee"].pk)},
        "course": {"code": course.code},
        "lesson": {"code": course.code, "lesson_id": lesson.pk},
        "lesson-media": {"code": course.code, "lesson_id": video.pk, "kind": "video"},
        "certificate": {"code": certificate.display_code},
        "quiz": {"code": quiz.code},
        "attempt": {"pk": attempt.pk},
        "submitted_attempt": {"pk": submitted.pk},
        "csv": {"fmt": "csv"},
        "department": {"pk": personas["employee"].department_id},
        "employee": {"pk": personas["employee"].pk},
        "sso-oidc": {"provider_id": "matrix-oidc"},
        "sso-saml": {"organization_slug": "matrix-saml"},
    }


def _configure_sso(settings):
    """One OIDC provider from the environment's format, one SAML provider from the admin
    (no network: no page here fetches the OIDC discovery document)."""
    import json

    from allauth.socialaccount.models import SocialApp

    from ambassador.sso_settings import socialaccount_providers
    from identity.tests.peers import self_signed_certificate

    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        json.dumps(
            [
                {
                    "id": "matrix-oidc",
                    "protocol": "oidc",
                    "domains": ["example.com"],
                    "server_url": "https://login.example.net/tenant",
                    "client_id": "ambassador",
                }
            ]
        )
    )
    SocialApp.objects.create(
        provider="saml",
        provider_id="matrix-saml",
        client_id="matrix-saml",
        name="Matrix SAML",
        settings={
            "domains": ["example.org"],
            "idp": {
                "entity_id": "https://idp.example.net/metadata",
                "sso_url": "https://idp.example.net/sso",
                "x509cert": self_signed_certificate("idp")[1].decode(),
            },
            # The test client's host, "testserver", has no dot.
            "advanced": {"allow_single_label_domains": True},
        },
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(name, personas, url_kwargs, client_for):
    kwargs_key, expectations = EXPECTED[name]
    url = reverse(name, kwargs=url_kwargs[kwargs_key] if kwargs_key else None)
    for role in ROLES:
        expected = expectations.get(role, expectations.get("*"))
        client = client_for(None if role == "anonymous" else personas[role])
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, (name, role)
            assert response.url.startswith(reverse("account_login")), (name, role)
        else:
            assert response.status_code == expected, (name, role, response.status_code)


# What a person whose role must use a second factor reaches before enrolling
# (identity.mfa.middleware): the enrolment pages and the probes; everything else sends
# them to enrolment, public pages included.
BEFORE_ENROLMENT = {name for name in EXPECTED if name.startswith("mfa_")} | {
    "healthz",
    "readyz",
    "metrics",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hr_without_a_second_factor_reaches_only_enrolment(name, personas, url_kwargs, client):
    from allauth.mfa.models import Authenticator

    hr = personas["hr"]
    Authenticator.objects.filter(user=hr.user).delete()
    kwargs_key, expectations = EXPECTED[name]
    url = reverse(name, kwargs=url_kwargs[kwargs_key] if kwargs_key else None)
    client.force_login(hr.user)
    response = client.get(url)
    if name in BEFORE_ENROLMENT:
        assert response.status_code == expectations.get("hr", expectations.get("*")), name
    else:
        assert (response.status_code, response.get("Location")) == (302, reverse("mfa_index"))
