from django.conf import settings


def branding(request):
    return {
        "company_name": settings.COMPANY_NAME,
        "company_primary_color": settings.COMPANY_PRIMARY_COLOR,
        "company_logo_url": settings.COMPANY_LOGO_URL,
    }
