from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("employees/<int:pk>/export/", views.employee_export, name="employee-export"),
    path("employees/<int:pk>/export.json", views.employee_export_json, name="employee-export-json"),
]
