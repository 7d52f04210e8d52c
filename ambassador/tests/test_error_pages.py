"""The 400 and 500 pages: standalone (no request context, no query), in the language of
the request, with the `lang` attribute set. The tests have no database access, so a page
that queried would fail."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from people.views import bad_request


@pytest.mark.parametrize(
    ("view", "status", "english", "french"),
    [
        (
            defaults.server_error,
            500,
            "Something went wrong on our side",
            "Un problème est survenu de notre côté",
        ),
        (
            bad_request,
            400,
            "This request could not be understood",
            "Cette requête n’a pas pu être comprise",
        ),
    ],
)
def test_error_pages_speak_the_request_s_language(view, status, english, french):
    request = RequestFactory().get("/")  # no user: refused before authentication
    for language, heading in (("en", english), ("fr", french)):
        with translation.override(language):
            response = view(request)
        page = response.content.decode()
        assert response.status_code == status
        assert f'<html lang="{language}">' in page
        assert f'<h1 class="h3">{heading}</h1>' in page


def test_an_unknown_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "Cette requête n’a pas pu être comprise" in response.content.decode()
