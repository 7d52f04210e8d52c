import io

from pypdf import PdfReader

from certificates.pdf import certificate_pdf_bytes
from certificates.services import certificate_render_pdf
from certificates.tests.factories import issue_certificate


def _text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join((page.extract_text() or "") for page in reader.pages)


def test_the_pdf_is_one_landscape_a4_page_with_the_certificate_details(employee, settings):
    settings.COMPANY_NAME = "Acme Widgets"
    settings.SITE_URL = "https://training.example.com"
    certificate = issue_certificate(
        employee=employee, title="Social Media 101", certificate_valid_months=24
    )
    reader, text = _text(certificate_pdf_bytes(certificate))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape
    assert "Employee Persona" in text
    assert "Social Media 101" in text
    assert certificate.display_code in text
    assert "ACME WIDGETS" in text
    assert "Certificate of completion" in text
    assert "Valid until" in text
    assert f"https://training.example.com/verify/{certificate.display_code}/" in text


def test_a_certificate_without_expiry_says_so(employee):
    certificate = issue_certificate(employee=employee)
    _, text = _text(certificate_pdf_bytes(certificate))
    assert "Does not expire" in text


def test_rendering_is_idempotent(employee):
    certificate = issue_certificate(employee=employee)
    first = certificate_render_pdf(certificate_id=certificate.pk)
    second = certificate_render_pdf(certificate_id=certificate.pk)
    assert first.pdf.name == second.pdf.name
    assert second.pdf.read().startswith(b"%PDF")


def test_rendering_a_deleted_certificate_does_nothing(db):
    assert certificate_render_pdf(certificate_id=999_999) is None
