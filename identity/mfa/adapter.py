"""allauth.mfa's adapter: the site's name in authenticator apps, QR codes drawn by segno
(already used for certificates), and no removal of the last second factor of a person
whose role must have one."""

from allauth.mfa import app_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from .policy import SECOND_FACTOR_TYPES, mfa_required_for


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return app_settings.TOTP_ISSUER or f"{settings.COMPANY_NAME} Ambassador"

    def build_totp_svg(self, url: str) -> str:
        import io

        import segno

        # Dark on white with a quiet zone, as scanners expect; a standalone SVG document
        # (allauth shows it as a data: image).
        buffer = io.BytesIO()
        segno.make(url, error="m").save(
            buffer, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
        )
        return buffer.getvalue().decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        user = authenticator.user
        if not mfa_required_for(user):
            return True
        others = Authenticator.objects.filter(
            user_id=user.pk, type__in=SECOND_FACTOR_TYPES
        ).exclude(pk=authenticator.pk)
        return others.exists()
