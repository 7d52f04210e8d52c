from django import template

register = template.Library()


@register.filter
def overdue_on(enrollment, today):
    """`{{ enrollment|overdue_on:today }}`: not completed and due before `today`."""
    return enrollment.is_overdue(today)


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dict lookup by a variable key."""
    return mapping.get(key)
