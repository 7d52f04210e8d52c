"""ICS calendars of due dates (RFC 5545, built with `icalendar`).

Each enrollment is one all-day event whose UID is stable (`enrollment-<id>@<host>`),
so a changed due date updates the same calendar entry instead of adding one; SEQUENCE
is the time of generation, which only grows.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def enrollment_uid(enrollment) -> str:
    return f"enrollment-{enrollment.pk}@{_host()}"


def enrollments_ics(enrollments, *, name: str | None = None) -> bytes:
    """A calendar with one event on the due date of each enrollment that has one."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.COMPANY_NAME}//Ambassador training//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    site = settings.SITE_URL.rstrip("/")
    for enrollment in enrollments:
        if enrollment.due_on is None:
            continue
        url = site + enrollment.course.get_absolute_url()
        event = Event()
        event.add("uid", enrollment_uid(enrollment))
        event.add("dtstamp", now)
        event.add("sequence", int(now.timestamp()))
        # The texts are in the active language (the reader's, or the email recipient's),
        # which the LANGUAGE parameter names (RFC 5545, 3.2.10).
        event.add(
            "summary",
            _("Training due: %(course)s") % {"course": enrollment.course.title},
            parameters={"LANGUAGE": language},
        )
        event.add("dtstart", enrollment.due_on)
        event.add("dtend", enrollment.due_on + datetime.timedelta(days=1))
        event.add(
            "description",
            _("Complete it before this date: %(url)s") % {"url": url},
            parameters={"LANGUAGE": language},
        )
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
