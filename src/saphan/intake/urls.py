from django.urls import path

from saphan.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_upload, name="upload"),
    path("forms/<str:name>", views.form_download, name="form"),
    path("<uuid:uid>/", views.job_detail, name="detail"),
    path("<uuid:uid>/progress/", views.job_progress, name="progress"),
    path("<uuid:uid>/problems.xlsx", views.job_issues_xlsx, name="issues_xlsx"),
]
