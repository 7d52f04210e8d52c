from django.utils import translation


class EmployeeLocaleMiddleware:
    """Serve signed-in employees in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            employee = getattr(user, "employee", None)
            if employee is not None and employee.locale:
                translation.activate(employee.locale)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
