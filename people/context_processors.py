from .roles import roles_for_display


def roles(request):
    """`roles` in every template: which parts of the site this user may use (to show
    links; the views check access themselves)."""
    return {"roles": roles_for_display(request.user)}
