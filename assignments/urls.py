from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("", views.assignment_list, name="assignment-list"),
    path("new/", views.assignment_create, name="assignment-create"),
    path("people/", views.employee_search, name="employee-search"),
    path("<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("<int:pk>/cancel/", views.assignment_cancel, name="assignment-cancel"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
