"""/scim/v2/: the SCIM 2.0 service provider (paths as RFC 7644 spells them; clients
send them with or without a trailing slash)."""

from django.urls import re_path

from . import views

app_name = "scim"

urlpatterns = [
    re_path(
        r"^ServiceProviderConfig/?$",
        views.service_provider_config,
        name="service-provider-config",
    ),
    re_path(r"^Schemas/?$", views.schema_list, name="schema-list"),
    re_path(r"^Schemas/(?P<schema_id>[\w:.\-]+)/?$", views.schema_detail, name="schema-detail"),
    re_path(r"^ResourceTypes/?$", views.resource_type_list, name="resource-type-list"),
    re_path(
        r"^ResourceTypes/(?P<name>\w+)/?$", views.resource_type_detail, name="resource-type-detail"
    ),
    re_path(r"^Users/?$", views.user_list, name="user-list"),
    re_path(r"^Users/(?P<pk>[^/]+)/?$", views.user_detail, name="user-detail"),
    re_path(r"^Groups/?$", views.group_list, name="group-list"),
    re_path(r"^Groups/(?P<pk>[^/]+)/?$", views.group_detail, name="group-detail"),
]
