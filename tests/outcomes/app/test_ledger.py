"""The ledger: balanced, append-only double entry, in the application and the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saphan.audit.models import AppendOnlyError
from saphan.outcomes.ledger import account_for, ledger_post, ledger_reverse, ledger_totals
from saphan.outcomes.models import LedgerEntry, LedgerTransaction, Party

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate


def post(users: Any, project: Any, lines: list[Any], **kw: Any) -> Any:
    return ledger_post(
        user=users["intermediary"],
        project=project,
        date=TODAY(),
        description=kw.pop("description", "test"),
        kind=kw.pop("kind", "adjustment"),
        lines=lines,
        **kw,
    )


@pytest.fixture
def accounts(project: Any) -> dict[str, Any]:
    payer = Party.objects.get(project=project, role="payer")
    fund = Party.objects.get(project=project, spec_code="fund")
    return {
        "cash": account_for(project, "cash"),
        "income": account_for(project, "outcome_income", payer),
        "capital": account_for(project, "investor_capital", fund),
        "adjustment": account_for(project, "adjustment"),
    }


def test_unbalanced_transaction_is_refused_and_nothing_saved(
    project: Any, users: Any, accounts: Any
) -> None:
    with pytest.raises(ValidationError, match="does not balance"):
        post(
            users,
            project,
            [(accounts["cash"], D("100.00"), 0), (accounts["income"], 0, D("99.99"))],
        )
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one debit"),
        ([("cash", "10.00", "10.00"), ("income", 0, "10.00")], "not both"),
        ([("cash", 10.0, 0), ("income", 0, 10.0)], "never floats"),
        ([("cash", "-5.00", 0), ("income", 0, "-5.00")], "negative"),
        ([("cash", "1.005", 0), ("income", 0, "1.005")], "two decimal"),
    ],
)
def test_bad_lines_are_refused(
    project: Any, users: Any, accounts: Any, lines: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        post(users, project, [(accounts[a], d, c) for a, d, c in lines])
    assert not LedgerTransaction.objects.exists()


def test_foreign_currency_is_converted_and_the_rate_stored(
    project: Any, users: Any, accounts: Any
) -> None:
    posted = post(
        users,
        project,
        [(accounts["cash"], D("100.00"), 0), (accounts["capital"], 0, D("100.00"))],
        currency="USD",
        exchange_rate=D("35.25"),
        kind="drawdown",
    )
    assert (posted.currency, posted.exchange_rate) == ("USD", D("35.25"))
    entries = list(posted.entries.order_by("pk"))
    assert [(e.debit, e.credit, e.original_amount) for e in entries] == [
        (D("3525.00"), D("0.00"), D("100.00")),
        (D("0.00"), D("3525.00"), D("100.00")),
    ]


def test_only_the_projects_intermediary_posts(
    project: Any, users: Any, accounts: Any, make_user: Any
) -> None:
    lines = [(accounts["cash"], D("1.00"), 0), (accounts["adjustment"], 0, D("1.00"))]
    other = make_user(role="intermediary", kind="intermediary")
    for user in (users["provider"], users["payer"], users["investor"], users["evaluator"], other):
        with pytest.raises(PermissionDenied):
            ledger_post(
                user=user,
                project=project,
                date=TODAY(),
                description="x",
                kind="adjustment",
                lines=lines,
            )


def test_accounts_of_another_project_are_refused(project: Any, users: Any, accounts: Any) -> None:
    from saphan.outcomes.services import project_create

    other = project_create(user=users["intermediary"], code="other", name_th="อื่น")
    with pytest.raises(ValidationError, match="another project"):
        post(
            users,
            project,
            [(accounts["cash"], D("1.00"), 0), (account_for(other, "cash"), 0, D("1.00"))],
        )


def test_ledger_is_append_only_in_the_application(project: Any, users: Any, accounts: Any) -> None:
    posted = post(
        users, project, [(accounts["cash"], D("5.00"), 0), (accounts["adjustment"], 0, D("5.00"))]
    )
    entry = posted.entries.first()
    posted.description = "changed"
    with pytest.raises(AppendOnlyError):
        posted.save()
    with pytest.raises(AppendOnlyError):
        posted.delete()
    entry.debit = D("6.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(debit=D("6.00"))
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    # A mistake is corrected by a reversal, which is a new transaction.
    reversal = ledger_reverse(
        user=users["intermediary"], posted=posted, date=TODAY(), reason="typo"
    )
    assert reversal.reverses == posted
    with pytest.raises(ValidationError, match="already been reversed"):
        ledger_reverse(user=users["intermediary"], posted=posted, date=TODAY(), reason="x")
    debits, credits = ledger_totals(project)
    assert debits == credits == D("10.00")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE outcomes_ledgerentry SET debit = 7",
        "UPDATE outcomes_ledgertransaction SET description = 'x'",
        "DELETE FROM outcomes_ledgerentry",
        "DELETE FROM outcomes_ledgertransaction",
    ],
)
def test_ledger_is_append_only_in_the_database(
    project: Any, users: Any, accounts: Any, sql: str
) -> None:
    post(users, project, [(accounts["cash"], D("5.00"), 0), (accounts["adjustment"], 0, D("5.00"))])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerEntry.objects.filter(debit=D("5.00")).count() == 1


AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2)
POSTING = st.tuples(
    st.lists(
        st.tuples(st.sampled_from(["cash", "income", "capital", "adjustment"]), AMOUNTS),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["cash", "income", "capital", "adjustment"]),
    st.booleans(),  # tamper: make it unbalanced by one satang
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(postings=st.lists(POSTING, max_size=6))
def test_any_sequence_of_postings_keeps_the_ledger_balanced(
    project: Any, users: Any, accounts: Any, postings: list[Any]
) -> None:
    """Property: whatever is posted (and whatever unbalanced posting is refused), total
    debits equal total credits, per transaction and for the project."""
    for debits, credit_account, tamper in postings:
        total = sum((amount for _a, amount in debits), D(0))
        lines = [(accounts[a], amount, 0) for a, amount in debits]
        lines.append((accounts[credit_account], 0, total + (D("0.01") if tamper else 0)))
        before = LedgerTransaction.objects.count()
        if tamper:
            with pytest.raises(ValidationError):
                post(users, project, lines)
            assert LedgerTransaction.objects.count() == before
        else:
            post(users, project, lines)
        all_debits, all_credits = ledger_totals(project)
        assert all_debits == all_credits
    from saphan.outcomes.reconcile import ledger_reconcile

    assert not [m for m in ledger_reconcile(project=project) if m.code == "unbalanced"]
