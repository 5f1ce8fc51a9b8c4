"""The organisation capacity view and trainings record, included under ``/orgs/``.

(The administrators' organisation management pages stay under
``/manage/organisations/``, namespace ``orgs``, defined in ``saphan/urls.py``.)
"""

from django.urls import path

from saphan.orgs import views_capacity as views

app_name = "capacity"
urlpatterns = [
    path("capacity/", views.capacity_home, name="home"),
    path("<slug:code>/capacity/", views.capacity_detail, name="detail"),
    path(
        "<slug:code>/capacity/<slug:table>.<slug:fmt>",
        views.capacity_download,
        name="download",
    ),
    path("<slug:code>/trainings/", views.training_list, name="trainings"),
    path("<slug:code>/trainings/<int:pk>/delete/", views.training_remove, name="training_delete"),
]
