"""Roles a user holds in their organisation (see docs/permissions.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FIELD_WORKER = "field_worker", _("Field worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    PROVINCIAL_COORDINATOR = "provincial_coordinator", _("Provincial coordinator")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    INVESTOR = "investor", _("Investor staff")
    PAYER = "payer", _("Outcome payer staff")
    EVALUATOR = "evaluator", _("Evaluator staff")
    INTERMEDIARY = "intermediary", _("Intermediary staff")
    ADMINISTRATOR = "administrator", _("Administrator")


OUTCOMES_ROLES = frozenset({Role.INVESTOR, Role.PAYER, Role.EVALUATOR, Role.INTERMEDIARY})
