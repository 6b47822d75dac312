"""Scoping, generated from the URL configuration: every lead-facing URL (reports, exports,
certificate downloads, staff records) is requested by a lead of agency A with agency B's
ids, and by a content editor. A gets 403, 404 or a result with none of B's rows; editors get 403.
A new URL under these prefixes is tested without anyone having to remember to.

The privacy and identity pages (and allauth's, under /accounts/) are found by the module that
declares them and requested anonymously, by a learner with another learner's ids, by a lead
and by an editor: never a 500, never the other learner's name or email, and admin-only pages
refused."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cms.models import Agency
from courses.models import AgencyLead
from tests.factories import make_learner
from workforce.models import StaffListUpload

pytestmark = pytest.mark.django_db

SCOPED_PREFIXES = ("leads/", "my/certificates/", "api/v1/")
SCHEMA_ONLY = {"api/v1/openapi.json", "api/v1/"}  # the schema, and the (disabled) docs page: no data


def scoped_routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from scoped_routes(pattern.url_patterns, route)
        elif (
            isinstance(pattern, URLPattern) and route.startswith(SCOPED_PREFIXES) and route not in SCHEMA_ONLY
        ):
            yield route


def fill(route, ids):
    """The route with agency B's ids: `ids` maps a parameter name to a value. A download's
    `kind` is the one its view makes: the board pack a PDF, the staff list template a CSV."""
    ids = {"kind": "pdf" if "board-pack" in route else "csv", **ids}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route.lstrip("^").rstrip("$"))


def test_the_generator_finds_the_lead_urls():
    routes = list(scoped_routes())
    assert "leads/reports/" in routes and "leads/certificates/<id:pk>/pdf/" in routes
    assert "my/certificates/<id:pk>/pdf/" in routes
    assert "leads/reports/staff/<id:user_id>/" in routes


def test_a_lead_of_one_agency_never_sees_anothers_rows(client, complete):
    theirs = complete(agency="police", first_name="Zebedee", last_name="Zanzibar")
    lead = make_learner("housing")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    editor = get_user_model().objects.get(username="editor@example.org")
    from wagtail.models import APIToken

    _, token = APIToken.create_token(user=lead, name="scoping")
    _, editor_token = APIToken.create_token(user=editor, name="scoping")
    their_upload = StaffListUpload.objects.create(agency=theirs.agency, file_name="police.csv")
    their_workforce = {"agency": theirs.agency.code, "upload_id": their_upload.pk}
    for route in scoped_routes():
        url = fill(route, {"pk": theirs.certificate.pk, "user_id": theirs.learner_id, **their_workforce})
        api = route.startswith("api/")
        for params in ({"period": "this_year"}, {"period": "this_year", "export": "csv"}):
            client.force_login(lead)
            response = client.get(url, params, **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if api else {}))
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            if response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert b"Zanzibar" not in body and theirs.certificate.code.encode() not in body, url
            client.force_login(editor)
            as_editor = {"HTTP_AUTHORIZATION": f"Bearer {editor_token}"} if api else {}
            assert client.get(url, params, **as_editor).status_code in (403, 404), url
            if not re.search(r"<(?:\w+:)?\w+>", route):
                assert client.get(url, params, **as_editor).status_code == 403, url


# -- the privacy and identity pages (issue 16): found by the module that declares them -------

NEW_MODULES = ("identity", "privacy", "allauth")
OTHER = {"first_name": "Zebedee", "last_name": "Zanzibar", "email": "zebedee.zanzibar@example.org"}


def identity_and_privacy_routes(patterns=None, prefix="", modules=()):
    """`(route, pattern, name)` for every URL that the identity and privacy apps or allauth
    declare, wherever it is mounted (their own URL modules, /accounts/, Wagtail's admin), read
    from the resolver: a page added to any of them is tested here without a list to update."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            module = pattern.urlconf_name if isinstance(pattern.urlconf_name, str) else ""
            names = (*modules, (module, pattern.namespace))
            yield from identity_and_privacy_routes(pattern.url_patterns, route, names)
        else:
            declared = [module for module, _ in modules] + [getattr(pattern.callback, "__module__", "")]
            if any(module and module.split(".")[0] in NEW_MODULES for module in declared):
                namespaces = [namespace for _, namespace in modules if namespace]
                name = ":".join([*namespaces, pattern.name]) if pattern.name else None
                yield route, pattern, name


def url_for(route, pattern, name, other):
    """The URL, with the other learner's id wherever it takes an id, and nonsense for keys and
    tokens (a forged or stale link)."""
    params = list(pattern.pattern.regex.groupindex)
    if not params:
        return "/" + route
    values = {
        param: other.pk if param in ("pk", "id") or param.endswith("_id") and param != "provider_id" else "x1"
        for param in params
    }
    return reverse(name, kwargs=values)


def admin_only(route):
    return route.startswith("admin/")


def test_the_generator_finds_the_identity_privacy_and_allauth_urls():
    routes = {route for route, _, _ in identity_and_privacy_routes()}
    assert {
        "privacy/",
        "accounts/two-step-sign-in/",
        "accounts/2fa/",
        "accounts/2fa/totp/activate/",
    } <= routes
    assert any(route.startswith("accounts/oidc/") for route in routes)
    assert (
        "accounts/profile/" not in routes and "leads/reports/" not in routes
    )  # the site's own, tested above


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_identity_or_privacy_url_shows_another_persons_record_or_fails():
    """Anonymous, a learner (with another learner's ids), a lead and an editor: never a 500,
    never the other learner's name or email, and admin-only pages refused to all of them.
    Each GET, and a POST where the URL names someone, changes nothing of hers."""
    from django.test import Client

    other = make_learner(
        "police", email=OTHER["email"], first_name=OTHER["first_name"], last_name=OTHER["last_name"]
    )
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    people = {
        "anonymous": None,
        "learner": make_learner("housing"),
        "lead": lead,
        "editor": get_user_model().objects.get(username="editor@example.org"),
    }
    for route, pattern, name in identity_and_privacy_routes():
        url = url_for(route, pattern, name, other)
        takes_ids = url != "/" + route
        for who, user in people.items():
            client = Client()  # a 500 raises here
            if user:
                client.force_login(user)
            for method in ("get", "post") if takes_ids else ("get",):
                response = getattr(client, method)(url)
                assert response.status_code < 500, (who, method, url)
                body = body_of(response)
                for value in OTHER.values():
                    assert value.encode() not in body, (who, method, url, value)
                if admin_only(route):
                    assert response.status_code in (302, 403, 404, 405), (who, method, url)
    other.refresh_from_db()
    assert (other.first_name, other.last_name, other.email, other.is_active) == (*OTHER.values(), True)
