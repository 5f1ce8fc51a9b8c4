"""Enrolment: the provider enrols people from the registry, with their consent to share
with the project's parties. Everyone but the provider knows a participant by a random
pseudonymous code (e.g. ``HHH-7F3K2``), never by name or identifier."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.outcomes.checks import (
    Errors,
    participant_access_record,
    require_action,
    require_party,
    require_project_open,
    text,
)
from saphan.outcomes.choices import PartyRole, ProjectStatus
from saphan.outcomes.models import Cohort, Participant, Project
from saphan.people.models import Consent, Person, PersonGroup

#: Crockford's base32 without the letters easily misread (I, L, O, U).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 5
NO_SHARING_CONSENT = _(
    "The person has not consented to sharing their data with the project's partner "
    "organisations. Record their consent on the person's Consent tab first."
)
NOT_ELIGIBLE = _("The person does not meet the project's eligibility rule (%(rule)s).")
ALREADY_ENROLLED = _("This person is already enrolled in the project as %(code)s.")


def participant_code_new(project: Project) -> str:
    """A random code such as ``HHH-7F3K2``: unguessable and not derived from any ID."""
    for _attempt in range(20):
        suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = f"{project.participant_prefix}-{suffix}"
        if not Participant.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not find a free participant code")  # 32**5 codes: never


def sharing_consent(person: Person, day: dt.date | None = None) -> Consent | None:
    """The person's newest consent, active on ``day``, that covers sharing with partners."""
    return (
        Consent.objects.active_on(day or timezone.localdate())
        .filter(person=person, covers_sharing=True)
        .order_by("-given_on", "-id")
        .first()
    )


def eligible_people(*, project: Project, people: QuerySet[Person]) -> QuerySet[Person]:
    """``people`` narrowed, set-based, to the project's eligibility rule: in the project's
    provinces (if any), in one of its population groups (if any) and/or with a live flag
    of one of its watch rules (if any). Groups and rules both set: either qualifies."""
    if project.provinces.exists():
        people = people.filter(province_id__in=project.provinces.values("code"))
    groups, rules = list(project.eligible_groups), list(project.eligible_watch_rules)
    if not groups and not rules:
        return people
    in_group = Exists(PersonGroup.objects.filter(person=OuterRef("pk"), group__in=groups))
    from saphan.watch.models import WatchFlag

    flagged = Exists(WatchFlag.objects.live().filter(person=OuterRef("pk"), rule__code__in=rules))
    if groups and rules:
        return people.filter(in_group | flagged)
    return people.filter(in_group if groups else flagged)


def _rule_label(project: Project) -> str:
    parts = [*project.eligible_groups, *project.eligible_watch_rules]
    return ", ".join(parts)


@transaction.atomic
def participant_enrol(
    *,
    user: User,
    project: Project,
    person: Person,
    comparison_group: bool = False,
    enrolled_on: dt.date | None = None,
    request: Any = None,
) -> Participant:
    """Enrol a person the provider may see in the registry. Needs an active consent that
    covers sharing, the eligibility rule (if set), and refuses a second enrolment."""
    require_action(user, policy.Action.SUBMIT_OUTCOME_CLAIMS)
    provider = require_party(user, project, PartyRole.PROVIDER)
    require_project_open(project)
    if not Person.objects.visible_to(user).filter(pk=person.pk).exists():
        raise PermissionDenied("out_of_scope")
    today = timezone.localdate()
    enrolled_on = enrolled_on or today
    errors = Errors()
    if project.status != ProjectStatus.ACTIVE:
        errors.add("project", _("Enrolment opens once the contract is signed."))
    if enrolled_on > today:
        errors.add("enrolled_on", _("This date is in the future."))
    elif project.starts_on and enrolled_on < project.starts_on:
        errors.add("enrolled_on", _("This is before the project starts."))
    existing = Participant.objects.filter(project=project, person=person).first()
    if existing is not None:
        errors.add("person", ALREADY_ENROLLED, code=existing.code)
    consent = sharing_consent(person, today)
    if consent is None:
        errors.add("consent", NO_SHARING_CONSENT)
    elif consent.given_on > enrolled_on:
        # A back-dated enrolment must not predate the consent that allows the sharing.
        errors.add(
            "enrolled_on",
            _("The consent to share was given on %(date)s, after this enrolment date."),
            date=consent.given_on,
        )
    people = Person.objects.filter(pk=person.pk)
    if not eligible_people(project=project, people=people).exists():
        errors.add("person", NOT_ELIGIBLE, rule=_rule_label(project) or _("provinces"))
    errors.raise_if_any()
    assert consent is not None
    participant = Participant.objects.create(
        project=project,
        person=person,
        code=participant_code_new(project),
        enrolled_on=enrolled_on,
        comparison_group=comparison_group,
        consent=consent,
        enrolled_by=user,
        provider=provider.organisation,
    )
    participant_access_record(
        user=user,
        participant=participant,
        action=AccessAction.SHARE,
        request=request,
        detail={
            "event": "enrolled",
            "project": project.code,
            "consent": consent.pk,
            "comparison_group": comparison_group,
        },
    )
    return participant


@transaction.atomic
def participant_withdraw(
    *,
    user: User,
    participant: Participant,
    reason: str,
    on: dt.date | None = None,
    request: Any = None,
) -> Participant:
    """The participant leaves the project (claims after ``on`` are refused)."""
    require_action(user, policy.Action.SUBMIT_OUTCOME_CLAIMS)
    require_party(user, participant.project, PartyRole.PROVIDER)
    errors = Errors()
    reason = text(errors, "reason", reason, required=_("Say why the participant leaves."))
    on = on or timezone.localdate()
    if participant.withdrawn_on is not None:
        errors.add("participant", _("This participant has already left the project."))
    elif on < participant.enrolled_on:
        errors.add("on", _("This is before the enrolment."))
    errors.raise_if_any()
    participant.withdrawn_on = on
    participant.withdrawal_reason = reason[:300]
    participant.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    participant_access_record(
        user=user,
        participant=participant,
        action=AccessAction.UPDATE,
        request=request,
        detail={"event": "withdrawn", "project": participant.project.code},
    )
    return participant


@transaction.atomic
def cohort_create(
    *, user: User, project: Project, code: str, name: str, participants: Iterable[Participant]
) -> Cohort:
    """A cohort for metrics measured over a group (the provider or the intermediary)."""
    if policy.can(user, policy.Action.MANAGE_OUTCOME_PROJECTS):
        require_party(user, project, PartyRole.INTERMEDIARY)
    else:
        require_action(user, policy.Action.SUBMIT_OUTCOME_CLAIMS)
        require_party(user, project, PartyRole.PROVIDER)
    members = list(participants)
    errors = Errors()
    code = (code or "").strip()
    if not code:
        errors.add("code", _("Give the cohort a code."))
    elif Cohort.objects.filter(project=project, code=code).exists():
        errors.add("code", _("A cohort with the code %(code)s already exists."), code=code)
    name = text(errors, "name", name, required=_("Give the cohort a name."))
    if any(p.project_id != project.pk for p in members):
        errors.add("members", _("Every member must be a participant of this project."))
    errors.raise_if_any()
    cohort = Cohort.objects.create(project=project, code=code, name=name, created_by=user)
    cohort.members.set(members)
    return cohort
