"""The only settings module. Every deployment difference is an environment variable.

A bad value stops start-up with the variable named (see amparo.lib.env).
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from django.utils.translation import gettext_lazy as _

from amparo.lib.env import env_bool, env_int, env_list, env_str, parse_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("AMPARO_DATA_DIR", "var")).resolve()

DEBUG = env_bool("AMPARO_DEBUG", False)
DEMO_SECRET_KEY = "amparo-demo-only-not-a-secret"  # noqa: S105  (public by design)
SECRET_KEY = env_str("AMPARO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("AMPARO_DEMO", True):
        raise ImproperlyConfigured("AMPARO_SECRET_KEY must be set outside demo mode.")
    # The demo and the tests need no secret of their own; a real node must set one, and
    # `amparo serve` refuses this one unless the demo was chosen explicitly (AMPARO_DEMO=true,
    # which `amparo demo` sets).
    SECRET_KEY = DEMO_SECRET_KEY

ALLOWED_HOSTS: list[str] = env_list(
    "AMPARO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env_list("AMPARO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",  # serves Swagger UI from our own static files, not a CDN
    "amparo.accounts",
    "amparo.protection",
    "amparo.people",
    "amparo.screening",
    "amparo.assessment",
    "amparo.casework",
    "amparo.training",
    "amparo.referrals",
    "amparo.federation",
    "amparo.stats",
    "amparo.fieldwork",
    "amparo.dedup",
    "amparo.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "amparo.accounts.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "amparo.accounts.middleware.MembershipsMiddleware",
    "amparo.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "amparo.urls"
WSGI_APPLICATION = "amparo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amparo.web.context.amparo",
            ],
        },
    },
]

# Databases: SQLite (WAL) in the data directory by default; DATABASE_URL selects PostgreSQL.
_db_url = env_str("DATABASE_URL", "")
_SQLITE, _SQLITE_OWNER_ONLY = "django.db.backends.sqlite3", "amparo.protection.sqlite_backend"
if _db_url:
    _db = parse_database_url("DATABASE_URL", _db_url)
    DATABASES = {
        "default": {
            "ENGINE": _SQLITE_OWNER_ONLY if _db.engine == _SQLITE else _db.engine,
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "CONN_MAX_AGE": env_int("AMPARO_DB_CONN_MAX_AGE", 60),
            # Behind a pooler that hands each transaction another server session (PgBouncer's
            # transaction mode): no server-side cursors and no prepared statements
            # (`amparo.lib.batch`).
            "DISABLE_SERVER_SIDE_CURSORS": env_bool("AMPARO_DB_BEHIND_POOLER", False),
        }
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its own folder
    DATABASES = {
        "default": {
            # Django's SQLite backend, creating the database and its -wal/-shm files 0600.
            "ENGINE": _SQLITE_OWNER_ONLY,
            "NAME": DATA_DIR / "amparo.sqlite3",
            "OPTIONS": {
                # IMMEDIATE avoids "database is locked" on read-then-write transactions.
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
            },
        }
    }
if not _db_url:
    # In-memory, shared with the live server. Named ":memory:" rather than left empty, as
    # pytest-django recognises an empty name only for Django's own SQLite engine.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "amparo.accounts.backends.StaffBackend",  # Django's ModelBackend, memberships read along
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Two-factor authentication is required for every role that sees personal data.
AMPARO_REQUIRE_2FA = env_bool("AMPARO_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Amparo"
# Hours an administrator's one-time enrolment code stays valid.
AMPARO_ENROLMENT_CODE_HOURS = env_int("AMPARO_ENROLMENT_CODE_HOURS", 72, minimum=1)

# Failed sign-ins (see accounts/domain/throttle.py): django-axes records them per username,
# address and user agent; delays grow per username + address, and each address has a limit.
# Axes' hard lock is off: locking by username alone let anyone lock any account out.
AXES_FAILURE_LIMIT = env_int("AMPARO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCK_OUT_AT_FAILURE = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(hours=24)  # failures older than this are forgotten
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AMPARO_LOGIN_DELAY_SECONDS = env_int("AMPARO_LOGIN_DELAY_SECONDS", 30, minimum=1)
AMPARO_LOGIN_MAX_DELAY = timedelta(minutes=env_int("AMPARO_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
# Failures from one address (any usernames) within an hour before it must wait: high enough
# for an office behind one shared address, low enough to stop password spraying.
AMPARO_LOGIN_IP_LIMIT = env_int("AMPARO_LOGIN_IP_LIMIT", 50, minimum=1)
AXES_ENABLED = env_bool("AMPARO_LOCKOUT_ENABLED", True)

# Sessions expire a working day after sign-in (an absolute limit: refreshing it on every
# request would cost a database write per page) and when the browser closes.
SESSION_COOKIE_AGE = env_int("AMPARO_SESSION_SECONDS", 8 * 3600, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind HTTPS (a real node), cookies are secure and HSTS is sent.
AMPARO_HTTPS = env_bool("AMPARO_HTTPS", False)
SESSION_COOKIE_SECURE = AMPARO_HTTPS
CSRF_COOKIE_SECURE = AMPARO_HTTPS
LANGUAGE_COOKIE_SECURE = AMPARO_HTTPS
SECURE_SSL_REDIRECT = AMPARO_HTTPS
SECURE_HSTS_SECONDS = 31536000 if AMPARO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = AMPARO_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if AMPARO_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Languages: Spanish first; English and French for staff; Haitian Creole and Portuguese
# only for what a migrant reads (consent text, rights).
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("fr", _("French"))]
MIGRANT_LANGUAGES = [*LANGUAGES, ("ht", _("Haitian Creole")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("AMPARO_TIME_ZONE", "America/Mexico_City")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # tests and a fresh demo serve static files without collectstatic

# Encryption of personal fields: a key ring from AMPARO_KEYS or a key file (see protection.crypto).
AMPARO_KEYS = env_str("AMPARO_KEYS", "")
AMPARO_INDEX_KEY = env_str("AMPARO_INDEX_KEY", "")
AMPARO_AUDIT_KEY = env_str("AMPARO_AUDIT_KEY", "")  # HMAC of the audit chain
AMPARO_CHECKPOINT_KEY = env_str("AMPARO_CHECKPOINT_KEY", "")  # Ed25519 seed for checkpoints
# Modules whose blind indexes `amparo rotate-keys --index` re-derives (keyed code fields are
# found on the models themselves); each has NAME, owners() and rederive(rows).
AMPARO_BLIND_INDEX_SOURCES = ["amparo.people.domain.index_keys"]
AMPARO_KEY_FILE = Path(env_str("AMPARO_KEY_FILE", str(DATA_DIR / "keys.json")))

# New envelopes a peer node may post to the inbox in any minute (more: 429 `rate_limited`).
AMPARO_FEDERATION_INBOX_PER_MINUTE = env_int("AMPARO_FEDERATION_INBOX_PER_MINUTE", 600, minimum=1)

# Hours a receiving institution has to acknowledge a referral, by urgency.
AMPARO_REFERRAL_ACK_HOURS = {
    "emergency": env_int("AMPARO_REFERRAL_ACK_HOURS_EMERGENCY", 4, minimum=1),
    "urgent": env_int("AMPARO_REFERRAL_ACK_HOURS_URGENT", 24, minimum=1),
    "normal": env_int("AMPARO_REFERRAL_ACK_HOURS_NORMAL", 72, minimum=1),
}

# A deployment can require the identification module to be passed before live screenings.
AMPARO_REQUIRE_TRAINING_FOR_SCREENING = env_bool("AMPARO_REQUIRE_TRAINING_FOR_SCREENING", False)

# Statistics: cells below k are suppressed (never under 5; CTDC publishes with k = 11). A
# regional node holds only signed aggregates (signed with the federation node key): the
# router creates no table of personal data there.
AMPARO_STATS_K = env_int("AMPARO_STATS_K", 11, minimum=5)
# A DuckDB extract of de-identified facts (`amparo stats extract`): the dashboards count there.
AMPARO_STATS_EXTRACT = env_str("AMPARO_STATS_EXTRACT", "")
# Optional differential privacy of published counts (OpenDP): epsilon spent per new release and
# the total budget per agency, country and region. Both empty (the default): suppression only.
# Checked when the stats app starts (`stats.domain.privacy.privacy_config`): positive numbers.
AMPARO_STATS_DP_EPSILON = env_str("AMPARO_STATS_DP_EPSILON", "")
AMPARO_STATS_DP_BUDGET = env_str("AMPARO_STATS_DP_BUDGET", "")
AMPARO_NODE_KIND = env_str("AMPARO_NODE_KIND", "national")
if AMPARO_NODE_KIND not in {"national", "regional"}:
    raise ImproperlyConfigured("AMPARO_NODE_KIND must be national or regional.")
DATABASE_ROUTERS = ["amparo.stats.routers.NodeKindRouter"]

# Demo mode marks every page as synthetic data and allows the demo accounts.
AMPARO_DEMO = env_bool("AMPARO_DEMO", True)

MAILERS = {
    "default": {
        "BACKEND": env_str("AMPARO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    }
}
DEFAULT_FROM_EMAIL = env_str("AMPARO_FROM_EMAIL", "amparo@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AMPARO_LOG_LEVEL", "WARNING")},
}
