"""Code lists of the rights context. Scheme codes follow the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeCode(models.TextChoices):
    OLD_AGE_ALLOWANCE = "old_age_allowance", _("Old-age allowance")
    DISABILITY_ALLOWANCE = "disability_allowance", _("Disability allowance")
    DISABILITY_CARD = "disability_card", _("Disability ID card")
    UNIVERSAL_COVERAGE = "universal_coverage", _("Universal health coverage (gold card)")
    STATUS_HEALTH_FUND = (
        "status_health_fund",
        _("Health fund for people with personal-status problems"),
    )
    CHILD_SUPPORT_GRANT = "child_support_grant", _("Child support grant")
    STATE_WELFARE_CARD = "state_welfare_card", _("State welfare card")
    NATIONALITY_VERIFICATION = "nationality_verification", _("Nationality verification")


class RightStatus(models.TextChoices):
    """What is recorded about a person and a scheme. "Not eligible" and "eligible, not
    applied" are never stored: they are worked out from the registry every time."""

    APPLIED = "applied", _("Applied")
    RECEIVING = "receiving", _("Receiving")
    REFUSED = "refused", _("Refused")


class Eligibility(models.TextChoices):
    """What the registry says about a person and a scheme on a given day."""

    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    #: Everything else fits, but the means test cannot decide: income not recorded, or
    #: the income band straddles the limit.
    CHECK_INCOME = "check_income", _("Possibly eligible: check income")
    #: The facts it depends on cannot be used (no consent or legal basis for sensitive
    #: data) or are not recorded (civil status).
    UNKNOWN = "unknown", _("Cannot tell")


class ThresholdCode(models.TextChoices):
    HOUSEHOLD_INCOME_PER_PERSON_YEAR = (
        "household_income_per_person_year",
        _("Household income per person per year, at most (baht)"),
    )
    PERSONAL_INCOME_YEAR = "personal_income_year", _("Personal income per year, at most (baht)")
