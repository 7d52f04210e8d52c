"""The restore drill of docs/deploy.md ("Backups"), run for real: deploy/backup.sh dumps
the database (pg_dump) and the media folder, deploy/restore.sh puts both back into a
fresh database and an empty folder, and the restored copy holds the same rows and files.
PostgreSQL only (CI's second pass)."""

import hashlib
import os
import subprocess
from pathlib import Path
from urllib.parse import urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from certificates.models import Certificate
from certificates.tests.factories import issue_certificate
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEPLOY = Path(settings.BASE_DIR) / "deploy"
# Every table of the project's own apps, compared row for row by count.
TABLES = [
    "people_user",
    "people_employee",
    "people_department",
    "courses_course",
    "courses_enrollment",
    "courses_lessoncompletion",
    "quizzes_attempt",
    "quizzes_attemptanswer",
    "certificates_certificate",
    "core_outboxtask",
    "django_migrations",
]


def _url(dbname: str) -> str:
    """A libpq URL of the test server for database `dbname`."""
    params = connection.settings_dict
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return urlunsplit(("postgresql", f"{user}{password}@{host}{port}", f"/{dbname}", "", ""))


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in TABLES
        }


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _run(script, *args, env):
    result = subprocess.run(  # noqa: S603 - our own scripts
        [str(DEPLOY / script), *map(str, args)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_round_trip(
    employee, tmp_path, settings, restored_database, django_capture_on_commit_callbacks
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered on commit
        certificate = issue_certificate(employee=employee)
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    certificate.refresh_from_db()
    assert certificate.pdf, "the certificate PDF was not rendered"

    source = _url(connection.settings_dict["NAME"])
    backups = tmp_path / "backups"
    _run("backup.sh", backups, "drill", env={"DATABASE_URL": source, "MEDIA_ROOT": str(media)})
    dump, archive = backups / "db-drill.dump", backups / "media-drill.tar.gz"
    assert dump.stat().st_size > 0 and archive.stat().st_size > 0

    target = _url(restored_database)
    restored_media = tmp_path / "restored-media"
    environment = {"DATABASE_URL": target, "MEDIA_ROOT": str(restored_media)}
    _run("restore.sh", dump, archive, env=environment)

    assert _counts(target) == _counts(source)
    with psycopg.connect(target) as conn:
        row = conn.execute(
            "SELECT code, holder_name, pdf FROM certificates_certificate WHERE id = %s",
            [certificate.pk],
        ).fetchone()
    assert row == (certificate.code, certificate.holder_name, certificate.pdf.name)
    assert _digests(restored_media) == _digests(media)
    assert (restored_media / certificate.pdf.name).read_bytes()[:5] == b"%PDF-"

    # A second restore on top of the restored copy is refused: it never mixes data.
    again = subprocess.run(  # noqa: S603
        [str(DEPLOY / "restore.sh"), str(dump), str(archive)],
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode != 0
    assert "restore into an empty database" in again.stderr
    assert Certificate.objects.filter(pk=certificate.pk).exists()
