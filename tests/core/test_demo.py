from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.demo.seed import DEMO_PASSWORD
from saphan.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_sets_up_every_role_and_rerunning_changes_nothing(
    client: Client, settings: object
) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]  # pytest-django turns it off
    out = StringIO()
    call_command("demo", no_server=True, stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "fw.nan" in text
    assert {u.role for u in User.objects.all()} == set(Role.values)
    # A civil-society organisation and a provincial office in each of the 25 provinces.
    for kind in ("cso", "provincial_office"):
        per_province = Organisation.objects.filter(kind=kind, code__regex=r"^(cso|pso)-\d\d$")
        assert per_province.count() == 25
    for kind in ("investor", "intermediary", "evaluator", "outcome_payer"):
        assert Organisation.objects.filter(kind=kind).exists()
    snapshot = (
        Organisation.objects.count(),
        User.objects.count(),
        sorted(User.objects.values_list("password", flat=True)),
    )
    call_command("demo", no_server=True, stdout=StringIO())
    assert snapshot == (
        Organisation.objects.count(),
        User.objects.count(),
        sorted(User.objects.values_list("password", flat=True)),
    )
    assert client.login(username="fw.nan", password=DEMO_PASSWORD)
    assert client.get("/provinces/55/").status_code == 200
    assert client.get("/provinces/94/").status_code == 404


def test_demo_refuses_production_mode(settings: object) -> None:
    from django.core.management.base import CommandError

    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("demo", no_server=True, stdout=StringIO())
