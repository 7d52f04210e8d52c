"""Response headers every page carries beyond Django's own security middleware."""

from django.conf import settings


def permissions_policy(get_response):
    """Permissions-Policy: switch off the browser features the site never uses."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
