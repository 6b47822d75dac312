"""Reports and exports read from a replica of the database when REPLICA_DATABASE_URL names one.

The partnership's reports read many rows and write almost nothing; a streaming replica carries
that load and leaves the primary to the learners. Every page marked as a report
(`courses.decorators.report_view`, and the reports API) reads from the replica for the length
of its request and of its streamed download; everything else, every write and every
migration stays on the primary.

A replica is a little behind the primary. A lead who has just finished a course and opens her
report must see it, so for REPLICA_LAG_WINDOW seconds after a request of hers wrote to the
database her reports read from the primary ("read your own writes"). A replica that cannot be
reached is left out: the report reads from the primary as if none were set, and the process
does not try it again for REPLICA_RETRY_SECONDS, so that a replica that is down costs one
connection timeout, not one per report."""

import logging
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import FileResponse, StreamingHttpResponse

REPLICA = "replica"
# A cookie, signed and timed, not the session: a learner's every write would otherwise cost
# an UPDATE of her session too.
WROTE = "wrote_recently"
SAFE_METHODS = ("GET", "HEAD")

logger = logging.getLogger(__name__)

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)
_replica_down_until = 0.0  # time.monotonic() before which this process does not try the replica
_WRITE = re.compile(r"\s*(?:WITH\b.*?\b)?(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE | re.DOTALL)


class ReplicaRouter:
    """Reads go to the replica only inside `reading_from_replica()`; writes always go to the
    primary, even for a row that was read from the replica (an audit entry written while a
    report is exported, for instance). Migrations never run on the replica, which copies the
    primary's schema by itself."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


def replica_is_configured():
    return REPLICA in settings.DATABASES


def replica_is_reachable():
    """Connect to the replica (at once when already connected); False, with a warning in the
    log, when it is down, so that the report reads from the primary instead of failing, and
    then False without trying for REPLICA_RETRY_SECONDS."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "The read replica cannot be reached; reading from the primary for the next %s seconds: %s",
            settings.REPLICA_RETRY_SECONDS,
            error,
        )
        return False
    return True


@contextmanager
def _replica_reads_on():
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


@contextmanager
def reading_from_replica():
    """Reads in this block (in this thread) go to the replica, when one is set and up; it
    yields whether they do. A background task that builds an export can use it too."""
    if not (replica_is_configured() and replica_is_reachable()):
        yield False
        return
    with _replica_reads_on():
        yield True


def wrote_recently(request):
    """Whether a request of this person wrote to the database within REPLICA_LAG_WINDOW
    seconds, so that the replica may not have her write yet: her signed cookie says when
    (an older signature, or none, reads as None)."""
    window = settings.REPLICA_LAG_WINDOW
    return request.get_signed_cookie(WROTE, default=None, salt=WROTE, max_age=window) is not None


def _streamed_from_replica(chunks):
    """A streamed download's rows are read after the view has returned, one chunk at a time:
    each chunk is read from the replica too."""
    chunks = iter(chunks)
    while True:
        with _replica_reads_on():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def replica_reads(view):
    """A view that reads from the replica: a GET or HEAD (a form's POST reads what it is about
    to change from the primary) by someone who has not written within the lag window."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS or not replica_is_configured() or wrote_recently(request):
            return view(request, *args, **kwargs)
        with reading_from_replica() as from_replica:
            response = view(request, *args, **kwargs)
        streamed = isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse)
        if from_replica and streamed and not response.is_async:  # a file is sent as it is
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapped


class ReadYourWritesMiddleware:
    """Gives a signed-in person a cookie when a request of hers wrote to the primary (an
    INSERT, UPDATE or DELETE: completing a course, submitting a quiz, saving a form), for
    `replica_reads`. Audit entries written while a report is read from the replica are not
    her data and do not count. Installed only when a replica is set (cms/settings/base.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote = []

        def watch(execute, sql, params, many, context):
            if not wrote and not _reading_replica.get() and _WRITE.match(sql):
                wrote.append(True)
            return execute(sql, params, many, context)

        with connections[DEFAULT_DB_ALIAS].execute_wrapper(watch):
            response = self.get_response(request)
        if wrote and request.user.is_authenticated:
            response.set_signed_cookie(
                WROTE,
                "1",
                salt=WROTE,
                max_age=settings.REPLICA_LAG_WINDOW,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
