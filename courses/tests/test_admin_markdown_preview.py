"""The admin's Markdown preview endpoint: the lesson renderer, for authors only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("admin:courses_markdown_preview")


def test_authors_get_the_sanitised_rendering(author, client_for):
    author.user.is_staff = True
    author.user.save()
    client = client_for(author)
    response = client.post(URL, {"text": "# Title\n\n<script>x()</script> [a](javascript:x)"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Title</h2>" in html  # h1 demoted, as on the lesson page
    assert "<script" not in html and "javascript:" not in html
    assert client.get(URL).status_code == 405


def test_staff_without_content_rights_and_employees_get_nothing(hr, employee, client_for):
    hr.user.is_staff = True
    hr.user.save()
    assert client_for(hr).post(URL, {"text": "x"}).status_code == 403
    response = client_for(employee).post(URL, {"text": "x"}, follow=True)
    assert response.status_code == 403  # the site's 403 (see ambassador/admin_site.py)
