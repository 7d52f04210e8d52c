"""gunicorn settings for Ambassador (`gunicorn -c deploy/gunicorn.conf.py`).

Every value can be overridden from the environment (the GUNICORN_* variables below, or
gunicorn's own GUNICORN_CMD_ARGS). Sync workers: each request is short (a page, an
htmx fragment); slow work (PDFs, emails) goes to Celery.
"""

import multiprocessing
import os

wsgi_app = "ambassador.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# The usual rule for sync workers: two per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request taking longer than this is killed and logged (the worker restarts).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# Recycle workers now and then so a slow leak never grows; jitter spreads the restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
# Logs to stdout/stderr: systemd's journal (or the Procfile runner) collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The last field is the request id (core.middleware.request_id), as in the app's log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
# Behind a TLS proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket (gunicorn 25+): systemd signals manage the server, and several
# servers on one host would otherwise share ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
