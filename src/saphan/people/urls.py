from django.urls import path

from saphan.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("check/", views.check_field, name="check"),
    path("districts/", views.districts_options, name="districts"),
    path("subdistricts/", views.subdistricts_options, name="subdistricts"),
    path("households/<uuid:uid>/", views.household_detail, name="household"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/edit/", views.edit, name="edit"),
    path("<uuid:uid>/consents/", views.consent_add, name="consent_add"),
    path(
        "<uuid:uid>/consents/<int:consent_id>/evidence/",
        views.consent_evidence,
        name="consent_evidence",
    ),
    path(
        "<uuid:uid>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("<uuid:uid>/household/", views.household_start, name="household_start"),
]
