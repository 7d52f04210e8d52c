"""HR's SCIM token pages: list, make (shown once), revoke (confirmed)."""

import pytest
from django.urls import reverse

from ambassador.navigation import menus_for
from identity.scim.models import ScimToken, token_digest
from identity.scim.tokens import scim_token_create

LIST = "/identity/scim-tokens/"


@pytest.mark.django_db
def test_hr_makes_a_token_and_sees_the_secret_once(client_for, personas):
    client = client_for(personas["hr"])

    response = client.post(reverse("identity:scim-token-create"), {"name": "Okta"})

    assert response.status_code == 302 and response.url == LIST
    token = ScimToken.objects.get()
    assert (token.name, token.created_by_id) == ("Okta", personas["hr"].user_id)
    page = client.get(LIST)
    secret = page.context["new_secret"]
    assert secret.startswith(token.prefix) and token_digest(secret) == token.digest
    assert secret in page.content.decode()
    # The secret is not kept: the next visit shows the token, never the secret again.
    again = client.get(LIST).content.decode()
    assert secret not in again
    assert "Okta" in again and token.prefix in again


@pytest.mark.django_db
def test_a_token_needs_a_name(client_for, personas):
    response = client_for(personas["hr"]).post(reverse("identity:scim-token-create"), {"name": ""})

    assert response.status_code == 400
    assert not ScimToken.objects.exists()


@pytest.mark.django_db
def test_revoking_asks_first_then_revokes(client_for, personas, scim):
    token = ScimToken.objects.get()
    client = client_for(personas["hr"])
    url = reverse("identity:scim-token-revoke", args=[token.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, revoke this token" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    done = client.post(url)

    assert done.status_code == 302 and done.url == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_id == personas["hr"].user_id
    assert scim.get("Users").status_code == 401
    assert "Revoked on" in client.get(LIST).content.decode()
    assert client.post(url).status_code == 302  # a second revocation changes nothing


@pytest.mark.django_db
def test_only_hr_sees_the_pages_and_the_menu_entry(client_for, personas):
    token, _secret = scim_token_create(name="Entra ID", created_by=personas["hr"].user)
    for role in ("employee", "manager", "author", "outsider"):
        client = client_for(personas[role])
        assert client.get(LIST).status_code == 403, role
        assert client.post(reverse("identity:scim-token-create"), {"name": "x"}).status_code == 403
        revoke = reverse("identity:scim-token-revoke", args=[token.pk])
        assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and ScimToken.objects.count() == 1

    def labels(user):
        return [link.label for menu in menus_for(user) for link in menu.links]

    assert "SCIM tokens" in labels(personas["hr"].user)
    assert "SCIM tokens" not in labels(personas["manager"].user)


@pytest.mark.django_db
def test_the_page_is_in_french(client_for, personas):
    personas["hr"].locale = "fr"
    personas["hr"].save()

    page = client_for(personas["hr"]).get(LIST).content.decode()

    assert "Jetons SCIM" in page
