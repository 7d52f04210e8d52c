from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
]
