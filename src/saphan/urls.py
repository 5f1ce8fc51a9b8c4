from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from saphan.accounts import views as account_views
from saphan.api.main import api
from saphan.audit import views as audit_views
from saphan.core.views import healthz
from saphan.dashboard import views as dashboard_views
from saphan.orgs import views as org_views

# The back office logs in through allauth too: same rate limits, same MFA.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Saphan back office"

orgs_patterns = (
    [
        path("", org_views.organisation_list, name="list"),
        path("new/", org_views.organisation_edit, name="new"),
        path("<int:pk>/", org_views.organisation_edit, name="edit"),
    ],
    "orgs",
)
accounts_patterns = (
    [
        path("", account_views.user_list, name="list"),
        path("new/", account_views.user_edit, name="new"),
        path("<int:pk>/", account_views.user_edit, name="edit"),
    ],
    "accounts",
)
audit_patterns = (
    [
        path("", audit_views.access_log, name="access_log"),
        path("changes/", audit_views.change_history, name="changes"),
    ],
    "audit",
)

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("provinces/<str:code>/", dashboard_views.province_detail, name="province"),
    path("people/", include("saphan.people.urls")),
    path("watch/", include("saphan.watch.urls")),
    path("rights/", include("saphan.rights.urls")),
    path("cases/", include("saphan.cases.urls")),
    path("notifications/", include("saphan.notifications.urls")),
    path("outcomes/", include("saphan.outcomes.urls")),
    path("imports/", include("saphan.intake.urls")),
    path("duplicates/", include("saphan.linkage.urls")),
    path("reports/", include("saphan.reports.urls")),
    path("orgs/", include("saphan.orgs.urls")),
    path("manage/organisations/", include(orgs_patterns)),
    path("manage/users/", include(accounts_patterns)),
    path("audit/", include(audit_patterns)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
