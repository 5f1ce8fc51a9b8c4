"""Model fields for identifiers that must be encrypted at rest.

Pair each :class:`EncryptedTextField` with a :class:`BlindIndexField` and keep the index
in step when saving::

    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = BlindIndexField()
    ...
    self.phone_index = blind_index(normalise_phone(self.phone), purpose="phone")

then look people up with ``filter(phone_index=blind_index(..., purpose="phone"))``.
The encrypted column itself only answers ``isnull`` (and ``= None`` / ``= ""``): the
stored tokens are randomised, so any other comparison would silently never match.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.lookups import Exact, Lookup

from saphan.core.crypto import BLIND_INDEX_LENGTH, decrypt_text, encrypt_text

__all__ = ["BlindIndexField", "EncryptedTextField"]


def _refusal(field_name: str, lookup_name: str) -> str:
    return (
        f"{field_name!r} is encrypted at rest: the database cannot compare its values "
        f"(lookup {lookup_name!r}). Filter on its blind-index field instead, e.g. "
        f"`filter(<name>_index=blind_index(normalised_value, purpose=...))`; only "
        f"`isnull` (or `= None`, `= ''`) works on the encrypted column."
    )


def _field_name(lhs: Any) -> str:
    target = getattr(lhs, "target", None) or getattr(lhs, "output_field", None)
    return getattr(target, "name", None) or "encrypted field"


class _EmptyOnlyExact(Exact):
    """``field=None`` (Django turns it into ``isnull``) and ``field=""`` (stored as is)."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None and rhs != "":
            raise FieldError(_refusal(_field_name(lhs), "exact"))
        super().__init__(lhs, rhs)


class _RefusedLookup(Lookup):
    def __init__(self, lhs: Any, rhs: Any) -> None:
        raise FieldError(_refusal(_field_name(lhs), self.lookup_name or "?"))


@cache
def _refused_lookup(lookup_name: str) -> type[Lookup]:
    return type(f"Refused_{lookup_name}", (_RefusedLookup,), {"lookup_name": lookup_name})


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token (see :mod:`saphan.core.crypto`).

    Python code sees plaintext; the column holds ciphertext. ``None`` stays NULL and
    ``""`` is stored unencrypted, so blank values cost nothing and ``= ""`` still works.
    Do not make it ``unique`` or index it: use a :class:`BlindIndexField` for that.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        found = super().get_lookup(lookup_name)
        if found is None or lookup_name == "isnull":
            return found
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return _refused_lookup(lookup_name)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or getattr(self, "db_index", False) or self.primary_key:
            errors.append(
                checks.Error(
                    "An EncryptedTextField cannot be unique, indexed or a primary key: its "
                    "tokens are randomised. Put the constraint or index on a "
                    "BlindIndexField instead.",
                    obj=self,
                    id="saphan.E101",
                )
            )
        return errors


class BlindIndexField(models.CharField):
    """The keyed blind index of an encrypted value (:func:`saphan.core.crypto.blind_index`).

    A plain indexed ``CharField(max_length=32, db_index=True, blank=True, default="",
    editable=False)``; the subclass only makes the intent visible. The model computes it
    on save (it is not a form field); ``""`` means "no value".
    """

    description = "Keyed blind index (HMAC-SHA256, hex) of an encrypted value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", BLIND_INDEX_LENGTH)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # db_index defaults to True here, so False must be written out (CharField omits it).
        name, path, args, kwargs = super().deconstruct()
        if not getattr(self, "db_index", True):
            kwargs["db_index"] = False
        return name, path, args, kwargs
