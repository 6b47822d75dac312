"""The anonymous page cache: a Wagtail page a visitor who is not signed in has seen is served
to the next one from the cache (Redis in production), without touching the database.

Wagtail's own page-cache library (wagtail-cache) stops at Wagtail 7, so this is Django's
cache framework with the rules a safeguarding site needs:

- Only Wagtail pages (marked by the `before_serve_page` hook in cms/wagtail_hooks.py) without
  view restrictions, only GET requests, only visitors who are not signed in and have no
  message waiting, only 200 responses that set no cookie, left the session alone and used no
  CSRF token (a page with a form is never kept: its token belongs to one visitor).
- Every entry is filed under a generation: publishing, unpublishing, moving or deleting a
  page, saving or deleting anything of the cms app (its snippets and settings), a site, a
  document, an image or a view restriction starts a new one once the change is committed,
  so the next visitor sees it. The generation is read before the page is rendered, so a
  page rendered from data older than a change can only be filed under the generation that
  change ended.
- Cached pages say `Cache-Control: public, max-age=PAGE_CACHE_BROWSER_SECONDS` (short: a
  browser's copy cannot be purged) and keep `Vary: Cookie`, so a browser or proxy never gives
  a signed-in visitor her anonymous copy.

PAGE_CACHE_SECONDS (0: off, as in development and tests) is how long an entry is kept;
`manage.py purge_page_cache` starts a new generation by hand (after a deploy changes templates).
"""

import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.cache import patch_cache_control
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import BaseViewRestriction, Page, Site
from wagtail.signals import post_page_move

GENERATION_KEY = "page-cache:generation"
PAGE_MARK = "_anonymous_page_cache"  # set on the request by the before_serve_page hook
SHOWN_ON_PAGES = (
    Page,
    BaseSiteSetting,
    BaseGenericSetting,
    Site,
    AbstractDocument,
    AbstractImage,
    BaseViewRestriction,
)


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def _generation():
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def _entry_key(request, generation):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page-cache:{generation}:{address}"


def _anonymous_without_messages(request):
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not messages.get_messages(request)
    )


def _may_keep(request, response):
    return (
        getattr(request, PAGE_MARK, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and not messages.get_messages(request)
    )


class AnonymousPageCacheMiddleware:
    """Serves and keeps anonymous copies of Wagtail pages. It comes after the session,
    authentication and message middleware (it asks who the visitor is and whether a message
    waits for her) and before nothing that changes a page's body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _anonymous_without_messages(request):
            return self.get_response(request)
        key = _entry_key(request, _generation())
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if _may_keep(request, response):
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_BROWSER_SECONDS)
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response


def mark_cacheable(page, request):
    """Called for every Wagtail page served: a page behind a password, a sign-in or a group
    is never kept, even for the visitor who may see it."""
    if enabled() and not request.user.is_authenticated:
        setattr(request, PAGE_MARK, not page.get_view_restrictions().exists())


def purge():
    """Start a new generation, so every page is rendered afresh."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _shows_on_pages(model):
    """Pages, and what pages show: the public site's own models (resources, helplines, local
    contacts, agencies, the partnership's settings), sites, documents, images and who may
    see a page."""
    return model._meta.app_label == "cms" or issubclass(model, SHOWN_ON_PAGES)


def _purge_after_commit(**kwargs):
    # Robust: a cache that is down must not fail an editor's save (its entries expire).
    transaction.on_commit(purge, robust=True)


def connect():
    """Per model, not for all senders: a post_delete receiver for every model would stop
    Django's fast deletes of the large tables (answers, completions)."""
    for model in apps.get_models():
        if _shows_on_pages(model):
            uid = f"page_cache_{model._meta.label}"
            post_save.connect(_purge_after_commit, sender=model, dispatch_uid=f"{uid}_save")
            post_delete.connect(_purge_after_commit, sender=model, dispatch_uid=f"{uid}_delete")
    post_page_move.connect(_purge_after_commit, dispatch_uid="page_cache_move")
