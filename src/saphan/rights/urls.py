from django.urls import path

from saphan.rights import views

app_name = "rights"
urlpatterns = [
    path("gaps/", views.gaps, name="gaps"),
    path("people/<uuid:uid>/", views.person, name="person"),
]
