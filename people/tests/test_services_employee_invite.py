from people.services import employee_invite


def test_invitation_renders_text_and_html_and_is_sent_once(employee, mailoutbox):
    assert employee_invite(employee_id=employee.pk) is True
    assert employee_invite(employee_id=employee.pk) is False
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "Ambassador account is ready" in message.subject
    assert "Hello Employee," in message.body
    assert "http://127.0.0.1:8000/accounts/password/reset/key/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/accounts/password/reset/key/' in html


def test_link_in_the_invitation_lets_the_employee_choose_a_password(client, employee, mailoutbox):
    employee_invite(employee_id=employee.pk)
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/key/" in line)
    path = link.split("127.0.0.1:8000", 1)[1].strip()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url,
        {"password1": "a-brand-new-passphrase-42", "password2": "a-brand-new-passphrase-42"},
    )
    assert response.status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.check_password("a-brand-new-passphrase-42")


def test_inactive_employees_are_not_invited(employee, mailoutbox):
    employee.user.is_active = False
    employee.user.save()
    assert employee_invite(employee_id=employee.pk) is False
    assert mailoutbox == []


def test_plain_text_parts_are_not_html_escaped(employee, mailoutbox, settings):
    settings.COMPANY_NAME = "Smith & O'Brien"
    employee_invite(employee_id=employee.pk)
    message = mailoutbox[0]
    assert "Smith & O'Brien" in message.subject and "Smith & O'Brien" in message.body
    assert "Smith &amp; O&#x27;Brien" in message.alternatives[0][0]
