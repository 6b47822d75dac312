"""Production: every secret and site-specific value comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL, REDIS_URL (the shared cache),
WAGTAILADMIN_BASE_URL (the admin's address in Wagtail's emails).
Optional: TRUSTED_PROXY_COUNT (reverse proxies in front of the site), EMAIL_URL parts
(EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL),
CSRF_TRUSTED_ORIGINS, CONN_MAX_AGE, PAGE_CACHE_SECONDS, PAGE_CACHE_BROWSER_SECONDS.

Database connections persist: each gunicorn worker (or thread) keeps its connection for
CONN_MAX_AGE seconds (default 60; 0 opens one per request, as before), checked before reuse
(CONN_HEALTH_CHECKS), so a restarted PostgreSQL costs one failed check, not an error page.
Keep workers × threads (plus the task worker) below PostgreSQL's max_connections, or put a
pooler in front. On PostgreSQL the site's connections run with JIT compilation off: the
reports' correlated subqueries (the latest completion per person and course) are planned as
costly at scale, so JIT compiled them anew on every request, which made the refresher query
18 times slower at 100,000 staff; the index on completions (learner, course, completed_at)
serves that subquery instead.

Read replica (optional): REPLICA_DATABASE_URL names a streaming replica of DATABASE_URL
(e.g. postgres://slh:...@replica-host:5432/slh). Report pages, exports, PDFs and the reports
API then read from it (cms/db_routers.py); every write and all other pages use the primary,
and migrations never run on it. A replica that cannot be reached (3 s to connect) is logged
and the report reads the primary; the process tries it again after REPLICA_RETRY_SECONDS
(default 30). REPLICA_LAG_WINDOW (seconds, default 30): for this long
after a request of hers wrote, a person's reports read the primary, so her own fresh
completion shows however far the replica lags; set it above the replica's usual lag
(`SELECT now() - pg_last_xact_replay_timestamp()` on the replica).

The public site's address, printed on certificates, is the default site in Settings › Sites;
`check --deploy` fails while it is a local one (certificates/checks.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
_required("DATABASE_URL")  # base.py has already parsed it into DATABASES
for _database in DATABASES.values():  # noqa: F405  (the primary, and the read replica if set)
    _database.update(CONN_MAX_AGE=int(os.environ.get("CONN_MAX_AGE", "60")), CONN_HEALTH_CHECKS=True)
WAGTAILADMIN_BASE_URL = _required("WAGTAILADMIN_BASE_URL")  # never base.py's development default

# Rate limits (registration, password reset, the verify page) count in this cache: every
# gunicorn process must see the same counts, so a per-process memory cache will not do.
# django-axes keeps its sign-in failures in the database, which is shared already.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _required("REDIS_URL"),
    }
}

# Anonymous visitors' pages come from the cache until something they show changes (cms/page_cache.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "60"))

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "links": {"BACKEND": "django_tasks_db.DatabaseBackend"},  # a saved resource's URL, checked by the worker
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview shows the page in a same-origin frame, so frames stay SAMEORIGIN
# (CSP frame-ancestors 'self' says the same); Django's check would prefer DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]  # noqa: F405
