from django.urls import reverse

from ambassador.tests.mfa import enrol_totp

URL = reverse("people:profile")


def test_profile_shows_name_department_manager_and_language(client_for, employee, manager):
    content = client_for(employee).get(URL).content.decode()
    assert "Employee Persona" in content
    assert "Sales North" in content
    assert "Manager Persona" in content
    assert 'name="locale"' in content


def test_changing_language_serves_the_site_in_it(client_for, employee):
    client = client_for(employee)
    response = client.post(URL, {"locale": "fr"})
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.locale == "fr"
    assert client.get(URL).headers["Content-Language"] == "fr"


def test_unknown_language_is_refused(client_for, employee):
    response = client_for(employee).post(URL, {"locale": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["locale"]
    employee.refresh_from_db()
    assert employee.locale == "en"


def test_user_without_employee_profile_sees_their_account(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.com", "pw-long-enough-1")
    enrol_totp(admin)  # a superuser must have a second factor (MFA_REQUIRED_ROLES)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "root@example.com" in response.content.decode()
