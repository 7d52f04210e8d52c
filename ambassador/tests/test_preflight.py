"""The make targets' preflight checks: each refuses with one clear sentence."""

import runpy
import socket
import sys
from pathlib import Path

import pytest

from ambassador import preflight

SCRIPT = Path(preflight.__file__)


def run_script(monkeypatch, *arguments):
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), *arguments])
    monkeypatch.setattr(sys, "path", list(sys.path))
    runpy.run_path(str(SCRIPT), run_name="__main__")


def test_python_3_11_passes(monkeypatch):
    run_script(monkeypatch, "python")


def test_another_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 12, 1))
    with pytest.raises(SystemExit):
        preflight.check_python()
    assert "needs Python 3.11" in capsys.readouterr().err


def test_a_busy_port_is_refused_and_a_free_one_passes(monkeypatch, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(SystemExit):
            run_script(monkeypatch, "port", str(port))
    assert f"Port {port} on 127.0.0.1 is busy" in capsys.readouterr().err
    preflight.check_port(port)


def test_serve_needs_production_settings(settings, tmp_path, capsys, monkeypatch):
    settings.DEBUG = True
    with pytest.raises(SystemExit):
        run_script(monkeypatch, "serve")
    assert "DEBUG is on" in capsys.readouterr().err

    settings.DEBUG = False
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(SystemExit):
        preflight.check_serve()
    assert "needs CELERY_BROKER_URL" in capsys.readouterr().err

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with pytest.raises(SystemExit):
        preflight.check_serve()
    assert "No collected static files" in capsys.readouterr().err

    (tmp_path / "staticfiles.json").write_text("{}")
    preflight.check_serve()


def test_an_unknown_command_prints_the_usage(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        run_script(monkeypatch, "nonsense")
    assert "preflight.py serve" in capsys.readouterr().err
