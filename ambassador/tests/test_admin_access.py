"""Who may open the Django admin, and what the others get."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_signed_in_people_without_admin_access_get_the_sites_403(role, personas, client_for):
    response = client_for(personas[role]).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "You do not have access to this page" in response.content.decode()
    # Not the admin's own login form inviting them to sign in as someone else.
    assert 'name="password"' not in response.content.decode()


def test_visitors_not_signed_in_use_the_sites_sign_in_page(client_for, db):
    response = client_for(None).get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]


def test_staff_open_the_admin(author, client_for):
    author.user.is_staff = True
    author.user.save()
    client = client_for(author)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:login")).url == reverse("admin:index")
