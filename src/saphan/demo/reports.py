"""Demo reports: model areas in Nan and Pattani, the trainings record, and the
statistics built once so that the dashboards have figures straight away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saphan.accounts.models import User
from saphan.demo.trainings import demo_trainings_load
from saphan.reports.aggregates import stats_refresh
from saphan.reports.model_areas import model_area_mark
from saphan.reports.models import ModelArea

#: (coordinator, place code, note): a whole district and one subdistrict.
DEMO_MODEL_AREAS = (
    ("coord.nan", "5505", "อำเภอปัว: ต้นแบบการดูแลผู้สูงอายุที่อยู่ลำพัง"),
    ("coord.nan", "5502", "อำเภอแม่จริม: ต้นแบบสิทธิคนพิการ"),
    ("coord.nan", "550101", "ตำบลในเวียง: ต้นแบบการเยี่ยมบ้านคนไร้บ้าน"),
)


def demo_reports_load(progress: Callable[[str], Any] = print) -> None:
    marked = 0
    for username, code, note in DEMO_MODEL_AREAS:
        user = User.objects.filter(username=username).first()
        if (
            user is None
            or ModelArea.objects.active()
            .filter(
                district_id=code if len(code) == 4 else None,
                subdistrict_id=code if len(code) == 6 else None,
            )
            .exists()
        ):
            continue
        model_area_mark(user=user, code=code, note=note)
        marked += 1
    trainings = demo_trainings_load(progress=progress)
    from saphan.people.models import Person

    codes = sorted(set(Person.objects.values_list("province_id", flat=True).distinct()))
    result = stats_refresh(province_codes=codes)
    progress(
        f"Reports: {marked} model areas marked, {trainings} trainings recorded; statistics "
        f"of {len(result.provinces)} provinces built ({result.facts:,} rows, "
        f"{result.seconds:.1f} s)."
    )
