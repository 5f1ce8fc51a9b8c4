"""Saphan settings, read from the environment.

Development defaults are safe to run on a laptop; with ``SAPHAN_DEBUG`` off the
process refuses to start while any production-critical setting is still a default
(see ``_require_production_secret`` below).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The suppression check solves small linear systems per request; a multi-threaded BLAS
# on a busy 2-core server made those calls 10 times slower (measured: 0.7 s of 0.9 s per
# analyst dashboard). One thread per web or worker process; set it yourself to override.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BASE_DIR = Path(__file__).resolve().parent

#: Where the embedded database, uploads and backups live (``./var`` by default).
SAPHAN_HOME = Path(os.environ.get("SAPHAN_HOME", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("SAPHAN_DEBUG", True)

DEV_SECRET_KEY = "saphan-development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SAPHAN_SECRET_KEY", DEV_SECRET_KEY)


def _require_production_secret() -> None:
    """Refuse to start in production mode with a missing, default or short secret."""
    if DEBUG:
        return
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SAPHAN_SECRET_KEY must be set to a random value of at least 50 characters "
            "when SAPHAN_DEBUG is off. / ต้องตั้งค่า SAPHAN_SECRET_KEY เป็นค่าสุ่มยาวอย่างน้อย "
            "50 ตัวอักษรเมื่อปิด SAPHAN_DEBUG"
        )
    if not os.environ.get("SAPHAN_ALLOWED_HOSTS"):
        raise ImproperlyConfigured(
            "SAPHAN_ALLOWED_HOSTS must list the host names when SAPHAN_DEBUG is off. / "
            "ต้องตั้งค่า SAPHAN_ALLOWED_HOSTS เมื่อปิด SAPHAN_DEBUG"
        )


_require_production_secret()

ALLOWED_HOSTS = _env_list("SAPHAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("SAPHAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "saphan.core",
    "saphan.geo",
    "saphan.orgs",
    "saphan.accounts",
    "saphan.audit",
    "saphan.api",
    "saphan.dashboard",
    "saphan.people",
    "saphan.watch",
    "saphan.rights",
    "saphan.cases",
    "saphan.notifications",
    "saphan.outcomes",
    "saphan.intake",
    "saphan.linkage",
    "saphan.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "saphan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "saphan.accounts.middleware.RequireAdministratorMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "saphan.urls"
WSGI_APPLICATION = "saphan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "saphan.core.context_processors.saphan",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = SAPHAN_HOME / "saphan.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("SAPHAN_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our subclass creates every database, test databases included, with UTF-8 ctype:
    # pg_trgm makes no trigrams for Thai text under the C locale.
    DATABASES["default"]["ENGINE"] = "saphan.core.db.postgresql"
    INSTALLED_APPS.append("django.contrib.postgres")  # trigram lookups for name search
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users, login, MFA ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "saphan.accounts.adapter.SaphanAccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# Five failed logins for one account lock it for 15 minutes (twenty from one address).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("SAPHAN_LOGIN_RATE_LIMIT", "20/15m/ip,5/15m/key"),
}
#: Reverse proxies in front of the app (nginx = 1). X-Forwarded-For is trusted only then,
#: for the access log's IP addresses and allauth's per-address login limit.
SAPHAN_TRUSTED_PROXY_COUNT = int(os.environ.get("SAPHAN_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = SAPHAN_TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Saphan"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "saphan_cache",
    }
}

# --- sessions, CSRF, security headers -------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SAPHAN_SESSION_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SAPHAN_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = _env_bool("SAPHAN_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("SAPHAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- language, time -------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "saphan_language"
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SAPHAN_STATIC_ROOT", SAPHAN_HOME / "static"))
MEDIA_ROOT = Path(os.environ.get("SAPHAN_MEDIA_ROOT", SAPHAN_HOME / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAPHAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- our own settings -----------------------------------------------------------------
#: DOPA codes of the 25 provinces of the civil-society project (mission document 002).
SAPHAN_PROJECT_PROVINCES = (
    "11",
    "13",
    "15",
    "16",
    "18",
    "23",
    "30",
    "31",
    "33",
    "34",
    "35",
    "41",
    "49",
    "52",
    "54",
    "55",
    "65",
    "66",
    "76",
    "81",
    "82",
    "83",
    "85",
    "94",
    "95",
)
#: Audit-log retention is not enforced by the app; the log is append-only (see docs).
SAPHAN_API_TOKEN_PREFIX = "sph"

# --- bulk import (intake) ---
#: Larger uploads are refused before they are read (set the web server's body limit to
#: the same size, e.g. nginx client_max_body_size).
SAPHAN_IMPORT_MAX_BYTES = int(os.environ.get("SAPHAN_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
#: Rows written per transaction; a killed import resumes after the last whole chunk.
SAPHAN_IMPORT_CHUNK_ROWS = int(os.environ.get("SAPHAN_IMPORT_CHUNK_ROWS", 10_000))
#: Search the registry for probable duplicates of the people an import created.
SAPHAN_IMPORT_FIND_DUPLICATES = _env_bool("SAPHAN_IMPORT_FIND_DUPLICATES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAPHAN_LOG_LEVEL", "WARNING")},
}
#: Administrators are sent to set up TOTP before anything else (turn off only in tests).
SAPHAN_REQUIRE_ADMIN_MFA = _env_bool("SAPHAN_REQUIRE_ADMIN_MFA", True)

# --- field encryption (crypto) ---
# National ID numbers, other document numbers and phone numbers are encrypted at rest
# (saphan.core.fields.EncryptedTextField) and found again through a keyed HMAC blind index
# (saphan.core.crypto.blind_index). Two secrets, both from the environment:
#
#   SAPHAN_FIELD_KEYS       comma-separated Fernet keys (urlsafe base64 of 32 bytes, made
#                           by `saphan keys generate`). The FIRST encrypts, every one
#                           decrypts. To rotate: prepend a new key, run `saphan keys
#                           rotate`, confirm with `saphan keys check --all`, then drop the
#                           old key. Losing every key loses the data.
#   SAPHAN_BLIND_INDEX_KEY  any random string of at least 32 characters (`saphan keys
#                           generate --blind-index`). Changing it invalidates every stored
#                           blind index.
#
# With SAPHAN_DEBUG on, a key left unset is derived from SECRET_KEY by HKDF-SHA256 with
# its own label, so a laptop works out of the box. Those derived keys are for DEVELOPMENT
# ONLY. With SAPHAN_DEBUG off the process refuses to start unless both are set and valid.


def _field_encryption_settings() -> tuple[list[str], str]:
    import base64
    import binascii
    import re

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def refuse(english: str, thai: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{english} / {thai}")

    def dev_key(label: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode())
        return hkdf.derive(SECRET_KEY.encode())

    field_keys = _env_list("SAPHAN_FIELD_KEYS", "")
    for number, key in enumerate(field_keys, start=1):
        try:
            valid = bool(re.fullmatch(r"[A-Za-z0-9_-]{43}=", key)) and (
                len(base64.urlsafe_b64decode(key)) == 32
            )
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise refuse(
                f"SAPHAN_FIELD_KEYS entry {number} is not a Fernet key (urlsafe base64 of "
                "32 bytes, 44 characters; make one with `saphan keys generate`).",
                f"ค่าที่ {number} ใน SAPHAN_FIELD_KEYS ไม่ใช่คีย์ Fernet (urlsafe base64 ขนาด "
                "32 ไบต์ ยาว 44 ตัวอักษร สร้างได้ด้วย `saphan keys generate`)",
            )
    blind_key = os.environ.get("SAPHAN_BLIND_INDEX_KEY", "").strip()
    if blind_key and len(blind_key) < 32:
        raise refuse(
            "SAPHAN_BLIND_INDEX_KEY must be a random value of at least 32 characters.",
            "SAPHAN_BLIND_INDEX_KEY ต้องเป็นค่าสุ่มยาวอย่างน้อย 32 ตัวอักษร",
        )
    if not DEBUG:
        if not field_keys:
            raise refuse(
                "SAPHAN_FIELD_KEYS must list at least one Fernet key (make one with "
                "`saphan keys generate`) when SAPHAN_DEBUG is off.",
                "ต้องตั้งค่า SAPHAN_FIELD_KEYS เป็นคีย์ Fernet อย่างน้อยหนึ่งคีย์ (สร้างได้ด้วย "
                "`saphan keys generate`) เมื่อปิด SAPHAN_DEBUG",
            )
        if not blind_key:
            raise refuse(
                "SAPHAN_BLIND_INDEX_KEY must be set to a random value of at least 32 "
                "characters when SAPHAN_DEBUG is off.",
                "ต้องตั้งค่า SAPHAN_BLIND_INDEX_KEY เป็นค่าสุ่มยาวอย่างน้อย 32 ตัวอักษรเมื่อปิด SAPHAN_DEBUG",
            )
    if not field_keys:  # development only (DEBUG is on here)
        field_keys = [base64.urlsafe_b64encode(dev_key("saphan dev field key v1")).decode()]
    if not blind_key:  # development only (DEBUG is on here)
        blind_key = dev_key("saphan dev blind index key v1").hex()
    return field_keys, blind_key


SAPHAN_FIELD_KEYS, SAPHAN_BLIND_INDEX_KEY = _field_encryption_settings()
# --- end field encryption ---
