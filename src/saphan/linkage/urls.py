from django.urls import path

from saphan.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.compare, name="compare"),
    path("merges/", views.merges, name="merges"),
    path("merges/<uuid:uid>/undo/", views.merge_undo, name="merge_undo"),
]
