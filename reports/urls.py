from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.completion_report, name="completion"),
    path("export.<str:fmt>", views.completion_export, name="completion-export"),
    path("departments/<int:pk>/rows/", views.department_rows, name="department-rows"),
    path("employees/<int:pk>/", views.employee_detail, name="employee-detail"),
    path("matrix/", views.activity_matrix, name="matrix"),
    path("matrix/export.<str:fmt>", views.matrix_export, name="matrix-export"),
    path("topics/", views.weakest_topics_report, name="weakest-topics"),
    path("dashboard/", views.hr_dashboard, name="hr-dashboard"),
    path("certificates/expiring/", views.certificates_expiring, name="certificates-expiring"),
]
