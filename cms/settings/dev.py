"""Local development: safe defaults, nothing secret, console email."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-f3c9b1f0a1d64c3f8b0e"  # noqa: S105 (development only)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Emails (registration links) appear in the terminal; EMAIL_FILE_PATH writes each to a file in
# that folder instead, where the browser tests read them.
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
