"""Sign-in pages (django-allauth): closed signup, password reset, rate limits, errors."""

from django.core.cache import cache
from django.urls import reverse


def test_signup_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Accounts are created by HR" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "x" * 12, "password2": "x" * 12},
    )
    from people.models import User

    assert not User.objects.filter(email="new@example.com").exists()


def test_password_reset_emails_a_link_and_does_not_reveal_unknown_addresses(
    client, employee, mailoutbox
):
    cache.clear()
    known = client.post(reverse("account_reset_password"), {"email": "employee@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mailoutbox if "/password/reset/key/" in m.body] == [
        ["employee@example.com"]
    ]


def test_failed_logins_are_rate_limited(client, employee):
    cache.clear()
    url = reverse("account_login")
    pages = [
        client.post(url, {"login": "employee@example.com", "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    assert all("not correct" in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    # Even the right password is refused while the account is throttled.
    response = client.post(
        url, {"login": "employee@example.com", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_right_password_signs_in_and_lands_on_my_training(client, employee):
    cache.clear()
    response = client.post(
        reverse("account_login"),
        {"login": "EMPLOYEE@example.com", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302 and response.url == "/"
    assert "My training" in client.get("/").content.decode()


def test_unknown_page_shows_the_friendly_404(client_for, employee):
    response = client_for(employee).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_forbidden_page_explains_the_role(client_for, employee):
    response = client_for(employee).get(reverse("people:employee-list"))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def _sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_failures_from_one_address_do_not_lock_the_account_out_elsewhere(employee):
    from django.test import Client

    cache.clear()
    attacker, owner = Client(), Client()
    for _ in range(6):
        page = _sign_in(attacker, "employee@example.com", "wrong", "203.0.113.9")
    assert "Too many failed login attempts" in page.content.decode()
    assert "Wait 5 minutes" in page.content.decode()
    # The attacker's pair stays locked, even with the right password...
    locked = _sign_in(attacker, "employee@example.com", "correct-horse-battery", "203.0.113.9")
    assert "Too many failed login attempts" in locked.content.decode()
    # ...while the owner signs in from their own address.
    response = _sign_in(owner, "employee@example.com", "correct-horse-battery", "198.51.100.7")
    assert response.status_code == 302
    cache.clear()


def test_a_whole_office_behind_one_address_signs_in_at_once(db):
    from django.test import Client

    from people.tests.factories import EmployeeFactory, UserFactory

    cache.clear()
    users = [UserFactory(email=f"office{n}@example.com") for n in range(40)]
    for user in users:
        EmployeeFactory(user=user)
    statuses = [
        _sign_in(Client(), user.email, "correct-horse-battery", "192.0.2.1").status_code
        for user in users
    ]
    assert statuses == [302] * 40  # allauth's default allowed 30 a minute per address
    cache.clear()


def test_failures_per_address_are_limited_with_a_clear_page(client, settings, db):
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        _sign_in(client, f"nobody{n}@example.com", "wrong", "192.0.2.2").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    page = _sign_in(client, "nobody@example.com", "wrong", "192.0.2.2")
    assert "Too many attempts from your network address" in page.content.decode()
    cache.clear()


def test_login_limits_come_from_settings():
    from django.conf import settings

    assert settings.ACCOUNT_RATE_LIMITS["login"] == "600/m/ip"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "100/m/ip,5/5m/key"
