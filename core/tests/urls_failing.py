"""The site's URLs plus /fail/, which raises the error a test puts in FAILURE."""

from django.urls import path

from ambassador.urls import handler403, handler404, handler500
from ambassador.urls import urlpatterns as site_urls

FAILURE: dict[str, Exception] = {}


def fail(request):
    raise FAILURE["error"]


urlpatterns = [path("fail/", fail), *site_urls]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
