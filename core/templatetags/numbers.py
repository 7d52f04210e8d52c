"""Numbers written the way the reader's language writes them."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def percent(value):
    """`42` → "42%" in English, "42 %" (no-break space) in French: the pattern is a string
    of the catalogues, so each language brings its own."""
    if value is None or value == "":
        return ""
    return pgettext("a percentage", "%(value)s%%") % {"value": number_format(value)}
