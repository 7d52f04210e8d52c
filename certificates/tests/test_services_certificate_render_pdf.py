"""`certificate_render_pdf` is idempotent, also after a render killed half-way."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from certificates.models import Certificate
from certificates.services import certificate_render_pdf
from certificates.tests.factories import complete_course

pytestmark = pytest.mark.django_db


def pdf_files(settings, certificate) -> list[str]:
    return sorted(path.name for path in Path(settings.MEDIA_ROOT).rglob(f"{certificate.code}*"))


def rendered_certificate(employee) -> Certificate:
    """A completed course's certificate with its PDF (rendered here: the test's
    transaction never commits, so the on-commit render does not run)."""
    certificate = Certificate.objects.get(enrollment=complete_course(employee=employee))
    return certificate_render_pdf(certificate_id=certificate.pk)


def test_a_second_render_keeps_the_first_file(employee, settings):
    certificate = rendered_certificate(employee)
    first = certificate.pdf.name
    assert first.endswith(f"{certificate.code}.pdf")
    again = certificate_render_pdf(certificate_id=certificate.pk)
    assert again.pdf.name == first
    assert pdf_files(settings, certificate) == [f"{certificate.code}.pdf"]


def test_a_copy_left_by_a_killed_render_is_removed_by_the_next_one(employee, settings):
    certificate = rendered_certificate(employee)
    # A render killed after storing its file and before recording it: the file is
    # there, the row does not name it.
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    certificate.refresh_from_db()
    stray = certificate.pdf.field.generate_filename(certificate, f"{certificate.code}.pdf")
    assert certificate.pdf.storage.exists(stray)

    rendered = certificate_render_pdf(certificate_id=certificate.pk)

    assert rendered.pdf.name != stray  # the storage named the new file around the stray one
    assert pdf_files(settings, certificate) == [Path(rendered.pdf.name).name]
    with rendered.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_other_certificates_files_are_left_alone(employee, outsider, settings):
    mine = rendered_certificate(employee)
    theirs = rendered_certificate(outsider)
    storage = mine.pdf.storage
    unrelated = storage.save(
        mine.pdf.field.generate_filename(mine, "notes.pdf"), ContentFile(b"%PDF-1.4 other")
    )
    certificate_render_pdf(certificate_id=mine.pk, force=True)
    assert storage.exists(theirs.pdf.name)
    assert storage.exists(unrelated)
