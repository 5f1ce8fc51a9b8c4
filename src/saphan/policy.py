"""The one place that decides what a user may see and do.

Every queryset that can reach personal or organisation data has a ``visible_to(user)``
method that calls a ``scope_*`` function here, and every action checks :func:`can`.
Views and API handlers never filter by province themselves: they ask this module.
``docs/permissions.md`` is the human-readable copy of ``PERMISSIONS`` (a test keeps
them in step).

Scope: a user works in the provinces of their organisation. Administrators (and Django
superusers) manage the whole system. Nobody anonymous or inactive sees anything.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from saphan.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from saphan.accounts.models import User

    AnyUser: TypeAlias = User | AnonymousUser

M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])


class Action(StrEnum):
    VIEW_PROVINCE = "view_province"  # province dashboard: what the user's org holds there
    VIEW_AGGREGATES = "view_aggregates"  # suppressed statistics
    VIEW_PEOPLE = "view_people"  # person records in the user's provinces
    EDIT_PEOPLE = "edit_people"  # register and edit people
    VIEW_FULL_ID = "view_full_id"  # unmasked national ID and document numbers
    VIEW_WITHDRAWN_SENSITIVE = "view_withdrawn_sensitive"  # after consent withdrawal
    EXPORT_PEOPLE = "export_people"
    EXPORT_AGGREGATES = "export_aggregates"
    MANAGE_CASES = "manage_cases"
    OVERRIDE_REFERRAL_CONSENT = "override_referral_consent"  # emergency referral, audited
    MANAGE_WATCH_RULES = "manage_watch_rules"
    VIEW_OUTCOMES = "view_outcomes"  # projects where the user's org is a party
    SUBMIT_OUTCOME_CLAIMS = "submit_outcome_claims"  # provider staff: enrol, claim outcomes
    VERIFY_OUTCOME_CLAIMS = "verify_outcome_claims"  # evaluator staff
    APPROVE_OUTCOME_PAYMENTS = "approve_outcome_payments"  # outcome payer staff
    MANAGE_OUTCOME_PROJECTS = "manage_outcome_projects"  # intermediary: contracts, ledger
    IMPORT_PEOPLE = "import_people"  # bulk import of survey files into the registry
    REVIEW_DUPLICATES = "review_duplicates"  # merge or keep apart possible duplicates
    MANAGE_MODEL_AREAS = "manage_model_areas"  # mark model areas (พื้นที่ต้นแบบ)
    VIEW_CAPACITY = "view_capacity"  # organisation capacity view, trainings record
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_USERS = "manage_users"
    MANAGE_API_TOKENS = "manage_api_tokens"
    BROWSE_AUDIT = "browse_audit"


_A = Action
_REGISTRY_READ = {_A.VIEW_PROVINCE, _A.VIEW_AGGREGATES, _A.VIEW_PEOPLE}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.FIELD_WORKER: frozenset(_REGISTRY_READ | {_A.EDIT_PEOPLE, _A.MANAGE_CASES}),
    Role.CASE_MANAGER: frozenset(
        _REGISTRY_READ
        | {
            _A.EDIT_PEOPLE,
            _A.VIEW_FULL_ID,
            _A.MANAGE_CASES,
            _A.OVERRIDE_REFERRAL_CONSENT,
            _A.VIEW_OUTCOMES,
            _A.SUBMIT_OUTCOME_CLAIMS,
            _A.IMPORT_PEOPLE,
            _A.REVIEW_DUPLICATES,
            _A.VIEW_CAPACITY,
        }
    ),
    Role.PROVINCIAL_COORDINATOR: frozenset(
        _REGISTRY_READ
        | {
            _A.EDIT_PEOPLE,
            _A.VIEW_FULL_ID,
            _A.MANAGE_CASES,
            _A.OVERRIDE_REFERRAL_CONSENT,
            _A.MANAGE_WATCH_RULES,
            _A.EXPORT_PEOPLE,
            _A.EXPORT_AGGREGATES,
            _A.VIEW_OUTCOMES,
            _A.SUBMIT_OUTCOME_CLAIMS,
            _A.IMPORT_PEOPLE,
            _A.REVIEW_DUPLICATES,
            _A.MANAGE_MODEL_AREAS,
            _A.VIEW_CAPACITY,
        }
    ),
    Role.AGENCY_OFFICER: frozenset(
        _REGISTRY_READ
        | {_A.VIEW_FULL_ID, _A.MANAGE_CASES, _A.OVERRIDE_REFERRAL_CONSENT, _A.EXPORT_AGGREGATES}
    ),
    Role.ANALYST: frozenset({_A.VIEW_PROVINCE, _A.VIEW_AGGREGATES, _A.EXPORT_AGGREGATES}),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        _REGISTRY_READ | {_A.VIEW_FULL_ID, _A.VIEW_WITHDRAWN_SENSITIVE, _A.BROWSE_AUDIT}
    ),
    Role.INVESTOR: frozenset({_A.VIEW_OUTCOMES}),
    Role.PAYER: frozenset({_A.VIEW_OUTCOMES, _A.APPROVE_OUTCOME_PAYMENTS}),
    Role.EVALUATOR: frozenset({_A.VIEW_OUTCOMES, _A.VERIFY_OUTCOME_CLAIMS}),
    Role.INTERMEDIARY: frozenset({_A.VIEW_OUTCOMES, _A.MANAGE_OUTCOME_PROJECTS}),
    # Administrators run the system; they do not read person records (least privilege).
    Role.ADMINISTRATOR: frozenset(
        {
            _A.VIEW_PROVINCE,
            _A.VIEW_AGGREGATES,
            _A.MANAGE_ORGANISATIONS,
            _A.MANAGE_USERS,
            _A.MANAGE_API_TOKENS,
            _A.BROWSE_AUDIT,
            _A.MANAGE_WATCH_RULES,
            _A.VIEW_CAPACITY,
        }
    ),
}

#: Roles that the people of each kind of organisation may hold. Administrators, data
#: protection officers and analysts may sit in any organisation.
_ANY_ORG = {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER, Role.ANALYST}
ROLES_BY_ORGANISATION_KIND: dict[str, frozenset[Role]] = {
    "cso": frozenset(
        _ANY_ORG | {Role.FIELD_WORKER, Role.CASE_MANAGER, Role.PROVINCIAL_COORDINATOR}
    ),
    # Ministry departments are outcome payers in the outcomes pilots.
    "agency": frozenset(
        _ANY_ORG | {Role.AGENCY_OFFICER, Role.CASE_MANAGER, Role.PROVINCIAL_COORDINATOR, Role.PAYER}
    ),
    "provincial_office": frozenset(
        _ANY_ORG
        | {Role.AGENCY_OFFICER, Role.CASE_MANAGER, Role.PROVINCIAL_COORDINATOR, Role.FIELD_WORKER}
    ),
    "local_government": frozenset(
        _ANY_ORG | {Role.AGENCY_OFFICER, Role.CASE_MANAGER, Role.FIELD_WORKER}
    ),
    "investor": frozenset(_ANY_ORG | {Role.INVESTOR}),
    "intermediary": frozenset(_ANY_ORG | {Role.INTERMEDIARY}),
    "evaluator": frozenset(_ANY_ORG | {Role.EVALUATOR}),
    "outcome_payer": frozenset(_ANY_ORG | {Role.PAYER, Role.AGENCY_OFFICER}),
    # A university may evaluate one project and provide services (training) in another.
    "academic": frozenset(_ANY_ORG | {Role.EVALUATOR, Role.CASE_MANAGER}),
}


def _active(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user: AnyUser | None) -> bool:
    return _active(user) and bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") == Role.ADMINISTRATOR
    )


def actions_of(user: AnyUser | None) -> frozenset[Action]:
    if not _active(user):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return PERMISSIONS[Role.ADMINISTRATOR]
    role = getattr(user, "role", "")
    try:
        return PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def can(user: AnyUser | None, action: Action, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``, if given: the object must be in scope)?"""
    if action not in actions_of(user):
        return False
    if obj is None:
        return True
    scoped = _SCOPES.get(type(obj)._meta.label_lower)
    if scoped is None:
        raise LookupError(f"No scope is defined for {type(obj)._meta.label}")
    manager: Any = type(obj)._default_manager
    return bool(scoped(manager.all(), user).filter(pk=obj.pk).exists())


def require(user: AnyUser | None, action: Action) -> None:
    """Raise 403 unless the user's role allows ``action``."""
    if not can(user, action):
        raise PermissionDenied(action.value)


def get_visible_or_404(
    queryset: QuerySet[M], user: AnyUser, *, request: HttpRequest | None = None, **lookup: Any
) -> M:
    """Fetch one object through ``visible_to``: out of scope looks like not there.

    When the object exists but is out of the user's scope, the refusal is written to the
    access log (the response stays an indistinguishable 404).
    """
    visible: Any = queryset
    obj = visible.visible_to(user).filter(**lookup).first()
    if obj is None:
        if queryset.filter(**lookup).exists():
            from saphan.audit.services import access_log_record

            access_log_record(
                user=user,
                action="denied",
                request=request,
                object_type=queryset.model._meta.model_name or "",
                object_id=str(next(iter(lookup.values()), "")),
            )
        raise Http404
    return obj


# --- scopes ---------------------------------------------------------------------------


def province_codes_of(user: AnyUser | None) -> set[str] | None:
    """Province codes the user works in; ``None`` means every province (administrators)."""
    if not _active(user):
        return set()
    if is_administrator(user):
        return None
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return set()
    cache_attr = "_saphan_province_codes"
    cached = getattr(user, cache_attr, None)
    if cached is None:
        from saphan.geo.models import Province

        cached = set(
            Province.objects.filter(
                organisations__id=org_id, organisations__is_active=True
            ).values_list("code", flat=True)
        )
        setattr(user, cache_attr, cached)
    return set(cached)


def scope_provinces(qs: QS, user: AnyUser | None) -> QS:
    if Action.VIEW_PROVINCE not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    return qs if codes is None else qs.filter(code__in=codes)


def scope_organisations(qs: QS, user: AnyUser | None) -> QS:
    """Administrators see every organisation; others see their own and the organisations
    working in a province they share (the partners they can refer people to)."""
    if not _active(user):
        return qs.none()
    codes = province_codes_of(user)
    if codes is None:
        return qs
    own = getattr(user, "organisation_id", None)
    return qs.filter(Q(provinces__code__in=codes) | Q(pk=own)).distinct()


def scope_users(qs: QS, user: AnyUser | None) -> QS:
    """Administrators see every user; others only themselves and their colleagues."""
    if not _active(user):
        return qs.none()
    if is_administrator(user):
        return qs
    own = getattr(user, "organisation_id", None)
    if own is None:
        return qs.filter(pk=getattr(user, "pk", None))
    return qs.filter(organisation_id=own)


def scope_access_log(qs: QS, user: AnyUser | None) -> QS:
    if Action.BROWSE_AUDIT not in actions_of(user):
        return qs.none()
    if is_administrator(user):
        return qs
    # A data protection officer reviews the access to their organisation's provinces.
    codes = province_codes_of(user) or set()
    own_code = getattr(getattr(user, "organisation", None), "code", "")
    if not own_code:
        return qs.filter(province_code__in=codes)
    return qs.filter(Q(province_code__in=codes) | Q(organisation_code=own_code))


def scope_persons(qs: QS, user: AnyUser | None) -> QS:
    """People in the provinces the user works in, for roles that read person records.

    Administrators, analysts and outcomes staff get nothing here: analysts see only
    aggregates, outcomes parties see pseudonymous participants (their own context).
    A record merged into another one is gone from every list; its merge (``linkage``)
    keeps it for the history and for undo."""
    if Action.VIEW_PEOPLE not in actions_of(user):
        return qs.none()
    qs = qs.filter(merged_into__isnull=True)
    codes = province_codes_of(user)
    return qs if codes is None else qs.filter(province_id__in=codes)


def scope_import_jobs(qs: QS, user: AnyUser | None) -> QS:
    """Import jobs of the user's own organisation (the rows they wrote are its records)."""
    if Action.IMPORT_PEOPLE not in actions_of(user):
        return qs.none()
    return qs.filter(organisation_id=getattr(user, "organisation_id", None))


def scope_duplicate_candidates(qs: QS, user: AnyUser | None) -> QS:
    """Possible duplicates where the reviewer may see *both* people (same provinces as
    ``scope_persons``): a pair must never reveal a person outside the user's scope."""
    if not {Action.REVIEW_DUPLICATES, Action.VIEW_PEOPLE} <= actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    if codes is None:
        return qs
    return qs.filter(person_low__province_id__in=codes, person_high__province_id__in=codes)


def scope_person_merges(qs: QS, user: AnyUser | None) -> QS:
    """Merges whose surviving record lies in the user's provinces (undo needs the merged
    record too, which was in scope when the merge was made)."""
    if not {Action.REVIEW_DUPLICATES, Action.VIEW_PEOPLE} <= actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    if codes is None:
        return qs
    return qs.filter(survivor__province_id__in=codes, merged__province_id__in=codes)


def scope_households(qs: QS, user: AnyUser | None) -> QS:
    if Action.VIEW_PEOPLE not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    return qs if codes is None else qs.filter(province_id__in=codes)


def can_see_sensitive(user: AnyUser | None, *, basis_active: bool) -> bool:
    """Sensitive attributes show while consent or a legal basis holds; after withdrawal
    only the data protection officer still sees them."""
    if Action.VIEW_PEOPLE not in actions_of(user):
        return False
    return basis_active or Action.VIEW_WITHDRAWN_SENSITIVE in actions_of(user)


def scope_watch_flags(qs: QS, user: AnyUser | None) -> QS:
    """Watch flags are about people: the same provinces as ``scope_persons``."""
    if Action.VIEW_PEOPLE not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    return qs if codes is None else qs.filter(province_id__in=codes)


def scope_watch_rule_settings(qs: QS, user: AnyUser | None) -> QS:
    """Per-province rule settings: coordinators their provinces, administrators all."""
    if Action.MANAGE_WATCH_RULES not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    return qs if codes is None else qs.filter(province_id__in=codes)


def _is_coordinator(user: AnyUser | None) -> bool:
    return getattr(user, "role", "") == Role.PROVINCIAL_COORDINATOR


def scope_cases(qs: QS, user: AnyUser | None) -> QS:
    """Cases of the user's organisation for people in the user's provinces; provincial
    coordinators oversee every case in their provinces. A receiving organisation does
    not see the case itself, only the referral (``scope_referrals``)."""
    if Action.MANAGE_CASES not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    if codes is not None:
        qs = qs.filter(person__province_id__in=codes)
    if _is_coordinator(user) or is_administrator(user):
        return qs
    return qs.filter(organisation_id=getattr(user, "organisation_id", None))


def scope_referrals(qs: QS, user: AnyUser | None) -> QS:
    """Referrals the user's organisation sent or received, for people in the user's
    provinces; coordinators see every referral in their provinces."""
    if Action.MANAGE_CASES not in actions_of(user):
        return qs.none()
    codes = province_codes_of(user)
    if codes is not None:
        qs = qs.filter(case__person__province_id__in=codes)
    if _is_coordinator(user) or is_administrator(user):
        return qs
    org = getattr(user, "organisation_id", None)
    return qs.filter(Q(from_organisation_id=org) | Q(to_organisation_id=org))


def scope_notifications(qs: QS, user: AnyUser | None) -> QS:
    """Each user reads only their own notifications."""
    if not _active(user):
        return qs.none()
    return qs.filter(user_id=getattr(user, "pk", None))


# --- outcomes partnerships -----------------------------------------------------------


def outcome_party_project_ids(user: AnyUser | None, *roles: str) -> QuerySet[Any]:
    """Ids of the projects in which the user's (active) organisation is a party, holding
    one of ``roles`` if given. Needs ``view_outcomes``; administrators are not parties."""
    from saphan.outcomes.models import Party

    org = getattr(user, "organisation_id", None)
    if Action.VIEW_OUTCOMES not in actions_of(user) or org is None:
        return Party.objects.none().values("project_id")
    parties = Party.objects.filter(organisation_id=org, organisation__is_active=True)
    if roles:
        parties = parties.filter(role__in=roles)
    return parties.values("project_id")


def scope_outcome_projects(qs: QS, user: AnyUser | None) -> QS:
    """Projects in which the user's organisation is a party (any of the five roles).
    Administrators and analysts see none: they are not parties."""
    return qs.filter(pk__in=outcome_party_project_ids(user))


def scope_participants(qs: QS, user: AnyUser | None) -> QS:
    """Participants of the user's projects, by pseudonymous code; who may see the person
    behind the code is ``participant_identity_visible``."""
    return qs.filter(project_id__in=outcome_party_project_ids(user))


def scope_outcome_claims(qs: QS, user: AnyUser | None, prefix: str = "") -> QS:
    """Claims (and, with ``prefix="claim__"``, disputes) of the user's projects."""
    return qs.filter(**{f"{prefix}project_id__in": outcome_party_project_ids(user)})


def scope_outcome_disputes(qs: QS, user: AnyUser | None) -> QS:
    return scope_outcome_claims(qs, user, prefix="claim__")


def scope_payment_requests(qs: QS, user: AnyUser | None) -> QS:
    """Payment requests of the user's projects; a payer sees only those addressed to it."""
    org = getattr(user, "organisation_id", None)
    qs = qs.filter(project_id__in=outcome_party_project_ids(user))
    if getattr(user, "role", "") == Role.PAYER:
        return qs.filter(payer__organisation_id=org)
    return qs


def scope_ledger(qs: QS, user: AnyUser | None) -> QS:
    """Ledger transactions: only the intermediary that keeps the project's books. Other
    parties read their own statement (``outcomes.selectors.party_statement``)."""
    if Action.MANAGE_OUTCOME_PROJECTS not in actions_of(user):
        return qs.none()
    return qs.filter(project_id__in=outcome_party_project_ids(user, "intermediary"))


def participant_identity_visible(user: AnyUser | None, participant: Model) -> bool:
    """Only staff of a provider party of the project who may also see the person in the
    registry see who a participant is; every other party sees the code only."""
    if user is None or Action.VIEW_PEOPLE not in actions_of(user):
        return False
    project_id = participant.project_id  # type: ignore[attr-defined]
    if not outcome_party_project_ids(user, "provider").filter(project_id=project_id).exists():
        return False
    from saphan.people.models import Person

    person_id = participant.person_id  # type: ignore[attr-defined]
    return Person.objects.visible_to(user).filter(pk=person_id).exists()


_SCOPES = {
    "geo.province": scope_provinces,
    "orgs.organisation": scope_organisations,
    "accounts.user": scope_users,
    "audit.accesslog": scope_access_log,
    "people.person": scope_persons,
    "people.household": scope_households,
    "intake.importjob": scope_import_jobs,
    "linkage.duplicatecandidate": scope_duplicate_candidates,
    "linkage.personmerge": scope_person_merges,
    "watch.watchflag": scope_watch_flags,
    "watch.rulesetting": scope_watch_rule_settings,
    "cases.case": scope_cases,
    "cases.referral": scope_referrals,
    "notifications.notification": scope_notifications,
    "outcomes.project": scope_outcome_projects,
    "outcomes.participant": scope_participants,
    "outcomes.claim": scope_outcome_claims,
    "outcomes.dispute": scope_outcome_disputes,
    "outcomes.paymentrequest": scope_payment_requests,
    "outcomes.ledgertransaction": scope_ledger,
}
