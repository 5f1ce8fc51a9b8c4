"""Field encryption: crypto helpers, the fields, `saphan keys` and the settings checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps.registry import Apps
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, models

from saphan.core import crypto
from saphan.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt_text,
    encrypt_text,
    is_current_token,
    rotate_token,
)
from saphan.core.fields import BlindIndexField, EncryptedTextField
from saphan.core.management.commands import keys as keys_command

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()

# A model of our own in a registry of its own: the project's app registry (and so
# makemigrations, `saphan keys` without the seam below…) never sees it.
_test_apps = Apps(installed_apps=())


class Secret(models.Model):
    id = models.BigIntegerField(primary_key=True)
    secret = EncryptedTextField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    note_index = BlindIndexField()

    class Meta:
        apps = _test_apps
        app_label = "crypto_tests"
        db_table = "crypto_tests_secret"

    def __str__(self) -> str:
        return f"secret {self.pk}"


@pytest.fixture
def secret_table(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Secret]]:
    """The table, created inside the test's transaction (rolled back with it), and
    `saphan keys` pointed at this model alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE crypto_tests_secret (id bigint PRIMARY KEY, secret text NULL, "
            "note text NOT NULL, note_index varchar(32) NOT NULL)"
        )
    monkeypatch.setattr(keys_command, "candidate_models", lambda: [Secret])
    yield Secret


def _raw(pk: int, column: str = "secret") -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM crypto_tests_secret WHERE id = %s", [pk])  # noqa: S608
        value: str | None = cursor.fetchone()[0]
    return value


def _keys(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- encrypt / decrypt / rotate ------------------------------------------------------


def test_round_trip_and_ciphertext_is_randomised() -> None:
    for value in ("1103700012345", "081-234-5678", "สมชาย ใจดี", "x" * 5000):
        first, second = encrypt_text(value), encrypt_text(value)
        assert decrypt_text(first) == value == decrypt_text(second)
        assert value not in first
        assert first != second  # a fresh IV every time: equal values are not visible


def test_multifernet_rotation(settings: Any) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    token_a = encrypt_text("1103700012345")
    assert is_current_token(token_a)

    settings.SAPHAN_FIELD_KEYS = [KEY_B, KEY_A]  # new key prepended: old tokens still read
    assert decrypt_text(token_a) == "1103700012345"
    assert not is_current_token(token_a)
    token_b = rotate_token(token_a)
    assert token_b != token_a and is_current_token(token_b)

    settings.SAPHAN_FIELD_KEYS = [KEY_B]  # old key dropped
    assert decrypt_text(token_b) == "1103700012345"
    with pytest.raises(DecryptionError, match="key that encrypted it may be missing"):
        decrypt_text(token_a)
    with pytest.raises(DecryptionError):
        rotate_token(token_a)


def test_new_values_are_encrypted_with_the_first_key(settings: Any) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_B, KEY_A]
    token = encrypt_text("0812345678")
    assert Fernet(KEY_B.encode()).decrypt(token.encode()) == b"0812345678"
    settings.SAPHAN_FIELD_KEYS = f"{KEY_A}, {KEY_B}"  # the raw env form is accepted too
    assert decrypt_text(token) == "0812345678"


def test_decryption_errors_are_clear(settings: Any) -> None:
    for bad in ("not a token", "gAAAAA-tampered", "สวัสดี", ""):
        with pytest.raises(DecryptionError, match="SAPHAN_FIELD_KEYS"):
            decrypt_text(bad)
    token = encrypt_text("secret")
    tampered = token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:]
    with pytest.raises(DecryptionError):
        decrypt_text(tampered)
    assert not is_current_token("not a token")


def test_the_cipher_is_cached_per_key_list(settings: Any) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    crypto._fernets.cache_clear()
    encrypt_text("a")
    encrypt_text("b")
    settings.SAPHAN_FIELD_KEYS = [KEY_B]
    encrypt_text("c")
    info = crypto._fernets.cache_info()
    assert (info.misses, info.hits) == (2, 1)


# --- blind index ----------------------------------------------------------------------


def test_blind_index_is_deterministic_keyed_and_purpose_separated(settings: Any) -> None:
    index = blind_index("1103700012345", purpose="national_id")
    assert index == blind_index("1103700012345", purpose="national_id")
    assert len(index) == 32 and int(index, 16) >= 0
    assert index != blind_index("1103700012346", purpose="national_id")
    assert index != blind_index("1103700012345", purpose="phone")
    settings.SAPHAN_BLIND_INDEX_KEY = "another-blind-index-key-of-at-least-32-chars"
    assert blind_index("1103700012345", purpose="national_id") != index


def test_blind_index_edges() -> None:
    assert blind_index("", purpose="phone") == ""  # blank values are never duplicates
    with pytest.raises(ValueError, match="purpose"):
        blind_index("1", purpose="")
    with pytest.raises(ValueError, match="purpose"):
        blind_index("1", purpose="a\x00b")


# --- fields ---------------------------------------------------------------------------


def test_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out() -> None:
    field = EncryptedTextField()
    stored = field.get_prep_value("1103700012345")
    assert stored is not None and stored != "1103700012345"
    assert field.from_db_value(stored, None, connection) == "1103700012345"
    assert field.get_db_prep_save("0812345678", connection) != "0812345678"
    for empty in (None, ""):
        assert field.get_prep_value(empty) == empty
        assert field.from_db_value(empty, None, connection) == empty
    assert field.to_python("abc") == "abc"
    assert field.to_python(None) is None
    assert decrypt_text(field.get_prep_value(1234) or "") == "1234"


def test_fields_deconstruct_for_migrations() -> None:
    _name, path, args, kwargs = EncryptedTextField("phone", blank=True, default="").deconstruct()
    assert path == "saphan.core.fields.EncryptedTextField"
    assert (args, kwargs) == ([], {"verbose_name": "phone", "blank": True, "default": ""})
    assert isinstance(EncryptedTextField(*args, **kwargs), EncryptedTextField)

    _name, path, args, kwargs = BlindIndexField().deconstruct()
    assert path == "saphan.core.fields.BlindIndexField"
    assert kwargs == {
        "max_length": 32,
        "db_index": True,
        "blank": True,
        "default": "",
        "editable": False,
    }
    field = BlindIndexField(*args, **kwargs)
    assert (field.max_length, field.db_index, field.get_default()) == (32, True, "")


def test_encrypted_field_cannot_be_unique_or_indexed() -> None:
    isolated = Apps(installed_apps=())

    class Bad(models.Model):
        number = EncryptedTextField(unique=True)

        class Meta:
            apps = isolated
            app_label = "crypto_tests"

        def __str__(self) -> str:
            return "bad"

    ids = [message.id for message in Bad._meta.get_field("number").check()]
    assert "saphan.E101" in ids
    indexed = EncryptedTextField(db_index=True)
    indexed.set_attributes_from_name("indexed")
    indexed.model = Bad
    assert "saphan.E101" in [message.id for message in indexed.check()]
    assert "saphan.E101" not in [m.id for m in Secret._meta.get_field("secret").check()]


def test_orm_round_trip_stores_only_ciphertext(secret_table: type[Secret]) -> None:
    row = Secret.objects.create(id=1, secret="1103700012345", note="0812345678")
    assert row.secret == "1103700012345"  # the instance keeps plaintext after save
    raw = _raw(1)
    assert raw is not None and "1103700012345" not in raw
    assert decrypt_text(raw) == "1103700012345"
    assert _raw(1, "note") != "0812345678"

    fetched = Secret.objects.get(pk=1)
    assert (fetched.secret, fetched.note) == ("1103700012345", "0812345678")
    assert list(Secret.objects.values_list("secret", flat=True)) == ["1103700012345"]

    fetched.secret = "1103700099999"
    fetched.save()
    fetched.refresh_from_db()
    assert fetched.secret == "1103700099999"
    Secret.objects.filter(pk=1).update(secret="3100500012345")
    assert Secret.objects.get(pk=1).secret == "3100500012345"
    fetched.note = "0899999999"
    Secret.objects.bulk_update([fetched], ["note"])
    assert Secret.objects.get(pk=1).note == "0899999999"
    assert decrypt_text(_raw(1, "note") or "") == "0899999999"

    Secret.objects.create(id=2, secret=None, note="")
    assert _raw(2) is None and _raw(2, "note") == ""  # blank stays cheap and visible
    assert Secret.objects.get(pk=2).note == ""


def test_equality_lookups_are_refused_with_a_pointer_to_the_blind_index(
    secret_table: type[Secret],
) -> None:
    Secret.objects.create(id=1, secret="1103700012345")
    Secret.objects.create(id=2, secret=None, note="x")
    for lookup in ("secret", "secret__exact", "secret__iexact", "secret__icontains"):
        with pytest.raises(FieldError, match="blind-index"):
            Secret.objects.filter(**{lookup: "1103700012345"})
    with pytest.raises(FieldError, match="blind-index"):
        Secret.objects.filter(secret__in=["1103700012345"])
    with pytest.raises(FieldError, match="blind-index"):
        Secret.objects.exclude(note__startswith="x")
    with pytest.raises(FieldError, match="blind-index"):
        Secret.objects.get_or_create(secret="1103700012345")
    # What does work: null checks, "empty" (stored as is) and the blind index.
    assert list(Secret.objects.filter(secret__isnull=True).values_list("pk", flat=True)) == [2]
    assert list(Secret.objects.filter(secret=None).values_list("pk", flat=True)) == [2]
    assert list(Secret.objects.filter(note="").values_list("pk", flat=True)) == [1]
    Secret.objects.filter(pk=2).update(note_index=blind_index("x", purpose="note"))
    assert Secret.objects.get(note_index=blind_index("x", purpose="note")).pk == 2


# --- saphan keys ----------------------------------------------------------------------


def test_keys_generate_prints_usable_keys(settings: Any) -> None:
    key = _keys("generate").strip()
    settings.SAPHAN_FIELD_KEYS = [key]
    assert decrypt_text(encrypt_text("x")) == "x"
    assert len(_keys("generate", "--blind-index").strip()) >= 32


@pytest.mark.django_db
def test_keys_rotate_and_check_on_the_installed_models() -> None:
    """Whatever models exist now (perhaps none with encrypted fields): both succeed."""
    assert "values re-encrypted in" in _keys("rotate")
    assert " 0 failed" in _keys("check", "--all")


def test_historical_models_are_covered() -> None:
    """django-simple-history's historical tables hold the same tokens: rotated too."""
    from simple_history.models import registered_models
    from simple_history.utils import get_history_model_for_model

    columns, _ = keys_command.encrypted_columns()
    labels = {column.label for column in columns}
    for model in registered_models.values():
        encrypted = [
            f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if not encrypted:
            continue
        historical = get_history_model_for_model(model)
        historical_names = {f.name for f in historical._meta.local_concrete_fields}
        for field in encrypted:
            assert f"{model._meta.label}.{field.name}" in labels
            if field.name in historical_names:
                assert f"{historical._meta.label}.{field.name}" in labels


def test_keys_rotate_re_encrypts_every_value_in_batches(
    secret_table: type[Secret], settings: Any
) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    for pk in range(1, 6):
        Secret.objects.create(id=pk, secret=f"11037000{pk:05}", note="" if pk % 2 else "n")
    Secret.objects.create(id=6, secret=None)
    before = {pk: _raw(pk) for pk in range(1, 7)}

    settings.SAPHAN_FIELD_KEYS = [KEY_B, KEY_A]
    stale = _keys("check", "--all")
    assert "crypto_tests.Secret.secret: 5 checked, 0 failed, 5 not under the first key" in stale
    out = _keys("rotate", "--batch", "2")
    assert "crypto_tests.Secret.secret: 5 rotated, 0 already under the first key" in out
    assert "crypto_tests.Secret.note: 2 rotated" in out
    assert "rotate: 7 values re-encrypted in 2 encrypted columns" in out
    assert _raw(6) is None and _raw(1, "note") == ""
    assert all(_raw(pk) != before[pk] for pk in range(1, 6))

    settings.SAPHAN_FIELD_KEYS = [KEY_B]  # the old key can go now
    assert [s.secret for s in Secret.objects.order_by("pk")][:5] == [
        f"11037000{pk:05}" for pk in range(1, 6)
    ]
    assert "0 failed, 0 not under the first key" in _keys("check", "--all")
    again = _keys("rotate")
    assert "crypto_tests.Secret.secret: 0 rotated, 5 already under the first key" in again


def test_keys_check_fails_when_a_key_is_missing(secret_table: type[Secret], settings: Any) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    Secret.objects.create(id=1, secret="1103700012345")
    Secret.objects.create(id=2, secret="1103700054321")
    assert "crypto_tests.Secret.secret: 2 checked, 0 failed" in _keys("check")
    settings.SAPHAN_FIELD_KEYS = [KEY_C]
    out = StringIO()
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("keys", "check", "--sample", "1", stdout=out, stderr=StringIO())
    assert "1 checked, 1 failed" in out.getvalue()
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("keys", "check", "--all", stdout=out, stderr=StringIO())
    assert "pk=1, pk=2" in out.getvalue()


def test_keys_rotate_leaves_undecryptable_values_and_fails(
    secret_table: type[Secret], settings: Any
) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_C]
    Secret.objects.create(id=1, secret="lost")
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    Secret.objects.create(id=2, secret="kept")
    lost = _raw(1)
    settings.SAPHAN_FIELD_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("keys", "rotate", stdout=out, stderr=StringIO())
    assert "1 rotated, 0 already under the first key, 1 FAILED to decrypt (pk=1)" in (
        out.getvalue()
    )
    assert _raw(1) == lost
    settings.SAPHAN_FIELD_KEYS = [KEY_B]
    assert decrypt_text(_raw(2) or "") == "kept"


def test_keys_rotate_does_not_overwrite_a_concurrent_save(
    secret_table: type[Secret], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SAPHAN_FIELD_KEYS = [KEY_A]
    Secret.objects.create(id=1, secret="old number")
    settings.SAPHAN_FIELD_KEYS = [KEY_B, KEY_A]

    def rotate_while_someone_saves(token: str) -> str:
        Secret.objects.filter(pk=1).update(secret="new number")  # lands between read and write
        return rotate_token(token)

    monkeypatch.setattr(keys_command, "rotate_token", rotate_while_someone_saves)
    out = _keys("rotate")
    assert "0 rotated, 0 already under the first key, 1 changed meanwhile" in out
    assert Secret.objects.get(pk=1).secret == "new number"


def test_keys_rejects_a_bad_batch_size() -> None:
    with pytest.raises(CommandError, match="positive whole number"):
        call_command("keys", "rotate", "--batch", "0")


# --- settings -------------------------------------------------------------------------

PRINT_KEYS = (
    "import json, saphan.settings as s; "
    "print(json.dumps([s.SAPHAN_FIELD_KEYS, s.SAPHAN_BLIND_INDEX_KEY]))"
)
PRODUCTION = {
    "SAPHAN_DEBUG": "0",
    "SAPHAN_SECRET_KEY": "s" * 60,
    "SAPHAN_ALLOWED_HOSTS": "saphan.example",
}
BLIND_KEY = "b" * 40


def _settings_process(
    env_overrides: dict[str, str], home: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAPHAN_")}
    env.update({"SAPHAN_HOME": str(home), **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEYS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_without_field_keys_refuses_to_start(tmp_path: Path) -> None:
    result = _settings_process(PRODUCTION, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SAPHAN_FIELD_KEYS must list at least one Fernet key" in result.stderr
    assert "ต้องตั้งค่า SAPHAN_FIELD_KEYS" in result.stderr

    result = _settings_process({**PRODUCTION, "SAPHAN_FIELD_KEYS": KEY_A}, tmp_path)
    assert result.returncode != 0
    assert "SAPHAN_BLIND_INDEX_KEY must be set" in result.stderr

    result = _settings_process({**PRODUCTION, "SAPHAN_BLIND_INDEX_KEY": BLIND_KEY}, tmp_path)
    assert result.returncode != 0
    assert "SAPHAN_FIELD_KEYS must list" in result.stderr


@pytest.mark.parametrize(
    "field_keys",
    [
        "not-a-key",
        "c2hvcnQta2V5LW9mLTE2Ynk=",  # valid base64 of 16 bytes
        KEY_A.replace("=", ""),
        KEY_A[:-2] + "+=",  # not urlsafe
        f"{KEY_A},{KEY_B[:-3]}",  # the second one is broken
    ],
)
def test_production_mode_refuses_malformed_field_keys(field_keys: str, tmp_path: Path) -> None:
    env = {**PRODUCTION, "SAPHAN_FIELD_KEYS": field_keys, "SAPHAN_BLIND_INDEX_KEY": BLIND_KEY}
    result = _settings_process(env, tmp_path)
    assert result.returncode != 0
    assert "is not a Fernet key" in result.stderr
    assert "ไม่ใช่คีย์ Fernet" in result.stderr


def test_a_short_blind_index_key_is_refused_even_in_development(tmp_path: Path) -> None:
    result = _settings_process({"SAPHAN_BLIND_INDEX_KEY": "too short"}, tmp_path)
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_production_mode_starts_with_field_keys(tmp_path: Path) -> None:
    env = {
        **PRODUCTION,
        "SAPHAN_FIELD_KEYS": f" {KEY_B} , {KEY_A} ",
        "SAPHAN_BLIND_INDEX_KEY": BLIND_KEY,
    }
    result = _settings_process(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[KEY_B, KEY_A], BLIND_KEY]


def test_development_keys_are_derived_from_the_secret_key(tmp_path: Path) -> None:
    first = _settings_process({}, tmp_path)
    again = _settings_process({}, tmp_path)
    other = _settings_process({"SAPHAN_SECRET_KEY": "another development secret"}, tmp_path)
    assert first.returncode == again.returncode == other.returncode == 0, first.stderr
    (field_keys, blind_key), (other_keys, other_blind) = (
        json.loads(first.stdout),
        json.loads(other.stdout),
    )
    assert json.loads(again.stdout) == [field_keys, blind_key]  # deterministic
    assert (other_keys, other_blind) != (field_keys, blind_key)
    assert other_keys != field_keys and other_blind != blind_key
    assert len(field_keys) == 1 and Fernet(field_keys[0].encode())
    assert len(blind_key) >= 32 and blind_key not in field_keys[0]
    # Only the missing one is derived.
    given = _settings_process({"SAPHAN_FIELD_KEYS": KEY_A}, tmp_path)
    assert json.loads(given.stdout) == [[KEY_A], blind_key]
