from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.catalog, name="course-list"),
    path("<slug:code>/", views.course_detail, name="course-detail"),
    path("<slug:code>/lessons/<int:lesson_id>/", views.lesson_detail, name="lesson-detail"),
    path(
        "<slug:code>/lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson-complete",
    ),
    path(
        "<slug:code>/lessons/<int:lesson_id>/media/<str:kind>/",
        views.lesson_media,
        name="lesson-media",
    ),
]
