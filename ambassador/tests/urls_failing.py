"""The site's URLs plus two views that fail, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.urls import path

from ambassador.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("a bug")


@login_not_required
def database_down(request):
    raise OperationalError("could not connect to server")


urlpatterns = [*urlpatterns, path("boom/", boom), path("database-down/", database_down)]
