"""The server-error page, and a clean 503 while the database is unreachable.

`handler500` (ambassador/urls.py) receives every exception no view or middleware
handled. A database that cannot be reached (PostgreSQL restarting, a failover, a
network cut: `OperationalError`, `InterfaceError`) answers **503** with a
"back in a moment" page and `Retry-After`, so browsers, load balancers and monitoring
see a temporary outage; anything else answers 500 (`500.html`). Both pages are rendered
without the database, the session or the request's user (`503.html` extends
`_standalone.html`), since those may be what failed, and never show a traceback (the
log has it). Web processes recover by
themselves: `CONN_HEALTH_CHECKS` replaces a dead persistent connection at the next
request (see docs/operations.md, *Faults*).
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    unavailable = isinstance(sys.exc_info()[1], DATABASE_DOWN)
    template = loader.get_template("503.html" if unavailable else "500.html")
    response = HttpResponse(
        template.render({"company_name": settings.COMPANY_NAME}),
        status=503 if unavailable else 500,
    )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
