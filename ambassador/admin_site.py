"""The Django admin as part of the site: its sign-in is the site's own.

Signed-in people without admin access (employees, managers) who open /admin/ get the
site's 403 page instead of the admin's login form, which would invite them to sign in
again as someone else; visitors not signed in go to the site's sign-in page and come
back to the admin afterwards.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse


@login_not_required
def admin_login(request, extra_context=None):
    if not request.user.is_authenticated:
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
    if not admin.site.has_permission(request):
        raise PermissionDenied
    return HttpResponseRedirect(reverse("admin:index"))


def admin_site_customise():
    admin.site.login = admin_login
