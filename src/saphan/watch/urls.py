from django.urls import path

from saphan.watch import views

app_name = "watch"
urlpatterns = [
    path("", views.watch_list, name="list"),
    path("flags/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:code>/", views.rule_setting, name="rule_setting"),
]
