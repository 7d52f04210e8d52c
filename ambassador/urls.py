from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ambassador.admin_site import admin_site_customise
from certificates.urls import verify_urlpatterns
from core import health, metrics
from courses import views as courses_views

admin.site.site_header = settings.COMPANY_NAME + " · Ambassador"
admin_site_customise()

urlpatterns = [
    path("", courses_views.my_training, name="home"),
    path("courses/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("people.urls")),
    path("certificates/", include("certificates.urls")),
    path("reports/", include("reports.urls")),
    path("assignments/", include("assignments.urls")),
    path("privacy/", include("privacy.urls")),
    path("identity/", include("identity.urls")),
    # SCIM 2.0 provisioning (RFC 7644): bearer tokens only, outside the site's sign-in.
    path("scim/v2/", include("identity.scim.urls")),
    path("verify/", include(verify_urlpatterns)),
    path("admin/", admin.site.urls),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]

handler400 = "people.views.bad_request"
handler403 = "people.views.permission_denied"
handler404 = "people.views.page_not_found"
handler500 = "core.errors.server_error"
