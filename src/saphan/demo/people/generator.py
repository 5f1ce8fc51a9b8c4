"""The demo-people generator: households and people as rows, in chunks, in workers."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import random
import time
from typing import Any

from django.conf import settings

from saphan.demo.people.data import (
    CLAN_GROUPS,
    CLAN_NAMES,
    COLUMNS,
    CONSENT_TABLE,
    DISABILITY_TABLE,
    ETHNIC_GROUPS,
    ETHNIC_GROUPS_OTHER,
    ETHNIC_SHARE,
    ETHNIC_SHARE_OTHER,
    GROUP_TABLE,
    HOUSEHOLD_MARK,
    HOUSEHOLD_TABLE,
    IDENTIFIER_TABLE,
    MEMBER_TABLE,
    MIGRANT_ORIGIN,
    MIGRANT_SHARE,
    MIGRANT_SHARE_OTHER,
    MUSLIM_SHARE,
    MUSLIM_SHARE_CENTRAL,
    MUSLIM_SHARE_OTHER,
    PERSON_TABLE,
    PROVINCE_WEIGHTS,
    TABLES,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
    ChunkData,
    ChunkTask,
    Context,
    ProvinceInfo,
)
from saphan.demo.people.facts import _PersonFacts
from saphan.demo.people.helpers import (
    BUDDHISM,
    CHILD,
    CHRISTIANITY,
    FEMALE,
    GRANDCHILD,
    HEAD,
    ISAN,
    ISLAM,
    MALE,
    OTHER_RELATIVE,
    PARENT,
    SIBLING,
    SPOUSE,
    URBAN,
    _cutoff,
    _Person,
    _romanize_cached,
)
from saphan.people import choices as c


class _Generator(_PersonFacts):
    """Generates one chunk. People come in units: a person living alone (or homeless), or
    a household of 2–6 sharing an address, a family name and a religion."""

    def __init__(self, ctx: Context, task: ChunkTask) -> None:
        self.ctx = ctx
        self.task = task
        self.rng = rng = random.Random(f"saphan-demo:{ctx.seed}:{task.first_index}")
        self.rand = rng.random
        self.choice = rng.choice
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
        self.persons = self.rows[PERSON_TABLE]
        self.households = self.rows[HOUSEHOLD_TABLE]
        self.identifiers = self.rows[IDENTIFIER_TABLE]
        self.groups = self.rows[GROUP_TABLE]
        self.disabilities = self.rows[DISABILITY_TABLE]
        self.consents = self.rows[CONSENT_TABLE]
        self.members = self.rows[MEMBER_TABLE]
        today = ctx.today
        self.today = today
        self.older_cutoff = _cutoff(c.OLDER_PERSON_AGE, today)
        self.adult_cutoff = _cutoff(c.ADULT_AGE, today)
        # ISO dates n days before and after today, drawn by index (much cheaper than
        # date arithmetic per row).
        self.past = [(today - dt.timedelta(days=n)).isoformat() for n in range(3651)]
        self.future = [(today + dt.timedelta(days=n)).isoformat() for n in range(3001)]
        self.province_cum = list(
            itertools.accumulate(PROVINCE_WEIGHTS.get(p.code, 300) for p in ctx.provinces)
        )
        by_code = {p.code: p for p in ctx.provinces}
        self.isan = [by_code[code] for code in ISAN if code in by_code]
        self.next_person = 0
        self.next_household = 0
        self.villages: dict[str, list[str]] = {}
        self.latin = _romanize_cached()
        self.sqlite = ctx.vendor == "sqlite"
        # created_at of the rows registered n days ago, formatted for the database.
        utc = ctx.now.astimezone(dt.UTC)
        self.stamps = [
            str((utc - dt.timedelta(days=n)).replace(tzinfo=None))
            if self.sqlite
            else str(utc - dt.timedelta(days=n))
            for n in range(731)
        ]
        self.stamp = self.stamps[0]

    # -- small helpers ---------------------------------------------------------------

    def uid(self, mark: int, middle: int) -> str:
        x = (mark << 96) | (middle << 64) | self.rng.getrandbits(64)
        h = f"{x:032x}"
        return h if self.sqlite else f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def days_ago(self, low: int, high: int) -> int:
        return low + int(self.rand() * (high - low + 1))

    def province(self) -> ProvinceInfo:
        x = self.rand() * self.province_cum[-1]
        return self.ctx.provinces[bisect.bisect_right(self.province_cum, x)]

    def address(self, subdistrict: str, urban: bool) -> str:
        names = self.villages.get(subdistrict)
        if names is None:
            local = random.Random(f"village:{subdistrict}")
            names = [
                local.choice(VILLAGE_FIRST) + local.choice(VILLAGE_SECOND)
                for _ in range(local.randint(6, 20))
            ]
            self.villages[subdistrict] = names
        moo = int(self.rand() * len(names))
        house = 1 + int(self.rand() * 250)
        if urban and self.rand() < 0.5:
            return f"{house}/{1 + int(self.rand() * 99)} หมู่ {moo + 1}"
        return f"{house} หมู่ {moo + 1} บ้าน{names[moo]}"

    def pick(self, *options: tuple[str, float]) -> str:
        """One of the values by weight; "" with the remaining probability."""
        x = self.rand()
        for value, weight in options:
            x -= weight
            if x < 0:
                return value
        return ""

    # -- units -----------------------------------------------------------------------------

    def run(self) -> dict[str, list[tuple[Any, ...]]]:
        count = self.task.count
        while self.next_person < count:
            self.unit(count - self.next_person)
        extras = self.ctx.extras
        for table, extra in extras.items():
            if extra:
                self.rows[table] = [row + extra for row in self.rows[table]]
        return self.rows

    def unit(self, remaining: int) -> None:
        rand, choice, uniform = self.rand, self.choice, self.rng.uniform
        prov = self.province()
        code = prov.code
        migrant = rand() < MIGRANT_SHARE.get(code, MIGRANT_SHARE_OTHER)
        ethnic = ""
        if not migrant and rand() < ETHNIC_SHARE.get(code, ETHNIC_SHARE_OTHER):
            ethnic = choice(ETHNIC_GROUPS.get(code, ETHNIC_GROUPS_OTHER))
        homeless = False
        r = rand()
        if migrant:
            if r < 0.55:  # single workers, mostly men
                members = [_Person(MALE if rand() < 0.65 else FEMALE, uniform(18, 45))]
            else:
                head = _Person(MALE, uniform(20, 45), HEAD)
                members = [head, _Person(FEMALE, max(18.0, uniform(18, 45)), SPOUSE)]
                for _ in range(choice((0, 1, 1, 2))):
                    members.append(_Person(choice((MALE, FEMALE)), uniform(0, 12), CHILD))
        elif r < 0.04:
            # Homeless people: mostly men, some with no known age.
            homeless = True
            age = None if rand() < 0.25 else uniform(20, 80)
            members = [_Person(MALE if rand() < 0.8 else FEMALE, age)]
        elif r < 0.62:
            members = [self.single()]
        else:
            members = self.household()
        if len(members) > remaining:
            members = members[:remaining]
        if len(members) == 1:
            members[0].rel = ""
        self.emit(prov, members, migrant, ethnic, homeless)

    def single(self) -> _Person:
        """A person registered alone: an older person, a young person, an adult."""
        rand, uniform = self.rand, self.rng.uniform
        r = rand()
        if r < 0.30:
            age = uniform(60, 96)
        elif r < 0.36:
            age = uniform(15, 18)
        else:
            age = uniform(18, 60)
        return _Person(FEMALE if rand() < 0.55 else MALE, age)

    def household(self) -> list[_Person]:
        rand, choice, uniform = self.rand, self.choice, self.rng.uniform
        sexes = (MALE, FEMALE)
        r = rand()
        if r < 0.32:  # a couple and their children
            head = _Person(MALE if rand() < 0.75 else FEMALE, uniform(24, 58), HEAD)
            spouse = _Person(FEMALE if head.sex == MALE else MALE, 0.0, SPOUSE)
            spouse.age = max(18.0, (head.age or 30) + uniform(-6, 4))
            members = [head, spouse]
            young = min(head.age or 30, spouse.age) - 18
            for _ in range(choice((0, 1, 1, 1, 2, 2, 3))):
                members.append(_Person(choice(sexes), uniform(0, max(min(young, 28), 0.5)), CHILD))
        elif r < 0.48:  # three generations
            head = _Person(MALE if rand() < 0.6 else FEMALE, uniform(48, 80), HEAD)
            members = [head]
            if rand() < 0.7:
                age = (head.age or 60) + uniform(-6, 3)
                members.append(_Person(FEMALE if head.sex == MALE else MALE, age, SPOUSE))
            adult = _Person(choice(sexes), uniform(20, (head.age or 60) - 20), CHILD)
            members.append(adult)
            for _ in range(choice((1, 1, 2, 3))):
                age = uniform(0, max((adult.age or 20) - 17, 0.5))
                members.append(_Person(choice(sexes), age, GRANDCHILD))
        elif r < 0.62:  # older people raising grandchildren: no working-age adult
            head = _Person(FEMALE if rand() < 0.65 else MALE, uniform(60, 86), HEAD)
            members = [head]
            if rand() < 0.45:
                members.append(
                    _Person(MALE if head.sex == FEMALE else FEMALE, uniform(60, 88), SPOUSE)
                )
            for _ in range(choice((1, 1, 2, 2, 3))):
                members.append(_Person(choice(sexes), uniform(2, 17.9), GRANDCHILD))
        elif r < 0.80:  # an adult child caring for old parents
            head = _Person(choice(sexes), uniform(30, 58), HEAD)
            members = [head]
            if rand() < 0.5:
                age = (head.age or 40) + uniform(-5, 5)
                members.append(_Person(FEMALE if head.sex == MALE else MALE, age, SPOUSE))
            for _ in range(choice((1, 1, 2))):
                age = (head.age or 40) + uniform(20, 35)
                members.append(_Person(choice((MALE, FEMALE, FEMALE)), age, PARENT))
        elif r < 0.92:  # a single parent
            head = _Person(FEMALE if rand() < 0.85 else MALE, uniform(20, 52), HEAD)
            members = [head]
            for _ in range(choice((1, 1, 2, 3))):
                age = uniform(0, max((head.age or 30) - 17, 0.5))
                members.append(_Person(choice(sexes), age, CHILD))
        else:  # siblings and other relatives
            head = _Person(choice(sexes), uniform(25, 85), HEAD)
            age = (head.age or 50) + uniform(-10, 10)
            members = [head, _Person(choice(sexes), max(age, 18.0), SIBLING)]
            if rand() < 0.3:
                members.append(_Person(choice(sexes), uniform(5, 70), OTHER_RELATIVE))
        return members[:6]

    def emit(
        self,
        prov: ProvinceInfo,
        members: list[_Person],
        migrant: bool,
        ethnic: str,
        homeless: bool,
    ) -> None:
        """Household-level facts, then each member's rows."""
        rand, choice = self.rand, self.choice
        code = prov.code
        urban = code in URBAN
        sub, district = choice(prov.subdistricts)
        origin = ""
        if migrant:
            origin = MIGRANT_ORIGIN.get(code) or choice(("MM", "MM", "MM", "MM", "KH", "LA"))
            religion = ISLAM if rand() < 0.04 else BUDDHISM
        elif ethnic:
            r = rand()
            religion = BUDDHISM if r < 0.55 else (CHRISTIANITY if r < 0.85 else "other")
        else:
            share = MUSLIM_SHARE.get(code) or MUSLIM_SHARE_CENTRAL.get(code, MUSLIM_SHARE_OTHER)
            religion = ISLAM if rand() < share else BUDDHISM
            if religion == BUDDHISM and rand() < 0.01:
                religion = choice((CHRISTIANITY, "none"))
        if ethnic in CLAN_GROUPS and rand() < 0.7:
            family = choice(CLAN_NAMES)
        else:
            family = choice(self.ctx.family_names)
        # Registered (house-registration) address: none for migrants and some ethnic
        # people; in Isan for many people living in the cities around Bangkok and Phuket.
        registered: str | None = sub
        registered_district = district
        if migrant or (ethnic and rand() < 0.3):
            registered, registered_district = None, ""
        elif urban and rand() < 0.35 and self.isan:
            registered, registered_district = choice(choice(self.isan).subdistricts)
        address = self.address(sub, urban)
        if registered is None:
            registered_address = ""
        elif registered == sub:
            registered_address = address
        else:
            registered_address = self.address(registered, False)
        created_days = self.days_ago(0, 730)
        created = self.past[created_days]
        household = 0
        if len(members) > 1:
            household = self.task.household_ids[self.next_household]
            self.next_household += 1
            self.households.append(
                (
                    household,
                    self.uid(HOUSEHOLD_MARK, self.task.first_index & 0xFFFF_FFFF),
                    code,
                    sub,
                    address,
                    prov.organisation_id,
                    self.stamps[created_days],
                )
            )
        under18 = sum(1 for p in members if p.age is not None and p.age < 18)
        for p in members:
            p.index = self.task.first_index + self.next_person
            p.pk = self.task.person_ids[self.next_person]
            self.next_person += 1
        head = members[0]
        for p in members:
            rel = p.rel
            if (
                (rel == SPOUSE and rand() < 0.35)
                or (rel == GRANDCHILD and rand() < 0.5)
                or (rel in (PARENT, OTHER_RELATIVE) and rand() < 0.6)
            ):
                p.family = choice(self.ctx.family_names)
            else:
                p.family = family
            if homeless:
                keep = rand() < 0.5
                self.person(
                    p, prov, None, registered_district if keep else "",
                    registered if keep else None, "", "",
                    religion, origin, ethnic, True, created_days, None, head,
                )  # fmt: skip
            else:
                # Children cared for: counted for the head and spouse; 0 for adults alone.
                if rel in (HEAD, SPOUSE):
                    dependants: int | None = under18
                else:
                    dependants = 0 if rel == "" and (p.age or 0) >= 18 else None
                self.person(
                    p, prov, sub, district, registered, registered_address, address,
                    religion, origin, ethnic, False, created_days, dependants, head,
                )  # fmt: skip
            if household:
                self.members.append((household, p.pk, rel, created, None))

    # -- one person ------------------------------------------------------------------------


# --- formatting rows for COPY ----------------------------------------------------------


def _copy_bytes(rows: list[tuple[Any, ...]], width: int) -> bytes:
    """Rows in COPY text format. Generated text never holds a tab, newline or backslash
    (corpus names are filtered, everything else is ours); the counts below prove it."""
    s = str
    text = "".join(
        [
            "\t".join(
                [
                    v
                    if v.__class__ is s
                    else ("\\N" if v is None else "t" if v is True else "f" if v is False else s(v))
                    for v in row
                ]
            )
            + "\n"
            for row in rows
        ]
    )
    if (
        text.count("\n") != len(rows)
        or text.count("\t") != len(rows) * (width - 1)
        or text.count("\\") != text.count("\\N")
    ):
        raise ValueError("generated text holds a tab, newline or backslash")
    return text.encode("utf-8")


# --- workers -----------------------------------------------------------------------------

_WORKER_CONTEXT: Context | None = None


def _worker_init(ctx: Context) -> None:
    """Runs once in each worker process (spawned, so Django is set up afresh)."""
    global _WORKER_CONTEXT  # one context per worker process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    import django

    django.setup()
    # The parent's keys, whatever the worker's environment says.
    settings.SAPHAN_FIELD_KEYS = list(ctx.field_keys)
    settings.SAPHAN_BLIND_INDEX_KEY = ctx.blind_index_key
    _WORKER_CONTEXT = ctx


def _generate_in_worker(task: ChunkTask) -> ChunkData:
    assert _WORKER_CONTEXT is not None
    return generate_chunk(_WORKER_CONTEXT, task)


def generate_chunk(ctx: Context, task: ChunkTask) -> ChunkData:
    """Generate (and encrypt) the rows of one chunk; COPY text for PostgreSQL."""
    started = time.perf_counter()
    rows = _Generator(ctx, task).run()
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    copy: dict[str, bytes] = {}
    if task.as_copy:
        for table, table_rows in rows.items():
            width = len(COLUMNS[table]) + len(ctx.extras.get(table, ()))
            copy[table] = _copy_bytes(table_rows, width)
        rows = {}
    return ChunkData(task.number, rows, copy, counts, time.perf_counter() - started)
