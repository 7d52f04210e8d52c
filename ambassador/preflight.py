"""Checks the Makefile runs before starting servers, each failing with one clear sentence.

    python ambassador/preflight.py python        the interpreter is Python 3.11
    python ambassador/preflight.py port PORT     nothing listens on 127.0.0.1:PORT
    python ambassador/preflight.py serve         the production settings are complete

Standard library only until `serve` loads the settings, so it runs before any install.
"""

import os
import socket
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def check_python():
    if sys.version_info[:2] != (3, 11):
        found = ".".join(map(str, sys.version_info[:3]))
        fail(
            f"Ambassador needs Python 3.11; {sys.executable} is Python {found}. Install "
            "python3.11 (or point make at it: make PYTHON=/path/to/python3.11) and delete "
            ".venv if it was made with another version."
        )


def check_port(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            fail(
                f"Port {port} on 127.0.0.1 is busy (another server is running there). "
                f"Stop it, or choose another port, e.g. PORT={port + 1}"
            )


def check_serve():
    """The production stack needs the production settings: DEBUG off, every required
    variable set, a broker for the worker and beat, and the collected static files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.DEBUG  # noqa: B018 - loading the settings is the check
    except ImproperlyConfigured as error:
        fail(f"make serve needs the production settings (see .env.example): {error}")
    if settings.DEBUG:
        fail(
            "make serve runs the production stack, but DEBUG is on (the development .env "
            "or the environment). Set DEBUG=0 and the variables of .env.example; for "
            "development use make run."
        )
    if not settings.CELERY_BROKER_URL:
        fail(
            "make serve needs CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the worker and beat."
        )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    uses_manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if uses_manifest and not manifest.is_file():
        fail(
            f"No collected static files in {settings.STATIC_ROOT}: run "
            "manage.py collectstatic (make setup does) first."
        )


if __name__ == "__main__":
    sys.path[0] = str(BASE_DIR)  # the project, not this script's folder (ambassador/celery.py)
    match sys.argv[1:]:
        case ["python"]:
            check_python()
        case ["port", port]:
            check_port(int(port))
        case ["serve"]:
            check_serve()
        case _:
            fail(__doc__)
