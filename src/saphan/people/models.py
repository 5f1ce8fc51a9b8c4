"""The registry: people in the specific population groups, their identifiers,
households, group memberships, disabilities and consents.

Identifiers (national ID, other documents, phone numbers, disability card numbers) are
encrypted at rest with a keyed blind index for exact lookup; they are never keys.
Every query for people goes through ``Person.objects.visible_to(user)``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.core.fields import BlindIndexField, EncryptedTextField
from saphan.geo.models import District, Province, Subdistrict
from saphan.orgs.models import Organisation
from saphan.people import choices as c
from saphan.people.identity import DocumentType
from saphan.people.names import TITLE_CHOICES
from saphan.people.partialdate import PartialDate

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: AnyUser) -> PersonQuerySet:
        from saphan import policy

        return policy.scope_persons(self, user)

    def current(self) -> PersonQuerySet:
        """Records not merged into another one (system processes: watch, rights, stats)."""
        return self.filter(merged_into__isnull=True)

    def sensitive_allowed(self) -> PersonQuerySet:
        """People whose sensitive data may be used now (consent or legal basis)."""
        return self.exclude(sensitive_basis="")


class Person(models.Model):
    #: The identifier used in URLs and the API: not guessable, not a count.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=40, blank=True, choices=TITLE_CHOICES)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given name (Latin letters)"), max_length=100, blank=True)
    family_name_latin = models.CharField(
        _("family name (Latin letters)"), max_length=100, blank=True
    )
    nickname = models.CharField(_("nickname"), max_length=50, blank=True)
    #: Normalised names for typo-tolerant search (trigram index on PostgreSQL, FTS5 on
    #: SQLite) and a Thai dictionary-order key for sorting.
    name_search = models.CharField(max_length=400, blank=True, editable=False)
    # Indexes of the registry table are declared in Meta, without the varchar_pattern_ops
    # twins Django adds for db_index=True (nothing here is searched with LIKE 'x%'):
    # every index costs time on each insert, and imports insert millions of rows.
    name_sort = models.CharField(max_length=200, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=c.Sex.choices, blank=True)

    # Date of birth, possibly partial; stored in the Common Era.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)

    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = BlindIndexField(db_index=False)

    registered_subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("registered address: subdistrict"),
    )
    registered_address = models.CharField(
        _("registered address: house and village"), max_length=300, blank=True
    )
    current_subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("current address: subdistrict"),
    )
    current_address = models.CharField(
        _("current address: house and village"), max_length=300, blank=True
    )
    no_fixed_address = models.BooleanField(_("no fixed address"), default=False)
    last_seen_place = models.CharField(_("last seen at"), max_length=300, blank=True)
    # Where the person is served; decides who may see them (policy.scope_persons).
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("province"),
        db_index=False,  # (province, name_sort) below serves province lookups
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="persons",
        verbose_name=_("district"),
    )

    # Work and care: not sensitive data under PDPA s.26.
    work_status = models.CharField(
        _("work"), max_length=20, choices=c.WorkStatus.choices, blank=True
    )
    income_band = models.CharField(
        _("income"), max_length=20, choices=c.IncomeBand.choices, blank=True
    )
    dependants_under_18 = models.PositiveSmallIntegerField(
        _("children under 18 cared for"), null=True, blank=True
    )

    # Sensitive data (PDPA s.26): saved only with consent or a recorded legal basis.
    chronic_illness = models.BooleanField(_("chronic illness"), null=True, blank=True)
    chronic_illness_note = models.CharField(_("illness"), max_length=200, blank=True)
    bedridden = models.BooleanField(_("bedridden"), null=True, blank=True)
    civil_status = models.CharField(
        _("civil status"), max_length=30, choices=c.CivilStatus.choices, blank=True
    )
    verification_stage = models.CharField(
        _("nationality verification stage"),
        max_length=30,
        choices=c.VerificationStage.choices,
        blank=True,
    )
    religion = models.CharField(
        _("religion"), max_length=20, choices=c.Religion.choices, blank=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=100, blank=True)
    gender_identity = models.CharField(
        _("gender identity"), max_length=20, choices=c.GenderIdentity.choices, blank=True
    )
    disability_card_number = EncryptedTextField(_("disability card number"), blank=True, default="")
    disability_card_index = BlindIndexField(db_index=False)
    disability_card_expiry = models.DateField(_("disability card expiry"), null=True, blank=True)

    legal_basis = models.CharField(
        _("legal basis for sensitive data"), max_length=40, choices=c.LegalBasis.choices, blank=True
    )
    legal_basis_note = models.CharField(
        _("legal basis: agency and law"), max_length=300, blank=True
    )
    #: Kept in step by the consent services; '' means sensitive data must stay hidden.
    sensitive_basis = models.CharField(
        max_length=10, choices=c.SensitiveBasis.choices, blank=True, default="", editable=False
    )

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registered_persons",
        verbose_name=_("registered by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    #: Set when a reviewer merged this record into another (``linkage.merge``): the
    #: record stays for the history and for undo, but leaves every list and count.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        editable=False,
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_search", "name_sort", "updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["province", "name_sort"]),
            models.Index(fields=["district"]),
            models.Index(fields=["birth_year"]),
            models.Index(fields=["name_sort"], name="people_person_name_sort"),
            models.Index(fields=["current_subdistrict"], name="people_person_current_sd"),
            models.Index(fields=["registered_subdistrict"], name="people_person_registered_sd"),
            models.Index(fields=["phone_index"], name="people_person_phone_index"),
            models.Index(fields=["disability_card_index"], name="people_person_card_index"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # Thai writes the title joined to the given name (นายสมชาย); Latin titles take a space.
        title = self.title
        if title and not ("\u0e00" <= title[0] <= "\u0e7f"):
            title += " "
        given = f"{title}{self.given_name}"
        return f"{given} {self.family_name}".strip()

    @property
    def birth_date(self) -> PartialDate | None:
        if self.birth_year is None:
            return None
        return PartialDate(self.birth_year, self.birth_month, self.birth_day)

    def age_on(self, day: dt.date) -> int | None:
        birth = self.birth_date
        return birth.age_on(day) if birth else None

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class PersonIdentifier(models.Model):
    """A document number a person holds or held. Numbers change, e.g. after nationality
    verification a 0-category number is replaced by a Thai ID: the old one is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    doc_type = models.CharField(_("document"), max_length=30, choices=DocumentType.choices)
    number = EncryptedTextField(_("number"))
    number_index = BlindIndexField(db_index=False)  # indexed in Meta (no LIKE twin)
    #: Last four characters, for masked display without decrypting.
    last4 = models.CharField(max_length=4, blank=True)
    issuing_country = models.CharField(_("issuing country"), max_length=60, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            # One person per current document number: the duplicate check.
            models.UniqueConstraint(
                fields=["doc_type", "number_index"],
                condition=Q(is_current=True),
                name="people_identifier_current_unique",
            ),
        ]
        indexes = [models.Index(fields=["number_index"])]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} …{self.last4}"


class PersonGroupQuerySet(models.QuerySet["PersonGroup"]):
    pass


class PersonGroup(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(_("group"), max_length=30, choices=c.PopulationGroup.choices)
    source = models.CharField(_("source"), max_length=20, choices=c.GroupSource.choices)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PersonGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "group"], name="people_group_once")
        ]
        indexes = [models.Index(fields=["group", "person"])]

    def __str__(self) -> str:
        return str(self.get_group_display())


class Disability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    disability_type = models.CharField(_("type"), max_length=20, choices=c.DisabilityType.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=c.Severity.choices, blank=True
    )
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disability")
        verbose_name_plural = _("disabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "disability_type"], name="people_disability_type_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_disability_type_display())


class Household(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("house and village"), max_length=300, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{_('Household')} {str(self.uid)[:8]}"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=c.Relationship.choices
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(until__isnull=True),
                name="people_one_current_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.relationship}"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active_on(self, day: dt.date) -> ConsentQuerySet:
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )


class Consent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=300)
    covers_basic = models.BooleanField(_("basic data"), default=True)
    covers_sensitive = models.BooleanField(_("sensitive data"), default=False)
    covers_sharing = models.BooleanField(_("sharing with partner organisations"), default=False)
    given_by = models.CharField(
        _("given by"), max_length=10, choices=c.ConsentGiver.choices, default=c.ConsentGiver.SELF
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relationship = models.CharField(
        _("guardian's relationship"), max_length=100, blank=True
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="consents/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConsentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.purpose

    def is_active_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)
