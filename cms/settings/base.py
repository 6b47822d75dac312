"""Settings shared by every environment; `dev`, `test` and `production` adjust them."""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

# Apps that build on `cms` come first so their templates can fill its slots (for example
# `includes/account_nav.html`): cms itself never imports them.
INSTALLED_APPS = [
    "training",
    "privacy",
    "identity",
    "workforce",
    "certificates",
    "quizzes",
    "courses",
    "cms",
    "content_fixtures",
    "polymorphic",
    "links",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # thousands separated on the pages: "12,000 people"
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "identity.middleware.TwoStepRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "cms.page_cache.AnonymousPageCacheMiddleware",  # after the visitor and her messages are known
]

# The anonymous page cache (cms/page_cache.py), in the default cache: seconds a page is kept
# (0: off, as in development and tests) and seconds a browser may keep its own copy.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_BROWSER_SECONDS = 60

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # work accounts and codes
]
# Pause an account after repeated failed sign-ins, from whichever IP addresses they came (a
# lock per address and account let four addresses make twenty guesses), for a while only.
# django-axes compares the largest count over its parameter sets with one limit, so a
# username-and-address set beside this one could never be reached first. Its warning W006
# is about locks that rotating a User-Agent or cookie escapes; one per account escapes none.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# How many reverse proxies of the site's own stand in front of it (0: none, and
# X-Forwarded-For is ignored). Every lock and limit reads the visitor's address through
# cms.client_address; rate limits count in the default cache (Redis in production).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "cms.client_address.client_ip"
RATELIMIT_IP_META_KEY = "cms.client_address.client_ip"

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL via psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# A streaming replica of that database, when REPLICA_DATABASE_URL names one: reports and exports
# read from it (cms/db_routers.py), everything else uses the primary. For REPLICA_LAG_WINDOW
# seconds after a request of hers wrote, a person's reports read the primary, which has her
# write even when the replica is behind. Tests never make a database of their own on the
# replica: it mirrors the primary's.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,  # a kept connection to a replica that has restarted is dropped
        test_options={"MIRROR": "default"},
    )
    # A replica that is down answers at once; one that is unreachable must not hold a report long.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["cms.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "cms.db_routers.ReadYourWritesMiddleware",
    )
REPLICA_LAG_WINDOW = int(os.environ.get("REPLICA_LAG_WINDOW", "30"))
# After the replica could not be reached, how long a process reads the primary before trying it again.
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
# PostgreSQL's JIT compiler made the refresher query 18x slower at 100,000 staff, and the tally
# recounts' queries several times slower: every connection runs without it (primary and
# replica; development, tests and production alike, so that what is measured is what runs).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"  # 21 November 2026
SHORT_DATE_FORMAT = "j M Y"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAILADMIN_LOGIN_URL = "courses:login"  # the one sign-in page, which asks for the second step
WAGTAIL_SITE_NAME = "Safeguarding Learning Hub"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# An approved change is published by its approver, who has no publish permission of her own.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow_actions.publish_approved"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILEMBEDS_FINDERS = []  # no oEmbed lookups: the site makes no outbound requests
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # admin avatars would otherwise load from gravatar.com
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# The one list of rich-text features every editor and block uses.
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": RICH_TEXT_FEATURES},
    }
}

# Content Security Policy: everything comes from this site, and no inline script runs
# (cms.middleware lets Wagtail's admin have its own); Wagtail admin needs inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Background work (certificate PDFs): run at once in development and tests; production
# uses the database queue and `manage.py db_worker` (see production.py). A saved resource's
# link check ("links") is queued and run by production's worker; in development and tests
# nothing fetches the internet behind your back (`manage.py check_links` checks on demand).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "links": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
}

# Downloads (courses.downloads): more rows than this and a download is made in the background
# and listed on "Your downloads" (a CSV streams, but would still hold a web worker while it
# is read); certificate ZIPs from this many certificates. Made files are kept for this long.
EXPORT_BACKGROUND_ROWS = int(os.environ.get("EXPORT_BACKGROUND_ROWS", "5000"))
EXPORT_BACKGROUND_CERTIFICATES = int(os.environ.get("EXPORT_BACKGROUND_CERTIFICATES", "200"))
DOWNLOADS_KEPT_HOURS = int(os.environ.get("DOWNLOADS_KEPT_HOURS", "24"))

# The link checker (links/checker.py), run daily by `manage.py check_links` and on saving a resource.
LINK_CHECK_TIMEOUT = 10  # seconds a site has to answer one request
LINK_CHECK_CONCURRENCY = 20  # requests in flight at once, all sites together
LINK_CHECK_HOST_INTERVAL = 0.5  # seconds between two requests to the same site (2 at once at most)
LINK_CHECK_MAX_AGE = 20  # hours: a working link checked more recently waits for the next run
LINK_CHECK_ALLOWED_PRIVATE = []  # "host:port" on a private address it may fetch (tests' local servers only)

# django-allauth (identity): emails confirmed, work accounts (OpenID Connect providers are
# configured by administrators in Settings › Work accounts), two-step sign-in. The site's own
# registration and sign-in pages stay the way in; allauth's are for its further steps.
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"  # signing in is allowed; starting a course needs it confirmed
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners open links: confirming takes a button
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
SOCIALACCOUNT_AUTO_SIGNUP = False  # a first sign-in with a work account asks for agency and job role
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a work account with a verified email finds its account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # only a button (a POST) starts a sign-in with a work account
SOCIALACCOUNT_STORE_TOKENS = False  # nothing is fetched from a provider after sign-in
SOCIALACCOUNT_FORMS = {"signup": "identity.forms.WorkAccountSignupForm"}  # agency, job role, privacy
MFA_ADAPTER = "identity.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
MFA_TOTP_TOLERANCE = 1  # the code before and after too: a phone's clock may be a little out
MFA_ALLOW_UNVERIFIED_EMAIL = True  # an administrator who made an account has vouched for it

LOGIN_URL = "courses:login"
LOGIN_REDIRECT_URL = "courses:my_learning"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
