"""The project's URLs plus the floor of the page-cost benchmark: a bare view that every
middleware runs around (session, sign-in, the employee's language, CSRF, CSP...) but that
does nothing itself."""

from django.http import HttpResponse
from django.urls import path

from ambassador.urls import handler403, handler404, urlpatterns  # noqa: F401


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *urlpatterns]
