from django.urls import path

from saphan.cases import views, views_referrals

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.case_open_view, name="open"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/<uuid:uid>/", views_referrals.referral_detail, name="referral"),
    path("referrals/<uuid:uid>/accept/", views_referrals.accept, name="referral_accept"),
    path("referrals/<uuid:uid>/decline/", views_referrals.decline, name="referral_decline"),
    path("referrals/<uuid:uid>/report/", views_referrals.report, name="referral_report"),
    path("referrals/<uuid:uid>/cancel/", views_referrals.cancel, name="referral_cancel"),
    path("civil-steps/", views_referrals.civil_steps, name="civil_steps"),
    path("<uuid:uid>/", views.case_detail, name="detail"),
    path("<uuid:uid>/stage/", views.stage_set, name="stage"),
    path("<uuid:uid>/assign/", views.assign, name="assign"),
    path("<uuid:uid>/assessments/", views.assess, name="assess"),
    path("<uuid:uid>/goals/", views.goal_new, name="goal_add"),
    path("<uuid:uid>/goals/<int:goal_id>/status/", views.goal_status, name="goal_status"),
    path("<uuid:uid>/services/", views.service_new, name="service_add"),
    path("<uuid:uid>/contacts/", views.contact_new, name="contact_add"),
    path("<uuid:uid>/referrals/", views.refer, name="refer"),
    path("<uuid:uid>/civil-steps/", views.civil_new, name="civil_add"),
    path("<uuid:uid>/civil-steps/<int:step_id>/done/", views.civil_done, name="civil_done"),
    path(
        "<uuid:uid>/civil-steps/<int:step_id>/document/",
        views.civil_document,
        name="civil_document",
    ),
]
