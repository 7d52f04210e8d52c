from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="certificate-list"),
    path("search/", views.certificate_search, name="certificate-search"),
    path("<str:code>/download/", views.certificate_download, name="certificate-download"),
    path("<str:code>/revoke/", views.certificate_revoke, name="certificate-revoke"),
]

# The public verification pages, mounted at /verify/ by ambassador/urls.py (no app
# namespace: their URLs are printed on certificates and must never change).
verify_urlpatterns = [
    path("", views.verify_lookup, name="certificate-verify-lookup"),
    path("<str:code>/", views.verify, name="certificate-verify"),
]
