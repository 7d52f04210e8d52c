from .roles import roles_for


def roles(request):
    """`roles` in every template: which parts of the site this user may use."""
    return {"roles": roles_for(request.user)}
