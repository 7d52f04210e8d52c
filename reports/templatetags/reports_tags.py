"""Template helpers of the report pages.

The tags that draw a table cell (`status_badge`, `stacked_bar`, `matrix_cells`) build
their HTML in Python: they run once per row (or per cell) of tables of 50 rows and
more, where an `{% include %}` with its own `{% translate %}` tags cost most of a
page's rendering time. The strings are the msgids the templates used, so existing
translations still apply."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop

register = template.Library()


@register.filter
def overdue_on(enrollment, today):
    """`{{ enrollment|overdue_on:today }}`: not completed and due before `today`."""
    return enrollment.is_overdue(today)


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dict lookup by a variable key."""
    return mapping.get(key)


_STATUS_BADGES = {
    "completed": ("text-bg-success", gettext_noop("Completed")),
    "in_progress": ("text-bg-primary", gettext_noop("In progress")),
}


@register.simple_tag
def status_badge(status, overdue=False):
    """`{% status_badge enrollment.status overdue %}`: the status as a badge, and an
    "Overdue" badge beside it when `overdue`."""
    css, label = _STATUS_BADGES.get(status, ("text-bg-light border", gettext_noop("Not started")))
    badge = format_html('<span class="badge {}">{}</span>', css, gettext(label))
    if overdue:
        return format_html(
            '{} <span class="badge text-bg-danger">{}</span>', badge, gettext("Overdue")
        )
    return badge


@register.simple_tag
def stacked_bar(tally):
    """`{% stacked_bar tally %}`: the stacked bar of a `Tally` (hidden from screen
    readers; widths from `Tally.segments`) followed by its numbers in text for them."""
    segments = format_html_join(
        "",
        '<div class="progress progress-{}"><div class="progress-bar report-{}"></div></div>',
        ((width, kind) for kind, _count, width in tally.segments if width),
    )
    text = gettext(
        "Of %(total)s: %(completed)s completed (%(cp)s%%), %(in_progress)s in progress, "
        "%(not_started)s not started, %(overdue)s overdue."
    ) % {
        "total": tally.total,
        "completed": tally.completed,
        "cp": tally.completed_percent,
        "in_progress": tally.in_progress,
        "not_started": tally.not_started,
        "overdue": tally.overdue,
    }
    return format_html(
        '<div class="progress-stacked report-bar" aria-hidden="true">{}</div>\n'
        '<span class="visually-hidden">{}</span>',
        segments,
        text,
    )


@register.simple_tag
def matrix_cells(cells):
    """`{% matrix_cells row.cells %}`: the `<td>`s of one row of the activity matrix: a
    tick for a lesson done, the best score for a quiz (passed or not), and the state in
    words for screen readers."""
    done, not_done = gettext("done"), gettext("not done")
    passed, not_passed = gettext("passed"), gettext("not passed")
    parts = []
    for cell in cells:
        if cell is True:
            parts.append(
                format_html(
                    '<td class="matrix-cell"><i class="bi bi-check-lg matrix-done" '
                    'aria-hidden="true"></i><span class="visually-hidden">{}</span></td>',
                    done,
                )
            )
        elif cell:
            score, ok = cell
            word = passed if ok else not_passed
            parts.append(
                format_html(
                    '<td class="matrix-cell"><span class="{}" title="{}">{}%</span>'
                    '<span class="visually-hidden">{}</span></td>',
                    "matrix-done" if ok else "matrix-failed",
                    word,
                    score,
                    word,
                )
            )
        else:
            parts.append(
                format_html(
                    '<td class="matrix-cell"><span class="visually-hidden">{}</span></td>',
                    not_done,
                )
            )
    return format_html_join("", "{}", ((part,) for part in parts))
