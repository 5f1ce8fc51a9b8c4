from __future__ import annotations

from typing import Any

import pytest

from saphan.demo.people import demo_people_load
from saphan.demo.seed import demo_seed_organisations_and_users
from saphan.reports.aggregates import stats_refresh
from saphan.watch.engine import watch_evaluate

N_PEOPLE = 400


@pytest.fixture
def registry(db: None, settings: Any) -> dict[str, Any]:
    """Demo people (several provinces, groups, households), their watch flags, and the
    statistics built from them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SAPHAN_STATS_REFRESH_ON_WRITE = False
    demo_seed_organisations_and_users()
    demo_people_load(N_PEOPLE, workers=0, analyze=False)
    watch_evaluate()
    from saphan.people.models import Person

    codes = sorted(set(Person.objects.values_list("province_id", flat=True)))
    stats_refresh(province_codes=codes)
    return {"provinces": codes}


@pytest.fixture
def coordinator_nan(make_user: Any) -> Any:
    return make_user(role="provincial_coordinator", provinces=("55",), username="coord_nan_r")


@pytest.fixture
def analyst(make_user: Any, registry: dict[str, Any]) -> Any:
    return make_user(
        role="analyst", provinces=tuple(registry["provinces"]), kind="agency", username="analyst_r"
    )
