"""Encryption at rest for identifiers, and keyed blind indexes to find them again.

National ID numbers, other document numbers and phone numbers are stored as Fernet
tokens (AES-128-CBC with HMAC-SHA256, :mod:`cryptography`). Fernet tokens are
randomised, so the same number encrypts differently every time and the database cannot
compare them: exact lookup and duplicate checks use :func:`blind_index` instead, an
HMAC-SHA256 of the *normalised* value under a separate key.

Keys come from settings (see the "field encryption" block of ``saphan/settings.py``):

``SAPHAN_FIELD_KEYS``
    Fernet keys, newest first. The first one encrypts; every one can decrypt
    (:class:`~cryptography.fernet.MultiFernet`). To rotate, prepend a new key, run
    ``saphan keys rotate`` (re-encrypts every stored value with the new key), confirm
    with ``saphan keys check --all``, then drop the old key.
``SAPHAN_BLIND_INDEX_KEY``
    The HMAC key of the blind indexes. Changing it means recomputing every index.

Models use :class:`saphan.core.fields.EncryptedTextField` and
:class:`saphan.core.fields.BlindIndexField` rather than calling this module directly.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "BLIND_INDEX_LENGTH",
    "DecryptionError",
    "blind_index",
    "decrypt_text",
    "encrypt_text",
    "is_current_token",
    "rotate_token",
]

#: Hex characters kept from the HMAC-SHA256 digest (128 bits).
BLIND_INDEX_LENGTH = 32


class DecryptionError(Exception):
    """A stored token could not be decrypted with any key in ``SAPHAN_FIELD_KEYS``."""


_DECRYPTION_HINT = (
    "could not be decrypted with any key in SAPHAN_FIELD_KEYS: the key that encrypted it "
    "may be missing (was an old key dropped before `saphan keys rotate` finished?), or "
    "the stored value is not a Fernet token"
)


def _configured_keys() -> tuple[str, ...]:
    keys: str | Iterable[str] = settings.SAPHAN_FIELD_KEYS
    if isinstance(keys, str):  # tolerate the raw comma-separated form in overrides
        keys = keys.split(",")
    return tuple(key.strip() for key in keys if key.strip())


@lru_cache(maxsize=16)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    """The MultiFernet for a key list and the Fernet of its primary key, cached per list."""
    if not keys:
        raise ImproperlyConfigured("SAPHAN_FIELD_KEYS is empty: no key to encrypt with.")
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "SAPHAN_FIELD_KEYS holds a value that is not a Fernet key."
        ) from exc
    return MultiFernet(fernets), fernets[0]


def _multi() -> MultiFernet:
    return _fernets(_configured_keys())[0]


def _ascii(token: str) -> bytes:
    if not isinstance(token, str):
        raise DecryptionError(f"An encrypted value {_DECRYPTION_HINT} (got {type(token)}).")
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        raise DecryptionError(f"An encrypted value {_DECRYPTION_HINT}.") from None


def encrypt_text(value: str) -> str:
    """Encrypt ``value`` with the primary key; the result is an ASCII Fernet token."""
    return _multi().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Decrypt a token made by :func:`encrypt_text` with any configured key."""
    try:
        return _multi().decrypt(_ascii(token)).decode("utf-8")
    except (InvalidToken, UnicodeDecodeError):
        raise DecryptionError(f"An encrypted value {_DECRYPTION_HINT}.") from None


def rotate_token(token: str) -> str:
    """Re-encrypt a token under the primary key (``MultiFernet.rotate``)."""
    try:
        return _multi().rotate(_ascii(token)).decode("ascii")
    except InvalidToken:
        raise DecryptionError(f"An encrypted value {_DECRYPTION_HINT}.") from None


def is_current_token(token: str) -> bool:
    """Whether the primary (first) key decrypts ``token``, i.e. it needs no rotation.

    ``False`` also for a token no key decrypts: :func:`rotate_token` or
    :func:`decrypt_text` then raise :class:`DecryptionError`.
    """
    primary = _fernets(_configured_keys())[1]
    try:
        primary.decrypt(_ascii(token))
    except (InvalidToken, DecryptionError):
        return False
    return True


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed, deterministic index of ``value`` for exact lookup and duplicate checks.

    HMAC-SHA256 with ``SAPHAN_BLIND_INDEX_KEY`` over ``purpose + "\\0" + value``, hex,
    first 32 characters. ``purpose`` (e.g. ``"national_id"``, ``"phone"``) separates
    domains: the same digits indexed as a phone number and as a document number give
    different indexes, so one column cannot be matched against another.

    Normalise ``value`` first (strip spaces and dashes, canonical digits…): the index
    matches only byte-identical input. An empty value gives an empty index, like the
    ``BlindIndexField`` default, so blank values never look like duplicates.
    """
    if not purpose or "\x00" in purpose:
        raise ValueError("blind_index needs a non-empty purpose without NUL characters.")
    if value == "":
        return ""
    key = settings.SAPHAN_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("SAPHAN_BLIND_INDEX_KEY is empty.")
    digest = hmac.new(
        key.encode("utf-8"), f"{purpose}\x00{value}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:BLIND_INDEX_LENGTH]
