"""One way to send email: `emails/<name>_subject.txt`, `_body.txt` and `_body.html`."""

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
    context = {
        "company_name": settings.COMPANY_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        text_body = render_to_string(f"emails/{name}_body.txt", context)
        html_body = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
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
