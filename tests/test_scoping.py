"""Scoping, generated from the URL configuration: every lead-facing URL (reports, exports,
certificate downloads, staff records) is requested by a lead of agency A with agency B's
ids, and by a content editor. A gets 403, 404 or a result with none of B's rows; editors get 403.
A new URL under these prefixes is tested without anyone having to remember to."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

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
