from __future__ import annotations

from django.urls import path

from saphan.outcomes import views, views_money, views_queues

app_name = "outcomes"
P = "<uuid:uid>/"
CLAIM = P + "claims/<uuid:claim_uid>/"
urlpatterns = [
    path("", views.project_list, name="list"),
    path(P, views.project_detail, name="project"),
    path(P + "participants/", views.participants, name="participants"),
    path(P + "claims/", views.claim_list, name="claims"),
    path(P + "claims/new/", views.claim_new, name="claim_new"),
    path(CLAIM, views.claim_detail, name="claim"),
    path(CLAIM + "evidence/", views.claim_evidence, name="claim_evidence"),
    path(CLAIM + "evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path(CLAIM + "verify/", views_queues.claim_verify_view, name="claim_verify"),
    path(CLAIM + "dispute/", views_queues.dispute_open_view, name="dispute_open"),
    path(P + "verify/", views_queues.verify_queue, name="verify_queue"),
    path(P + "disputes/", views_queues.disputes, name="disputes"),
    path(
        P + "disputes/<int:pk>/resolve/", views_queues.dispute_resolve_view, name="dispute_resolve"
    ),
    path(P + "approvals/", views_queues.approvals, name="approvals"),
    path(P + "approvals/<uuid:request_uid>/approve/", views_queues.approve, name="approve"),
    path(P + "payments/", views_money.payments, name="payments"),
    path(P + "payments/prepare/", views_money.payments_prepare, name="payments_prepare"),
    path(P + "payments/<uuid:request_uid>/send/", views_money.payment_send, name="payment_send"),
    path(
        P + "payments/<uuid:request_uid>/record/",
        views_money.payment_record_view,
        name="payment_record",
    ),
    path(P + "payments/drawdown/", views_money.drawdown, name="drawdown"),
    path(P + "payments/disbursement/", views_money.disbursement, name="disbursement"),
    path(P + "payments/repayments/", views_money.repayments, name="repayments"),
    path(P + "statement/", views_money.statement, name="statement"),
    path(P + "investor/", views_money.investor, name="investor"),
    path(P + "scenarios/", views_money.scenarios, name="scenarios"),
]

# Setting a project up (the intermediary).
from saphan.outcomes import views_setup  # noqa: E402

urlpatterns += [
    path("new/", views_setup.project_new, name="project_new"),
    path(P + "contract/", views_setup.contract, name="contract"),
]
