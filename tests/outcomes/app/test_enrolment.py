"""Enrolment from the registry: consent to share, eligibility, no duplicates, and
pseudonymous participant codes for every party but the provider."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saphan.audit.models import AccessLog
from saphan.outcomes.enrolment import participant_enrol, participant_withdraw
from saphan.outcomes.models import Participant
from saphan.outcomes.selectors import participant_present
from saphan.people.consents import consent_withdraw
from tests.outcomes.app.conftest import days

pytestmark = pytest.mark.django_db


def test_enrolment_needs_consent_to_share(project: Any, users: Any, make_person: Any) -> None:
    person = make_person(consent=False)
    with pytest.raises(ValidationError) as refused:
        participant_enrol(user=users["provider"], project=project, person=person)
    assert "consent" in refused.value.message_dict
    assert not Participant.objects.exists()


def test_withdrawn_consent_does_not_count(project: Any, users: Any, make_person: Any) -> None:
    person = make_person()
    consent_withdraw(user=users["provider"], consent=person.consents.get())
    with pytest.raises(ValidationError, match="consented"):
        participant_enrol(user=users["provider"], project=project, person=person)


def test_duplicate_enrolment_is_refused(project: Any, users: Any, make_person: Any) -> None:
    person = make_person()
    first = participant_enrol(user=users["provider"], project=project, person=person)
    with pytest.raises(ValidationError) as refused:
        participant_enrol(user=users["provider"], project=project, person=person)
    assert first.code in " ".join(refused.value.message_dict["person"])
    assert Participant.objects.count() == 1


def test_eligibility_rule_is_checked(project: Any, users: Any, make_person: Any) -> None:
    person = make_person(homeless=False)
    with pytest.raises(ValidationError, match="eligibility"):
        participant_enrol(user=users["provider"], project=project, person=person)


def test_only_the_provider_enrols_and_only_people_it_may_see(
    project: Any, users: Any, make_person: Any, make_user: Any
) -> None:
    person = make_person()
    for who in ("intermediary", "evaluator", "payer", "investor"):
        with pytest.raises(PermissionDenied):
            participant_enrol(user=users[who], project=project, person=person)
    # A case manager of another organisation (not a party) is refused too.
    stranger = make_user(role="case_manager", provinces=("55",))
    with pytest.raises(PermissionDenied):
        participant_enrol(user=stranger, project=project, person=person)


def test_participant_code_is_random_and_pseudonymous(enrol: Any) -> None:
    participant = enrol()
    assert re.fullmatch(r"HHH-[0-9A-Z]{5}", participant.code)
    # Not the person's database id in any plain spelling (a random code may still contain
    # the same digit by chance, so compare whole codes, not substrings).
    pk = participant.person.pk
    assert participant.code.split("-")[1] not in {str(pk).zfill(5), f"{pk:05X}", f"{pk:05o}"}
    other = enrol("สมหญิง")
    assert other.code != participant.code


def test_parties_other_than_the_provider_see_only_the_code(enrol: Any, users: Any) -> None:
    participant = enrol()
    for who in ("intermediary", "evaluator", "payer", "investor"):
        view = participant_present(participant=participant, user=users[who])
        assert view.code == participant.code
        assert view.name is None and view.person_uid is None and not view.identity_visible
    assert not AccessLog.objects.filter(object_type="participant", action="view").exists()

    view = participant_present(participant=participant, user=users["provider"])
    assert view.name == participant.person.full_name
    row = AccessLog.objects.get(object_type="participant", action="view")
    assert row.object_id == participant.code
    assert participant.person.given_name not in str(row.detail)


def test_enrolment_writes_an_access_log_row_without_the_name(enrol: Any) -> None:
    participant = enrol()
    row = AccessLog.objects.get(object_type="participant", action="share")
    assert row.object_id == participant.code and row.detail["project"] == "hhh"
    assert participant.person.given_name not in str(row.detail)


def test_withdrawal(enrol: Any, users: Any) -> None:
    participant = enrol()
    participant_withdraw(
        user=users["provider"], participant=participant, reason="moved", on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        participant_withdraw(user=users["provider"], participant=participant, reason="again")


def test_comparison_group_members_can_be_recorded(enrol: Any) -> None:
    member = enrol(comparison=True)
    assert member.comparison_group


def test_enrolment_waits_for_a_signed_contract(
    draft_project: Any, users: Any, make_person: Any
) -> None:
    with pytest.raises(ValidationError, match="signed"):
        participant_enrol(
            user=users["provider"],
            project=draft_project,
            person=make_person(),
            enrolled_on=days(-1),
        )


def test_a_back_dated_enrolment_cannot_predate_the_consent(
    project: Any, users: Any, make_person: Any
) -> None:
    from django.core.exceptions import ValidationError

    from saphan.outcomes.enrolment import participant_enrol
    from saphan.outcomes.models import Participant
    from saphan.people.models import Consent
    from tests.outcomes.app.conftest import days

    person = make_person("ดวงใจ")
    Consent.objects.filter(person=person).update(given_on=days(-10))
    with pytest.raises(ValidationError) as refused:
        participant_enrol(
            user=users["provider"], project=project, person=person, enrolled_on=days(-30)
        )
    assert "enrolled_on" in refused.value.message_dict
    assert not Participant.objects.filter(person=person).exists()
