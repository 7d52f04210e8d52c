from django.urls import include, path

from . import views
from .scim import pages as scim_pages

app_name = "identity"

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("scim-tokens/", scim_pages.scim_token_list, name="scim-token-list"),
    path("scim-tokens/new/", scim_pages.scim_token_create, name="scim-token-create"),
    path("scim-tokens/<int:pk>/revoke/", scim_pages.scim_token_revoke, name="scim-token-revoke"),
    path("", include("identity.sso.urls")),  # company sign-in (identity/sso)
]
