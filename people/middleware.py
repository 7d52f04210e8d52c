from django.conf import settings
from django.utils import translation

from .access import request_employee


class EmployeeLocaleMiddleware:
    """Serve signed-in employees in the language of their profile (a language the site
    no longer has falls back to the browser's, as for signed-out pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            employee = request_employee(request)
            if employee is not None and employee.locale in dict(settings.LANGUAGES):
                translation.activate(employee.locale)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
