"""Code lists of the registry. Values are the code names of the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationGroup(models.TextChoices):
    """The mission's 10 specific population groups ("9 + 1")."""

    DISABILITY = "disability", _("Persons with disabilities")
    OLDER_PERSON = "older_person", _("Older people")
    HOMELESS = "homeless", _("Homeless people")
    INFORMAL_WORKER = "informal_worker", _("Informal workers")
    STATUS_ETHNIC_INDIGENOUS = (
        "status_ethnic_indigenous",
        _("People with personal-status problems, ethnic groups and indigenous peoples"),
    )
    MIGRANT_WORKER = "migrant_worker", _("Migrant workers")
    THAI_MUSLIM = "thai_muslim", _("Thai Muslims")
    WOMEN = "women", _("Women")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    CHILD = "child", _("Children")


#: Groups computed from other facts (age, disability records), never declared by hand.
DERIVED_GROUPS = frozenset(
    {PopulationGroup.OLDER_PERSON, PopulationGroup.CHILD, PopulationGroup.DISABILITY}
)
OLDER_PERSON_AGE = 60
ADULT_AGE = 18


class GroupSource(models.TextChoices):
    DERIVED = "derived", _("Derived from other data")
    DECLARED = "declared", _("Declared")
    SURVEY = "survey", _("Provincial survey")
    AGENCY = "agency", _("Agency record")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Relationship(models.TextChoices):
    """A household member's relationship to the head of the household."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other (not related)")


class DisabilityType(models.TextChoices):
    """The seven official Thai disability types."""

    SEEING = "seeing", _("Seeing")
    HEARING = "hearing", _("Hearing or communication")
    MOVEMENT = "movement", _("Movement or physical")
    MENTAL = "mental", _("Mental or behavioural")
    INTELLECTUAL = "intellectual", _("Intellectual")
    LEARNING = "learning", _("Learning")
    AUTISM = "autism", _("Autism")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    INFORMAL = "informal", _("Informal work")
    UNEMPLOYED = "unemployed", _("Unemployed")
    UNABLE = "unable", _("Unable to work")
    STUDENT = "student", _("Studying")
    RETIRED = "retired", _("Retired")


class IncomeBand(models.TextChoices):
    """Monthly personal income in baht."""

    NONE = "none", _("No income")
    UNDER_3000 = "lt3000", _("Under 3,000 baht a month")
    FROM_3000 = "3000_8999", _("3,000–8,999 baht a month")
    FROM_9000 = "9000_14999", _("9,000–14,999 baht a month")
    FROM_15000 = "15000_plus", _("15,000 baht a month or more")


class CivilStatus(models.TextChoices):
    THAI_REGISTERED = "thai_registered", _("Thai, with civil registration")
    THAI_UNREGISTERED = "thai_unregistered", _("Thai, missing from the civil registry")
    STATELESS = "stateless", _("Stateless, with a 0-category number")
    NON_THAI_6_7 = "non_thai_6_7", _("Non-Thai with a category 6 or 7 number")
    MIGRANT_WITH_PERMIT = "migrant_with_permit", _("Migrant worker with a work permit")
    NONE = "none", _("No status or document")


class VerificationStage(models.TextChoices):
    """Where a person stands in nationality verification or late civil registration."""

    NOT_STARTED = "not_started", _("Not started")
    DOCUMENTS = "documents", _("Gathering documents")
    WITNESSES = "witnesses", _("Witness statements")
    DNA_TEST = "dna_test", _("DNA test")
    INTERVIEW = "interview", _("District registrar interview")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    ID_CARD_ISSUED = "id_card_issued", _("ID card issued")
    REJECTED = "rejected", _("Rejected")


class Religion(models.TextChoices):
    BUDDHISM = "buddhism", _("Buddhism")
    ISLAM = "islam", _("Islam")
    CHRISTIANITY = "christianity", _("Christianity")
    HINDUISM = "hinduism", _("Hinduism")
    SIKHISM = "sikhism", _("Sikhism")
    OTHER = "other", _("Other")
    NONE = "none", _("No religion")


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS_WOMAN = "trans_woman", _("Transgender woman")
    TRANS_MAN = "trans_man", _("Transgender man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other")


class SensitiveBasis(models.TextChoices):
    """Why sensitive data (PDPA s.26) may be held about a person right now."""

    NONE = "", _("None")
    CONSENT = "consent", _("Explicit consent")
    LEGAL = "legal", _("Legal basis (PDPA s.26)")


class LegalBasis(models.TextChoices):
    NONE = "", _("None recorded")
    SOCIAL_WELFARE = (
        "s26_5_social_welfare",
        _("PDPA s.26(5): social welfare and protection under law, by a partner agency"),
    )
    VITAL_INTEREST = (
        "s26_1_vital_interest",
        _("PDPA s.26(1): to protect life or health when consent cannot be given"),
    )
    PUBLIC_HEALTH = "s26_5_public_health", _("PDPA s.26(5): public health protection")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The person")
    GUARDIAN = "guardian", _("A guardian (child aged 10 or under, or person declared incompetent)")


#: Declared groups that reveal sensitive data (religion, sexual orientation, ethnicity):
#: they need the same consent or legal basis, and hide with it.
SENSITIVE_GROUPS = frozenset(
    {PopulationGroup.THAI_MUSLIM, PopulationGroup.LGBTQ, PopulationGroup.STATUS_ETHNIC_INDIGENOUS}
)
#: Groups shown only while sensitive data may be shown (disability is health data).
HIDDEN_WITH_SENSITIVE = SENSITIVE_GROUPS | {PopulationGroup.DISABILITY}

#: Attributes that are sensitive personal data under PDPA s.26.
SENSITIVE_FIELDS = (
    "chronic_illness",
    "chronic_illness_note",
    "bedridden",
    "civil_status",
    "verification_stage",
    "religion",
    "ethnicity",
    "gender_identity",
)
