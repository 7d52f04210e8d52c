from django.urls import path

from identity.sso import views

urlpatterns = [
    path("sso/", views.sso_start, name="sso-start"),
]
