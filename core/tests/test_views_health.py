"""/healthz and /readyz: public, one word, 503 with no detail when a dependency is down.

With DATABASE_URL and CELERY_BROKER_URL set (CI's PostgreSQL pass) the readiness checks
run against the real PostgreSQL and Redis; a closed port stands in for a stopped service.
"""

import socket

import pytest
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_liveness_answers_anyone_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_ok_when_every_dependency_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_fails_without_detail_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    for accept in ("text/html", "application/json", "text/plain"):
        response = client.get("/readyz", HTTP_ACCEPT=accept)
        assert response.status_code == 503
        assert response.content == b"unavailable\n"


def test_readiness_fails_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = client.get("/readyz?format=json")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_readiness_fails_while_a_migration_is_unapplied(client):
    recorder = MigrationRecorder.Migration.objects
    last = recorder.filter(app="core").latest("id")
    last.delete()
    try:
        response = client.get("/readyz")
    finally:
        recorder.create(app=last.app, name=last.name, applied=last.applied)
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert client.get("/readyz").status_code == 200
