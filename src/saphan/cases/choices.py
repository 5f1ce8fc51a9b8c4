"""Code lists of case management. Values are the code names of the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saphan.people.choices import VerificationStage


class Stage(models.TextChoices):
    """A case moves forward through these stages (skipping is allowed, going back is not)."""

    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Plan")
    SERVICES = "services", _("Services")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = {value: index for index, value in enumerate(Stage.values)}


class Outcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    PARTLY_MET = "partly_met", _("Goals partly met")
    NOT_MET = "not_met", _("Goals not met")
    MOVED = "moved", _("Moved away")
    DIED = "died", _("Died")
    REFUSED = "refused", _("Refused help")


class Dimension(models.TextChoices):
    """The five TPMAP dimensions of poverty (the Thai People Map and Analytics Platform)."""

    HEALTH = "health", _("Health")
    LIVING = "living", _("Living conditions")
    EDUCATION = "education", _("Education")
    INCOME = "income", _("Income")
    ACCESS = "access", _("Access to public services")


class Score(models.IntegerChoices):
    """How a person stands on one dimension. Low scores are where the plan should start:
    1 needs help now, 5 needs nothing on this dimension."""

    CRISIS = 1, _("1 – crisis: needs help now")
    SERIOUS = 2, _("2 – serious difficulty")
    SOME = 3, _("3 – some difficulty")
    COPING = 4, _("4 – coping")
    SECURE = 5, _("5 – secure: no need")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    PHONE = "phone", _("Phone call")


class ServiceKind(models.TextChoices):
    """What a referral asks the receiving organisation to do."""

    ALLOWANCE = "allowance", _("Allowance or welfare payment")
    DISABILITY_CARD = "disability_card", _("Disability ID card")
    NATIONALITY_VERIFICATION = (
        "nationality_verification",
        _("Nationality verification or civil registration"),
    )
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing or shelter")
    INCOME = "income", _("Work and income")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiver")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Reported back")
    CANCELLED = "cancelled", _("Cancelled")


#: A referral in one of these states still waits for the receiver.
OPEN_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("The person's consent to sharing")
    EMERGENCY_OVERRIDE = "emergency_override", _("Emergency override (audited)")


class CivilStepKind(models.TextChoices):
    """Steps of nationality verification or late civil registration; the values are
    those of ``people.choices.VerificationStage`` so the registry can follow them."""

    DOCUMENTS = VerificationStage.DOCUMENTS.value, _("Documents gathered")
    WITNESSES = VerificationStage.WITNESSES.value, _("Witness statements")
    DNA_TEST = VerificationStage.DNA_TEST.value, _("DNA test")
    INTERVIEW = VerificationStage.INTERVIEW.value, _("District registrar interview")
    DECISION = VerificationStage.AWAITING_DECISION.value, _("Decision")
    ID_CARD_ISSUED = VerificationStage.ID_CARD_ISSUED.value, _("ID card issued")


class CivilDecision(models.TextChoices):
    APPROVED = VerificationStage.APPROVED.value, _("Approved")
    REJECTED = VerificationStage.REJECTED.value, _("Rejected")


class EventKind(models.TextChoices):
    """What the case timeline records; each service writes its own event."""

    OPENED = "opened", _("Case opened")
    STAGE = "stage", _("Stage changed")
    CLOSED = "closed", _("Case closed")
    ASSIGNED = "assigned", _("Worker assigned")
    ASSESSED = "assessed", _("Assessment recorded")
    GOAL_ADDED = "goal_added", _("Goal added")
    GOAL_STATUS = "goal_status", _("Goal updated")
    SERVICE = "service", _("Service delivered")
    CONTACT = "contact", _("Contact recorded")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_OVERRIDE = "referral_override", _("Referral sent without consent (emergency)")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_REPORTED = "referral_reported", _("Receiver reported back")
    REFERRAL_CANCELLED = "referral_cancelled", _("Referral cancelled")
    CIVIL_STEP = "civil_step", _("Civil-status step recorded")
    CIVIL_STEP_DONE = "civil_step_done", _("Civil-status step done")
