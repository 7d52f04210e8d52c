"""Access control for views: who may use a view is declared on the view.

Signed-in users without the role get 403; objects outside a user's scope are
fetched through the scoped querysets of `people.selectors` and so give 404.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Employee
from .roles import roles_for


def request_employee(request) -> Employee | None:
    """The employee behind the request: None when nobody is signed in or the account has
    no employee profile (a superuser created by hand)."""
    return getattr(request.user, "employee", None)


def role_required(*names):
    """Allow the view to users having any of the roles `names` (see `people.roles.Roles`)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            roles = roles_for(request.user)
            if not any(getattr(roles, name) for name in names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = names
        return wrapped

    return decorator
