"""One way to send email: `emails/<name>_subject.txt`, `_body.txt` and `_body.html`."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .metrics import EMAILS


def send_templated_email(
    *,
    name: str,
    to: str,
    context: dict,
    language: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
):
    """Render the three templates of email `name` and send them to one address.

    `attachments` are (filename, content, MIME type), e.g. an ICS calendar entry."""
    language = language or settings.LANGUAGE_CODE
    context = {
        "company_name": settings.COMPANY_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "LANGUAGE_CODE": language,  # <html lang> of the HTML body
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        text_body = render_to_string(f"emails/{name}_body.txt", context)
        html_body = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(
        # One line; only ASCII white space is folded, so that a French subject keeps its
        # no-break spaces ("Formation affectée\u00a0: …").
        subject=re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip(),
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception:
        EMAILS.labels(name, "failed").inc()
        raise
    EMAILS.labels(name, "sent").inc()
    return message
