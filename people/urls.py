from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="employee-list"),
    path("me/", views.profile, name="profile"),
    path("import/", views.employee_import, name="employee-import"),
]
