"""One person's facts (birth, identity, status, work): a mixin of the generator."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from saphan.core.crypto import blind_index, encrypt_text
from saphan.demo.people.data import (
    _CARD_PURPOSE,
    _PHONE_PURPOSE,
    BURMESE_PARTS,
    CONSENT_PURPOSES,
    COUNTRY,
    DISABILITY_WEIGHTS,
    ILLNESSES,
    KHMER_FAMILY,
    KHMER_GIVEN,
    LAO_FAMILY,
    LAO_GIVEN,
    LAST_SEEN,
    LEGAL_BASES,
    NICKNAMES,
    ORIGIN_ETHNICITY,
    PASSPORT_PREFIX,
    PERSON_MARK,
    Context,
    ProvinceInfo,
)
from saphan.demo.people.helpers import (
    AGENCY,
    CONSENT,
    DECLARED,
    DERIVED,
    EMPLOYED,
    FEMALE,
    FROM_3000,
    FROM_9000,
    FROM_15000,
    G_CHILD,
    G_DISABILITY,
    G_HOMELESS,
    G_INFORMAL,
    G_LGBTQ,
    G_MIGRANT,
    G_MUSLIM,
    G_OLDER,
    G_STATUS,
    G_WOMEN,
    GENDERS_TRANS,
    GRANDCHILD,
    GUARDIAN,
    HEAD,
    ID_CARD_ISSUED,
    INFORMAL,
    ISLAM,
    LEGAL,
    MIGRANT_CARD,
    MIGRANT_WITH_PERMIT,
    NATIONAL_ID,
    NO_INCOME,
    NO_STATUS,
    NON_THAI_6_7,
    PASSPORT,
    RETIRED,
    SELF,
    SEVERITIES,
    SPOUSE,
    STAGES_EARLY,
    STAGES_STATELESS,
    STATELESS,
    STUDENT,
    SURVEY,
    THAI_REGISTERED,
    THAI_UNREGISTERED,
    UNABLE,
    UNDER_3000,
    UNEMPLOYED,
    _born_on_or_before,
    _identifier_index,
    _name_search,
    _national_id,
    _Person,
    _pink_card,
    _sort_key,
    _zero_id,
)


class _PersonFacts:
    """Per-person sampling; mixed into :class:`~saphan.demo.people.generator._Generator`,
    whose attributes (``rng``, ``ctx``, ``rows``, ...) it uses."""

    if TYPE_CHECKING:  # provided by the generator
        rng: random.Random
        ctx: Context
        rand: Callable[[], float]
        choice: Callable[[Any], Any]
        rows: dict[str, list[tuple[Any, ...]]]
        persons: list[tuple[Any, ...]]
        identifiers: list[tuple[Any, ...]]
        groups: list[tuple[Any, ...]]
        disabilities: list[tuple[Any, ...]]
        consents: list[tuple[Any, ...]]
        today: dt.date
        older_cutoff: dt.date
        adult_cutoff: dt.date
        past: list[str]
        future: list[str]
        latin: Callable[[str], str]
        stamps: list[str]

        def days_ago(self, low: int, high: int) -> int: ...
        def pick(self, *options: tuple[str, float]) -> str: ...
        def uid(self, mark: int, middle: int) -> str: ...

    def birth(self, age: float | None) -> tuple[int | None, int | None, int | None]:
        """A (possibly partial) birth date: older people more often know only the year."""
        if age is None:
            return None, None, None
        born = self.today - dt.timedelta(days=int(age * 365.2425))
        r = self.rand()
        year_only = 0.3 if age >= 70 else 0.12
        if r < year_only:
            return born.year, None, None
        if r < year_only + 0.05:
            return born.year, born.month, None
        return born.year, born.month, born.day

    def person(
        self,
        p: _Person,
        prov: ProvinceInfo,
        sub: str | None,
        district: str,
        registered: str | None,
        registered_address: str,
        address: str,
        religion: str,
        origin: str,
        ethnic: str,
        homeless: bool,
        created_days: int,
        dependants: int | None,
        head: _Person,
    ) -> None:
        rand, choice = self.rand, self.choice
        ctx = self.ctx
        pk = p.pk
        age = p.age
        female = p.sex == FEMALE
        code = prov.code
        org = prov.organisation_id
        created = self.past[created_days]
        self.stamp = now = self.stamps[created_days]

        # Names.
        family = p.family
        given_latin = family_latin = nickname = ""
        if origin == "MM":
            parts = self.rng.sample(BURMESE_PARTS, choice((1, 2, 2, 3)))
            given = " ".join([t for t, _ in parts])
            family = ""
            if rand() < 0.7:
                given_latin = " ".join([e for _, e in parts])
        elif origin:
            givens, families = (
                (KHMER_GIVEN, KHMER_FAMILY) if origin == "KH" else (LAO_GIVEN, LAO_FAMILY)
            )
            given, latin = choice(givens)
            family, family_latin_name = choice(families)
            if rand() < 0.7:
                given_latin, family_latin = latin, family_latin_name
        else:
            given = choice(ctx.female_names if female else ctx.male_names)
            if rand() < 0.01:
                given_latin = self.latin(given)
                family_latin = self.latin(family) if given_latin else ""
            if rand() < 0.35:
                nickname = choice(NICKNAMES)

        # Birth, title, derived groups (exactly as saphan.people.groups computes them).
        year, month, day = self.birth(age)
        adult = age is None or age >= 18
        # The title follows the recorded age, counted from the earliest possible birthday
        # (PartialDate.age_on), which is what the registry shows.
        today = self.today
        shown_age = (
            None
            if year is None
            else today.year - year - ((today.month, today.day) < (month or 1, day or 1))
        )
        if shown_age is not None and shown_age < 15:
            title = "เด็กหญิง" if female else "เด็กชาย"
        elif not female:
            title = "นาย"
        elif p.rel == SPOUSE or (p is head and p.rel == HEAD and (age or 40) >= 30):
            title = "นาง"
        else:
            title = "นาง" if (age or 40) >= 35 and rand() < 0.7 else "นางสาว"
        p.full_name = f"{title}{given} {family}".rstrip()
        if p.rel == HEAD:
            head.guardian = p.full_name
        older = year is not None and _born_on_or_before(year, month, day, self.older_cutoff)
        child = year is not None and not _born_on_or_before(year, month, day, self.adult_cutoff)

        # Consent (PDPA): most people consent, most of them to sensitive data too.
        sensitive_consent = False
        if rand() < 0.92:
            guardian = age is not None and age <= 10
            giver, guardian_name, guardian_relationship = SELF, "", ""
            if guardian:
                giver = GUARDIAN
                guardian_name = head.guardian if head is not p else ""
                if not guardian_name:
                    guardian_name = f"นาง{choice(ctx.female_names)} {family}".rstrip()
                if p.rel == GRANDCHILD:
                    guardian_relationship = "ยาย" if head.sex == FEMALE else "ตา"
                else:
                    guardian_relationship = "มารดา" if head.sex == FEMALE or head is p else "บิดา"
            covers_sensitive = rand() < 0.88
            withdrawn: str | None = None
            if rand() < 0.02 and created_days > 1:
                withdrawn = self.past[self.days_ago(0, created_days - 1)]
            if rand() < 0.04:  # an earlier, basic-only consent
                earlier = self.past[min(created_days + self.days_ago(30, 400), 3650)]
                self.consents.append(
                    (pk, CONSENT_PURPOSES[1], True, False, False, giver, guardian_name,
                     guardian_relationship, earlier, None, "", None, org, now)
                )  # fmt: skip
            self.consents.append(
                (pk, choice(CONSENT_PURPOSES), True, covers_sensitive, rand() < 0.35, giver,
                 guardian_name, guardian_relationship, created, withdrawn, "", None, org, now)
            )  # fmt: skip
            sensitive_consent = covers_sensitive and withdrawn is None
        legal_basis = legal_note = ""
        if not sensitive_consent and rand() < (0.5 if homeless or older else 0.25):
            legal_basis, legal_note = choice(LEGAL_BASES)
        basis = CONSENT if sensitive_consent else (LEGAL if legal_basis else "")

        # Civil status and documents (numbers are encrypted; status itself is sensitive).
        status, stage = self.civil_status(origin, ethnic, age)
        office = district or f"{code}01"
        national = ""
        if status == THAI_REGISTERED:
            if rand() < (0.55 if homeless else 0.93):
                first = "1" if (year or 1980) >= 1984 else "3"
                if rand() < 0.015:
                    first = choice("2458")
                national = _national_id(first, office, p.index)
        elif status == STATELESS:
            if rand() < 0.9:
                national = _zero_id(code, "89", p.index)
                if stage == ID_CARD_ISSUED:
                    # Nationality granted: the 0-number is history, a new number is current.
                    self.identifier(pk, NATIONAL_ID, national, valid_to=created, current=False)
                    national = _national_id("8", office, p.index)
                    status = THAI_REGISTERED
        elif status == THAI_UNREGISTERED:
            if rand() < 0.5:
                national = _zero_id(code, "00", p.index)
        elif status == NON_THAI_6_7:
            first = "7" if age is not None and age < 25 and rand() < 0.7 else "6"
            national = _national_id(first, office, p.index)
        elif status == MIGRANT_WITH_PERMIT:
            until = self.future[self.days_ago(60, 900)]
            self.identifier(pk, MIGRANT_CARD, _pink_card(code, p.index), valid_to=until)
            if rand() < 0.6:
                serial = (p.index * 7_654_321 + 55_555) % 10_000_000
                until = self.future[self.days_ago(90, 3000)]
                number = f"{PASSPORT_PREFIX[origin]}{serial:07d}"
                self.identifier(pk, PASSPORT, number, valid_to=until, country=COUNTRY[origin])
        if national:
            self.identifier(pk, NATIONAL_ID, national)

        # Work and income (not sensitive data).
        work, income = self.work(age, origin, homeless)
        phone = phone_index = ""
        if (age is None or age >= 12) and rand() < (0.25 if homeless else 0.72):
            number = f"0{choice('689')}{int(rand() * 100_000_000):08d}"
            phone = encrypt_text(number)
            phone_index = blind_index(number, purpose=_PHONE_PURPOSE)

        # Sensitive data (PDPA s.26): only where consent or a legal basis allows it.
        lgbtq = age is not None and age >= 15 and rand() < 0.035
        chronic: bool | None = None
        bedridden: bool | None = None
        chronic_note = ethnicity = gender = card = card_index = ""
        card_expiry: str | None = None
        disabilities: list[str] = []
        if basis:
            if rand() < (0.17 if older else (0.07 if adult else 0.04)):
                first_type = self.disability_type()
                severity = choice(SEVERITIES)
                self.disabilities.append((pk, first_type, severity, created))
                disabilities.append(first_type)
                if rand() < 0.1:
                    second = self.disability_type()
                    if second != first_type:
                        self.disabilities.append((pk, second, choice(SEVERITIES), created))
                if national and rand() < 0.7:
                    # The disability card carries the personal ID number.
                    card = encrypt_text(national)
                    card_index = blind_index(national, purpose=_CARD_PURPOSE)
                    card_expiry = self.future[self.days_ago(0, 2900)]
                if severity == "severe" and adult and work not in ("", RETIRED) and rand() < 0.6:
                    work, income = UNABLE, income or NO_INCOME
            if rand() < (0.45 if older else (0.08 if adult else 0.02)):
                chronic = True
                chronic_note = choice(ILLNESSES)
            elif rand() < 0.6:
                chronic = False
            if older and rand() < (0.09 if (age or 0) >= 80 else 0.04):
                bedridden = True
                work, income = UNABLE, income or UNDER_3000
            elif chronic is not None:
                bedridden = False
            if lgbtq:
                gender = choice(GENDERS_TRANS) if rand() < 0.45 else ("woman" if female else "man")
            if origin:
                ethnicity = choice(ORIGIN_ETHNICITY[origin])
            elif ethnic:
                ethnicity = ethnic
            elif religion == ISLAM and code in ("94", "95") and rand() < 0.7:
                ethnicity = "มลายู"
        religion_shown = religion if basis else ""

        self.persons.append(
            (
                pk,
                self.uid(PERSON_MARK, p.index),
                title,
                given,
                family,
                given_latin,
                family_latin,
                nickname,
                _name_search(given, family, nickname, given_latin, family_latin),
                _sort_key(given, family),
                p.sex,
                year,
                month,
                day,
                phone,
                phone_index,
                registered,
                registered_address if registered else "",
                sub,
                address,
                homeless,
                choice(LAST_SEEN) if homeless else "",
                code,
                district if (sub or registered) else None,
                work,
                income,
                dependants,
                chronic,
                chronic_note,
                bedridden,
                status if basis else "",
                stage if basis else "",
                religion_shown,
                ethnicity,
                gender,
                card,
                card_index,
                card_expiry,
                legal_basis,
                legal_note,
                basis,
                org,
                None,
                now,
                now,
            )
        )

        # Group memberships. Derived ones exactly as groups_refresh_derived computes them;
        # groups revealing sensitive data (religion, ethnicity, status, gender identity)
        # only where sensitive data may be held.
        groups = self.groups
        if older:
            groups.append((pk, G_OLDER, DERIVED, created, None, ""))
        if child:
            groups.append((pk, G_CHILD, DERIVED, created, None, ""))
        if disabilities:
            groups.append((pk, G_DISABILITY, DERIVED, created, None, ""))
        if homeless:
            groups.append((pk, G_HOMELESS, SURVEY, created, None, ""))
        if work == INFORMAL and not origin and rand() < 0.85:
            groups.append((pk, G_INFORMAL, DECLARED, created, None, ""))
        if origin and adult and work in (EMPLOYED, INFORMAL, UNEMPLOYED):
            source = AGENCY if status == MIGRANT_WITH_PERMIT else DECLARED
            groups.append((pk, G_MIGRANT, source, created, None, ""))
        if female and adult and age is not None and rand() < 0.8:
            groups.append((pk, G_WOMEN, DECLARED, created, None, ""))
        if basis:
            if religion == ISLAM and not origin and rand() < 0.9:
                groups.append((pk, G_MUSLIM, DECLARED, created, None, ""))
            if lgbtq:
                groups.append((pk, G_LGBTQ, DECLARED, created, None, ""))
            if not origin and (ethnic or status in (STATELESS, THAI_UNREGISTERED, NON_THAI_6_7)):
                groups.append((pk, G_STATUS, SURVEY, created, None, ""))

    def identifier(
        self,
        pk: int,
        doc_type: str,
        number: str,
        *,
        valid_to: str | None = None,
        current: bool = True,
        country: str = "",
    ) -> None:
        valid_from = self.past[self.days_ago(30, 3650)]
        if valid_to is not None and valid_to < valid_from:
            valid_from = self.past[3650]
        self.identifiers.append(
            (
                pk,
                doc_type,
                encrypt_text(number),
                _identifier_index(doc_type, number),
                number[-4:],
                country,
                valid_from,
                valid_to,
                current,
                "",
                self.stamp,
            )
        )

    def disability_type(self) -> str:
        x = self.rand() * 100
        for dtype, weight in DISABILITY_WEIGHTS:
            x -= weight
            if x < 0:
                return dtype
        return DISABILITY_WEIGHTS[0][0]

    def civil_status(self, origin: str, ethnic: str, age: float | None) -> tuple[str, str]:
        rand, choice = self.rand, self.choice
        if origin:
            if age is not None and age < 15:
                return (NON_THAI_6_7 if rand() < 0.6 else NO_STATUS), ""
            r = rand()
            return (MIGRANT_WITH_PERMIT if r < 0.72 else NO_STATUS if r < 0.9 else NON_THAI_6_7), ""
        if ethnic:
            r = rand()
            if r < 0.55:
                return THAI_REGISTERED, ""
            if r < 0.77:
                return STATELESS, choice(STAGES_STATELESS)
            if r < 0.89:
                return NON_THAI_6_7, choice(STAGES_EARLY[:2])
            if r < 0.96:
                return THAI_UNREGISTERED, choice(STAGES_EARLY)
            return NO_STATUS, STAGES_EARLY[0]
        if rand() < 0.008:
            return THAI_UNREGISTERED, choice(STAGES_EARLY)
        return THAI_REGISTERED, ""

    def work(self, age: float | None, origin: str, homeless: bool) -> tuple[str, str]:
        pick = self.pick
        if age is not None and age < 15:
            return (STUDENT if age >= 6 else ""), ""
        if homeless:
            status = pick((UNEMPLOYED, 0.4), (INFORMAL, 0.4), (UNABLE, 0.2))
        elif origin:
            status = pick((EMPLOYED, 0.6), (INFORMAL, 0.4))
        elif age is not None and age < 18:
            status = pick((STUDENT, 0.85), (INFORMAL, 0.15))
        elif age is not None and age >= 60:
            status = pick((RETIRED, 0.25), (INFORMAL, 0.3), (UNABLE, 0.17), (UNEMPLOYED, 0.1))
        else:
            status = pick(
                (INFORMAL, 0.42),
                (EMPLOYED, 0.22),
                (UNEMPLOYED, 0.12),
                (UNABLE, 0.05),
                (STUDENT, 0.05 if (age or 40) < 25 else 0.0),
            )
        if status in ("", STUDENT):
            return status, ""
        if status in (UNEMPLOYED, UNABLE):
            return status, pick((NO_INCOME, 0.6), (UNDER_3000, 0.4))
        if status == RETIRED:
            return status, pick((UNDER_3000, 0.8), (FROM_3000, 0.2))
        if status == INFORMAL:
            return status, pick(
                (UNDER_3000, 0.35), (FROM_3000, 0.45), (FROM_9000, 0.15), (FROM_15000, 0.05)
            )
        return status, pick((FROM_3000, 0.2), (FROM_9000, 0.5), (FROM_15000, 0.3))
