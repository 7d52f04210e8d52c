from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/review/", views.attempt_review, name="attempt-review"),
    path("<slug:code>/", views.quiz_detail, name="quiz-detail"),
    path("<slug:code>/start/", views.attempt_start, name="attempt-start"),
    path("<slug:code>/statistics/", views.quiz_statistics, name="quiz-statistics"),
]
