"""The printable certificate: one landscape A4 page drawn with reportlab.

Text is drawn with DejaVu Sans when the system has it (names in any Latin, Greek or
Cyrillic script), else with the built-in Helvetica. The QR code (segno) is drawn as
vector squares, so it stays sharp at any print size; it opens the public
verification page of the certificate.
"""

import io
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Certificate

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


@cache
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans once if it is installed."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _fit(c: canvas.Canvas, text: str, font: str, size: float, max_width: float) -> float:
    """The largest font size ≤ `size` at which `text` fits in `max_width`."""
    width = pdfmetrics.stringWidth(text, font, size)
    return size if width <= max_width else max(10, size * max_width / width)


def _draw_qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix_iter(scale=1, border=0))
    modules = len(matrix)
    cell = size / modules
    c.setFillColor(colors.white)
    c.rect(x - 2 * cell, y - 2 * cell, size + 4 * cell, size + 4 * cell, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * cell
        for col_index, dark in enumerate(row):
            if dark:
                c.rect(x + col_index * cell, top, cell, cell, stroke=0, fill=1)


def certificate_pdf_bytes(certificate: Certificate, language: str | None = None) -> bytes:
    """The certificate as PDF bytes: in `language` if given (a version on request), else
    in the holder's language at issue (or, for older certificates, of their profile)."""
    regular, bold = _fonts()
    language = (
        language
        or certificate.language
        or getattr(certificate.employee, "locale", None)
        or settings.LANGUAGE_CODE
    )
    course_title = certificate.course_title_in(language)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    brand = colors.HexColor(settings.COMPANY_PRIMARY_COLOR)
    verification_url = certificate.get_verification_url()
    with translation.override(language):
        title = _("Certificate of completion")
        c = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
        c.setTitle(f"{title} · {course_title} · {certificate.holder_name}")
        c.setAuthor(settings.COMPANY_NAME)
        c.setSubject(course_title)

        # Frame: a thick brand-coloured border and a thin inner line.
        c.setStrokeColor(brand)
        c.setLineWidth(6)
        c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

        centre = width / 2
        text_width = width - 80 * mm
        c.setFillColor(brand)
        c.setFont(bold, 16)
        c.drawCentredString(centre, height - 38 * mm, settings.COMPANY_NAME.upper())
        c.setFillColor(colors.black)
        c.setFont(bold, 34)
        c.drawCentredString(centre, height - 58 * mm, title)

        c.setFont(regular, 14)
        c.drawCentredString(centre, height - 76 * mm, _("This certifies that"))
        size = _fit(c, certificate.holder_name, bold, 30, text_width)
        c.setFont(bold, size)
        c.drawCentredString(centre, height - 92 * mm, certificate.holder_name)
        c.setFont(regular, 14)
        c.drawCentredString(centre, height - 106 * mm, _("has successfully completed the course"))
        size = _fit(c, course_title, bold, 24, text_width)
        c.setFont(bold, size)
        c.setFillColor(brand)
        c.drawCentredString(centre, height - 120 * mm, course_title)

        # Dates and code, bottom left; QR code, bottom right.
        c.setFillColor(colors.black)
        issued = formats.date_format(certificate.issued_at, "DATE_FORMAT")
        expires = (
            formats.date_format(certificate.expires_at, "DATE_FORMAT")
            if certificate.expires_at
            else _("Does not expire")
        )
        lines = [
            (_("Issued on"), issued),
            (_("Valid until"), expires),
            (_("Certificate code"), certificate.display_code),
        ]
        y = 52 * mm
        for label, value in lines:
            c.setFont(regular, 10)
            c.drawString(30 * mm, y, label)
            c.setFont(bold, 12)
            c.drawString(70 * mm, y, value)
            y -= 8 * mm
        c.setFont(regular, 9)
        c.drawString(30 * mm, y - 1 * mm, _("Verify this certificate at:"))
        c.drawString(30 * mm, y - 6 * mm, verification_url)

        qr_size = 34 * mm
        _draw_qr(c, verification_url, width - 30 * mm - qr_size, 26 * mm, qr_size)
        c.setFont(regular, 8)
        c.drawCentredString(width - 30 * mm - qr_size / 2, 21 * mm, _("Scan to verify"))

        c.showPage()
        c.save()
    return buffer.getvalue()
