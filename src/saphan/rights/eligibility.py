"""Who is eligible for which scheme on a given day, as set-based ``Q`` filters over
``Person``, and what each eligible person would receive, as a database expression.

Nothing here loops over people: the gap list and its totals for a million people are a
few ``GROUP BY`` queries. The amounts and income limits come from the dated
``SchemeRate`` and ``SchemeThreshold`` rows in force on the day (``catalogue_on``).

Every rule uses sensitive data (civil status, disabilities): it applies only to people
whose sensitive data may be used now (``sensitive_basis`` set, PDPA s.26). For everyone
else the answer is "cannot tell", never "not eligible". ``docs/rights.md`` explains
each rule and its simplifications in Thai and English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from saphan.people import choices as pc
from saphan.people.groups import aged_at_least
from saphan.people.models import Disability, HouseholdMember
from saphan.rights.choices import RightStatus, SchemeCode, ThresholdCode
from saphan.rights.models import PersonRight, Scheme, SchemeRate, SchemeThreshold

AMOUNT = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")

#: Yearly personal income (baht) implied by each monthly income band: (lowest, highest).
#: ``None`` = no upper bound. A means test passes only when the *highest* possible
#: income is within the limit, fails only when the *lowest* is above it; in between the
#: answer is "check income" (a conservative estimate: no false "eligible").
INCOME_BAND_YEAR: dict[str, tuple[int, int | None]] = {
    pc.IncomeBand.NONE: (0, 0),
    pc.IncomeBand.UNDER_3000: (0, 2_999 * 12),
    pc.IncomeBand.FROM_3000: (3_000 * 12, 8_999 * 12),
    pc.IncomeBand.FROM_9000: (9_000 * 12, 14_999 * 12),
    pc.IncomeBand.FROM_15000: (15_000 * 12, None),
}
#: Stands in for "no upper bound" in sums: above any limit the catalogue can hold.
_UNBOUNDED = 10**12

THAI = Q(civil_status=pc.CivilStatus.THAI_REGISTERED)
#: People with personal-status problems who hold a 13-digit number from the civil
#: registry (categories 0, 6 and 7) or are Thai people missing from it: the health fund
#: for people with status problems (กองทุนคืนสิทธิ).
STATUS_PROBLEM = (
    pc.CivilStatus.STATELESS,
    pc.CivilStatus.NON_THAI_6_7,
    pc.CivilStatus.THAI_UNREGISTERED,
)
#: Who needs nationality verification or late civil registration: Thai people missing
#: from the registry, stateless people and people with no status or document. Category
#: 6/7 holders and migrant workers have other routes (residence, naturalisation).
NEEDS_VERIFICATION = (
    pc.CivilStatus.THAI_UNREGISTERED,
    pc.CivilStatus.STATELESS,
    pc.CivilStatus.NONE,
)
#: Verification stages that mean the procedure is under way or done: "receiving".
VERIFICATION_UNDER_WAY = (
    pc.VerificationStage.DOCUMENTS,
    pc.VerificationStage.WITNESSES,
    pc.VerificationStage.DNA_TEST,
    pc.VerificationStage.INTERVIEW,
    pc.VerificationStage.AWAITING_DECISION,
    pc.VerificationStage.APPROVED,
    pc.VerificationStage.ID_CARD_ISSUED,
)
#: Schemes whose rules need the person's nationality (civil status).
NEEDS_CIVIL_STATUS = frozenset(
    {
        SchemeCode.OLD_AGE_ALLOWANCE,
        SchemeCode.DISABILITY_ALLOWANCE,
        SchemeCode.UNIVERSAL_COVERAGE,
        SchemeCode.STATUS_HEALTH_FUND,
        SchemeCode.CHILD_SUPPORT_GRANT,
        SchemeCode.STATE_WELFARE_CARD,
        SchemeCode.NATIONALITY_VERIFICATION,
    }
)
ADULT_AGE = 18
SENSITIVE_USABLE = ~Q(sensitive_basis="")
NOBODY = Q(pk__in=[])


# --- the catalogue in force on a day --------------------------------------------------


@dataclass
class Catalogue:
    day: dt.date
    schemes: list[Scheme]
    rates: dict[str, list[SchemeRate]]
    thresholds: dict[tuple[str, str], Decimal]

    def scheme(self, code: str) -> Scheme | None:
        return next((s for s in self.schemes if s.code == code), None)

    def threshold(self, scheme_code: str, code: str) -> Decimal | None:
        return self.thresholds.get((scheme_code, code))


def _in_force(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def catalogue_on(day: dt.date) -> Catalogue:
    """Schemes with the rates and thresholds in force on ``day`` (three queries)."""
    schemes = list(Scheme.objects.order_by("sort_order", "code"))
    rates: dict[str, list[SchemeRate]] = {s.code: [] for s in schemes}
    for rate in SchemeRate.objects.filter(_in_force(day)).select_related("scheme"):
        rates[rate.scheme.code].append(rate)
    thresholds: dict[tuple[str, str], Decimal] = {}
    # Oldest first, so that of two overlapping rows the newer one wins.
    for row in (
        SchemeThreshold.objects.filter(_in_force(day))
        .select_related("scheme")
        .order_by("valid_from", "pk")
    ):
        thresholds[(row.scheme.code, row.code)] = row.value
    return Catalogue(day, schemes, rates, thresholds)


# --- building blocks ------------------------------------------------------------------


def younger_than(years: int, day: dt.date) -> Q:
    """Known birth year and not yet ``years`` old on ``day`` (unknown age is not young)."""
    return Q(birth_year__isnull=False) & ~aged_at_least(years, day)


def age_between(min_age: int | None, max_age: int | None, day: dt.date) -> Q:
    q = Q()
    if min_age is not None:
        q &= aged_at_least(min_age, day)
    if max_age is not None:
        q &= younger_than(max_age, day)
    return q


def has_disability() -> Q:
    return Q(Exists(Disability.objects.filter(person=OuterRef("pk"))))


def valid_disability_card(day: dt.date) -> Q:
    """A card number is recorded and it has not expired (no expiry date = valid; cards
    for some permanent disabilities carry none). An expired card counts as no card."""
    return ~Q(disability_card_index="") & (
        Q(disability_card_expiry__isnull=True) | Q(disability_card_expiry__gte=day)
    )


def personal_income_test(limit: Decimal | None) -> tuple[Q, Q]:
    """(passes, cannot tell) for yearly personal income at most ``limit``."""
    if limit is None:  # no limit in force: the scheme cannot be tested
        return NOBODY, NOBODY
    passes = [
        band
        for band, (_low, high) in INCOME_BAND_YEAR.items()
        if high is not None and high <= limit
    ]
    fails = [band for band, (low, _high) in INCOME_BAND_YEAR.items() if low > limit]
    return Q(income_band__in=passes), ~Q(income_band__in=passes + fails)


def _household_aggregate(expression: Any) -> Subquery:
    """One number over the current members of the person's current household."""
    members = HouseholdMember.objects.filter(
        until__isnull=True,
        household__members__person=OuterRef("pk"),
        household__members__until__isnull=True,
    )
    return Subquery(
        members.values("household").annotate(v=expression).values("v")[:1],
        output_field=IntegerField(),
    )


def household_income_annotations(prefix: str) -> dict[str, Any]:
    """Members, unknown incomes, and the lowest and highest yearly income of the
    person's household, each as a correlated subquery (NULL when not in a household)."""
    low = Case(
        *[
            When(person__income_band=band, then=Value(bounds[0]))
            for band, bounds in INCOME_BAND_YEAR.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    high = Case(
        *[
            When(
                person__income_band=band,
                then=Value(_UNBOUNDED if bounds[1] is None else bounds[1]),
            )
            for band, bounds in INCOME_BAND_YEAR.items()
        ],
        default=Value(_UNBOUNDED),
        output_field=IntegerField(),
    )
    unknown = Case(
        When(person__income_band="", then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return {
        f"{prefix}_members": _household_aggregate(Count("pk")),
        f"{prefix}_unknown": _household_aggregate(Sum(unknown)),
        f"{prefix}_low": _household_aggregate(Sum(low)),
        f"{prefix}_high": _household_aggregate(Sum(high)),
    }


def household_income_test(prefix: str, limit: Decimal | None) -> tuple[Q, Q]:
    """(passes, cannot tell) for household income per person per year at most ``limit``,
    over the annotations of :func:`household_income_annotations`. Dividing by the
    number of members is done as ``sum <= limit × members``, which needs no division."""
    if limit is None:
        return NOBODY, NOBODY
    members = F(f"{prefix}_members")
    # Outside a household the sums are NULL; inside one they never are, so the
    # negations below stay two-valued.
    no_household = Q(**{f"{prefix}_members__isnull": True})
    in_household = Q(**{f"{prefix}_members__gt": 0})
    passes = Q(**{f"{prefix}_unknown": 0}) & Q(**{f"{prefix}_high__lte": members * Value(limit)})
    fails = Q(**{f"{prefix}_low__gt": members * Value(limit)})
    return in_household & passes, no_household | (in_household & ~passes & ~fails)


# --- one rule per scheme --------------------------------------------------------------


@dataclass
class Rule:
    scheme: Scheme
    #: Definitely eligible on the day.
    eligible: Q
    #: Eligible on everything but a means test that cannot decide.
    check: Q = field(default_factory=lambda: NOBODY)
    #: Annotations the filters refer to (household income sums).
    annotations: dict[str, Any] = field(default_factory=dict)
    #: Baht a month for an eligible person, as a database expression.
    amount: Any = field(default_factory=lambda: Value(ZERO, output_field=AMOUNT))

    @property
    def code(self) -> str:
        return self.scheme.code


def amount_expression(rates: list[SchemeRate], day: dt.date) -> Any:
    """Baht a month by age on ``day``. When the age is unknown or matches no band, the
    lowest amount in force is used: an estimate that never overstates."""
    if not rates:
        return Value(ZERO, output_field=AMOUNT)
    lowest = min(r.monthly_amount for r in rates)
    whens = [
        When(age_between(r.min_age, r.max_age, day), then=Value(r.monthly_amount))
        for r in sorted(rates, key=lambda r: -(r.min_age or 0))
        if r.min_age is not None or r.max_age is not None
    ]
    unbounded = [r.monthly_amount for r in rates if r.min_age is None and r.max_age is None]
    default = unbounded[0] if unbounded else lowest
    if not whens:
        return Value(default, output_field=AMOUNT)
    return Case(*whens, default=Value(default), output_field=AMOUNT)


def _age_span(rates: list[SchemeRate], day: dt.date) -> Q:
    """The ages any rate in force covers (the allowance is paid at those ages only)."""
    if not rates:
        return NOBODY
    spans = Q()
    for i, rate in enumerate(rates):
        span = age_between(rate.min_age, rate.max_age, day)
        if not span:  # a rate for every age
            return Q()
        spans = span if i == 0 else spans | span
    return spans


def rules_on(catalogue: Catalogue) -> list[Rule]:
    """Every scheme's rule for ``catalogue.day``, in the catalogue's order."""
    day = catalogue.day
    built: list[Rule] = []
    for scheme in catalogue.schemes:
        rates = catalogue.rates.get(scheme.code, [])
        amount = (
            amount_expression(rates, day) if scheme.is_cash else Value(ZERO, output_field=AMOUNT)
        )
        base = SENSITIVE_USABLE
        rule = Rule(scheme=scheme, eligible=NOBODY, amount=amount)
        code = scheme.code
        if code == SchemeCode.OLD_AGE_ALLOWANCE:
            rule.eligible = base & THAI & Q(birth_year__isnull=False) & _age_span(rates, day)
        elif code == SchemeCode.DISABILITY_ALLOWANCE:
            rule.eligible = (
                base & THAI & has_disability() & valid_disability_card(day) & _age_span(rates, day)
            )
        elif code == SchemeCode.DISABILITY_CARD:
            rule.eligible = base & has_disability() & ~valid_disability_card(day)
        elif code == SchemeCode.UNIVERSAL_COVERAGE:
            rule.eligible = base & THAI
        elif code == SchemeCode.STATUS_HEALTH_FUND:
            rule.eligible = base & Q(civil_status__in=STATUS_PROBLEM)
        elif code == SchemeCode.CHILD_SUPPORT_GRANT:
            prefix = "csg"
            rule.annotations = household_income_annotations(prefix)
            passes, unsure = household_income_test(
                prefix,
                catalogue.threshold(code, ThresholdCode.HOUSEHOLD_INCOME_PER_PERSON_YEAR),
            )
            young = base & THAI & Q(birth_year__isnull=False) & _age_span(rates, day)
            rule.eligible = young & passes
            rule.check = young & unsure
        elif code == SchemeCode.STATE_WELFARE_CARD:
            passes, unsure = personal_income_test(
                catalogue.threshold(code, ThresholdCode.PERSONAL_INCOME_YEAR)
            )
            adult = base & THAI & aged_at_least(ADULT_AGE, day)
            rule.eligible = adult & passes
            rule.check = adult & unsure
        elif code == SchemeCode.NATIONALITY_VERIFICATION:
            rule.eligible = base & Q(civil_status__in=NEEDS_VERIFICATION)
        built.append(rule)
    return built


# --- recorded and derived status ------------------------------------------------------


def recorded(scheme: Scheme, status: str | None = None) -> Q:
    rows = PersonRight.objects.filter(person=OuterRef("pk"), scheme=scheme)
    if status is not None:
        rows = rows.filter(status=status)
    return Q(Exists(rows))


def receiving(rule: Rule) -> Q:
    """Recorded as receiving; for nationality verification with nothing recorded, a
    verification stage under way counts as receiving (the procedure is being delivered)."""
    q = recorded(rule.scheme, RightStatus.RECEIVING)
    if rule.code == SchemeCode.NATIONALITY_VERIFICATION:
        q |= ~recorded(rule.scheme) & Q(verification_stage__in=VERIFICATION_UNDER_WAY)
    return q


def status_expression(rule: Rule) -> Any:
    """The status to show: the recorded one, else the one derived from registry facts
    (nationality verification only), else ''."""
    stored = Subquery(
        PersonRight.objects.filter(person=OuterRef("pk"), scheme=rule.scheme).values("status")[:1]
    )
    derived: Any = Value("")
    if rule.code == SchemeCode.NATIONALITY_VERIFICATION:
        derived = Case(
            When(verification_stage__in=VERIFICATION_UNDER_WAY, then=Value(RightStatus.RECEIVING)),
            When(verification_stage=pc.VerificationStage.REJECTED, then=Value(RightStatus.REFUSED)),
            default=Value(""),
        )
    return Coalesce(stored, derived)
