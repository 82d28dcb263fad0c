"""Settings for Newsroom, read once from the environment.

Defaults are safe for production: DEBUG is off unless asked for, and there is
no secret key outside DEBUG. `make run` sets DEBUG=1 for local use.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Where local data lives (SQLite file, uploaded media, collected static files).
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without DEBUG there is no default key: the WSGI application refuses to start without one
# (newsroom/wsgi.py) and `check --deploy` fails. Management commands such as `migrate` or
# `makemigrations --check` still run, with a throw-away key that signs nothing lasting.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
elif SECRET_KEY_MISSING:
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base for links that leave the site: feeds, e-mails, Open Graph tags.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "LOS Newsroom")

INSTALLED_APPS = [
    # django.contrib.admin, whose default site asks for the second factor (accounts/).
    "accounts.admin_config.SecondFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_ckeditor_5",
    "simple_history",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "common",
    "organisations",
    "people",
    "media",
    "newsroom",
    "outreach",
    "stats",
    "accounts",
]

MIDDLEWARE = [
    # Where this request reads (a replica for the public's reads, when there is one), and the
    # read-only page while the primary is down (common/replica.py). Before anything reads.
    "common.replica.ReplicaMiddleware",
    # The page cache (newsroom/cache.py). A page is kept as the last middleware leaves it, so
    # that newsroom.wsgi's PageCacheFront can send it again without running any. Anonymous
    # hits are served before anything else runs. ConditionalGet between its two halves: the
    # ETag is computed once and kept with the page, and a page from the cache can still answer
    # 304 Not Modified.
    "newsroom.cache.UpdatePageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "newsroom.cache.FetchPageCacheMiddleware",
    # Outside the middleware that set cookies (sessions, CSRF, messages): it sees the final
    # cookies, and a page that sets one is never marked public.
    "newsroom.middleware.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.LanguageFromURLMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old addresses of imported releases: 301 where this site would answer 404.
    "newsroom.middleware.ImportedAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # With the second factor required, a password alone signs in to nothing (accounts/).
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins after too many failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login throttling: 5 failures for one user from one address locks them out for 1 hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None

# The second factor for staff (accounts/): an authenticator app (TOTP) with ten recovery
# codes, and passkeys (WebAuthn) added from the account's security page. Required for every
# staff account whenever DEBUG is off; NEWSROOM_REQUIRE_MFA=1 asks for it with DEBUG too (the
# demo login of `make run` is password-only otherwise), NEWSROOM_REQUIRE_MFA=0 switches it off.
NEWSROOM_REQUIRE_MFA = env_bool("NEWSROOM_REQUIRE_MFA", not DEBUG)
# Wrong codes: django-otp makes each try wait twice as long as the one before (1, 2, 4 ... s);
# after this many wrong codes in a row the second step is locked for an hour, per user.
NEWSROOM_MFA_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_MFA_FAILURE_LIMIT", "5"))
NEWSROOM_MFA_LOCKOUT_SECONDS = 3600
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys belong to SITE_URL's host name, and are only ever the second step.
_SITE = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = _SITE.hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_SITE.scheme}://{_SITE.netloc}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
if _SITE.scheme != "https":
    # Browsers offer passkeys on https (and localhost) only; a plain-http SITE_URL (the
    # `make run` demo) goes without them rather than failing every management command.
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.site",
            ],
        },
    },
]

# SQLite file by default (zero set-up); PostgreSQL whenever DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A PostgreSQL hot standby of the primary (streaming replication, `pg_basebackup -R`): the
# public's reads go there, staff, the admin and every write to the primary (common/replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests make no database of its own for it: it is the primary's copy.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]


def _postgresql_options(database: dict) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    # Django's backend, retrying new connections for a few seconds: a database restart costs
    # requests some latency, not a 500 (common/postgresql/base.py).
    options = database.setdefault("OPTIONS", {})
    # Short web queries only: JIT compilation would cost more than it saves (about 15 ms on a
    # query the planner over-estimates).
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    if DATABASE_REPLICA_URL:
        # A server that went away is noticed within seconds, not a TCP timeout.
        options.setdefault("connect_timeout", 3)
    database["ENGINE"] = "common.postgresql"
    # Pages read short lists: a server-side cursor costs three round trips where one does,
    # and it would break behind PgBouncer's transaction pooling.
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    # The same few queries run on every public request: PostgreSQL took 1.2 ms to plan the
    # feed's and 0.2 ms to run it. Prepared on the server after five runs on a connection,
    # they are planned once. PG_PREPARED_STATEMENTS=0 where a pooler cannot keep them
    # (PgBouncer's transaction pooling before 1.21, or without max_prepared_statements).
    if env_bool("PG_PREPARED_STATEMENTS", True):
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5


for _database in DATABASES.values():
    _postgresql_options(_database)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default needs its folder; it is git-ignored.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the alert worker write at once: WAL lets readers and one writer work
    # side by side, a writer waits up to 20 s for another instead of failing, and transactions
    # take the write lock when they begin (IMMEDIATE), so two read-then-write transactions
    # never deadlock into "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA synchronous=NORMAL",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {
                # A Redis outage may slow pages, never break them.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The site's header, footer and head links (base.html): the same on every page in a language,
# rendered once per process (a deploy restarts the processes, so new templates show at once).
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Messages in a cookie, not the session: a page that shows none then never reads the session,
# so anonymous pages need no "Vary: Cookie" and any cache may keep them.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
# The page cache (newsroom/cache.py). On by default with Redis, which every process shares:
# with the per-process memory cache, an edit saved through one gunicorn worker would not reach
# the pages another worker keeps. PAGE_CACHE=0 measures the pages uncached.
PAGE_CACHE = env_bool("PAGE_CACHE", bool(REDIS_URL))
CACHE_MIDDLEWARE_ALIAS = "default"
CACHE_MIDDLEWARE_SECONDS = 60
if not PAGE_CACHE:
    MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("newsroom.cache.")]
if not DATABASE_REPLICA_URL:
    MIDDLEWARE.remove("common.replica.ReplicaMiddleware")  # one database: nothing to decide

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["common.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

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
# S3-compatible object storage for uploads (needs `pip install .[s3]`).
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        # Private objects; pages link to the app's /media/ address, which checks that the
        # public may see the file and sends the reader on to a signed URL (media/storage.py).
        "BACKEND": "media.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
# Files under /media/ are answered by the app, which first checks that something public shows
# them (newsroom/files.py). Behind nginx, set MEDIA_ACCEL_REDIRECT to the `internal` location
# that serves MEDIA_ROOT (deploy/nginx.conf: /protected-media/): the app then only checks, and
# nginx sends the bytes.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

# Uploads larger than this are refused before any decoding.
MAX_IMAGE_UPLOAD_BYTES = int(os.environ.get("MAX_IMAGE_UPLOAD_MB", "25")) * 1024 * 1024
MAX_DOCUMENT_UPLOAD_BYTES = int(os.environ.get("MAX_DOCUMENT_UPLOAD_MB", "50")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Security: secure defaults; HTTPS-only settings switch on with HTTPS=1.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # CKEditor 5 sets inline styles on its own elements.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *env_list("CSP_IMG_SRC")],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Django 6.1 mailers; SMTP settings come from the environment.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 20,
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "presse@example.org")

# Background work (confirmation e-mails, alerts) is queued in the database by django-tasks-db
# and run by `manage.py run_worker` (one or more, beside the web server).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "common.logging.RefusalsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["refusals_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools tell every step of making a PDF at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Rich text: CKEditor 5 without General HTML Support, HTML embed or source editing.
# django-ckeditor-5's own upload view is not routed (see below); "staff" is its strictest
# choice. Ours (media.views.editor_image_upload) asks for media.add_image, like the image form.
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
# Our own upload view: CKEditor's stores files under the uploader's name, with no size limit.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor-image-upload"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png", "webp"]
# Headings and lists in the editor as they will read (the admin's own styles shrink them).
CKEDITOR_5_CUSTOM_CSS = "css/admin-editor.css"
CKEDITOR_5_CONFIGS = {
    "default": {
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "link",
                "|",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "insertImage",
                "insertTable",
                "|",
                "undo",
                "redo",
            ],
        },
        "heading": {
            "options": [
                # The page's <h1> is the title, so the body's headings start at <h2>. CKEditor
                # reads a pasted <h1> (Word's "Overskrift 1") as the model "heading1": that is
                # our h2, and each level below moves down one, so no pasted heading is lost.
                {"model": "paragraph", "title": "Paragraph", "class": "ck-heading_paragraph"},
                {
                    "model": "heading1",
                    "view": "h2",
                    "title": "Heading 2",
                    "class": "ck-heading_heading2",
                },
                {
                    "model": "heading2",
                    "view": "h3",
                    "title": "Heading 3",
                    "class": "ck-heading_heading3",
                },
                {
                    "model": "heading3",
                    "view": "h4",
                    "title": "Heading 4",
                    "class": "ck-heading_heading4",
                },
            ]
        },
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption"],
            # The file dialog offers what the server takes (common/uploads.py).
            "upload": {"types": ["jpeg", "png", "webp"]},
        },
        # Tables (pasted from Word too); common/richtext.py keeps them, with header cells.
        "table": {
            "contentToolbar": [
                "tableColumn",
                "tableRow",
                "mergeTableCells",
                "toggleTableCaption",
            ]
        },
        "link": {"defaultProtocol": "https://"},
        "language": "da",
    },
}

# WebSub (outreach/websub.py): every feed names a hub. By default the newsroom's own at
# /websub/, which pushes new feed content to its subscribers; WEBSUB_HUB_URL names an outside
# hub instead, which is then only pinged when a feed changes.
WEBSUB_HUB_URL = os.environ.get("WEBSUB_HUB_URL", "").strip()
# Subscriber callbacks on this machine or a private network (tests, an intranet); never the
# cloud's metadata addresses.
WEBSUB_ALLOW_PRIVATE_CALLBACKS = env_bool("WEBSUB_ALLOW_PRIVATE_CALLBACKS")

# The rounds of work the worker's clock starts (manage.py run_worker): each a task without
# arguments, queued again whenever none of its kind is waiting.
WORKER_ROUNDS = [
    "newsroom.alerts.deliver_alerts",
    "outreach.websub.deliver_pushes",
    "outreach.pitches.deliver_pitches",
]
# Pitch e-mails each worker sends a minute at most (0: as fast as the mail server takes them).
PITCH_MAILS_PER_MINUTE = int(os.environ.get("PITCH_MAILS_PER_MINUTE", "600"))

# Readers counted per release and day, without cookies or personal data (stats/): every answer
# passes the counting wrapper at the WSGI door; COUNT_READERS=0 switches it off.
COUNT_READERS = env_bool("COUNT_READERS", True)
WSGI_WRAPPERS = ["stats.wsgi.CountReaders"] if COUNT_READERS else []
# Counters are written to the database in one batch this often (seconds) per process.
COUNT_FLUSH_SECONDS = float(os.environ.get("COUNT_FLUSH_SECONDS", "10"))
