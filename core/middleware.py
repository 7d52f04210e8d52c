"""Middleware of the ground floor: the request id and latency metric, and the response
headers every page carries beyond Django's own security middleware."""

import time

from django.conf import settings

from . import metrics
from .observability import REQUEST_ID_HEADER, request_id_from, request_id_start


def request_id(get_response):
    """Serve each request under a request id (the caller's `X-Request-ID` if well formed,
    else a new one), return it in `X-Request-ID`, and time the request for the metrics."""

    def middleware(request):
        rid = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request_id_start(rid)  # cleared by request_finished (core.apps)
        request.request_id = rid
        started = time.perf_counter()
        response = get_response(request)
        metrics.observe_request(request, response, time.perf_counter() - started)
        response[REQUEST_ID_HEADER] = rid
        return response

    return middleware


def permissions_policy(get_response):
    """Permissions-Policy: switch off the browser features the site never uses."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
