"""The reports API: tokens, scoping, the same figures as the reports, and its schema."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import APIToken

from cms.models import Agency
from courses import pairs, reports
from courses.models import AgencyLead, Completion, PartnershipManager
from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def lead_token(code):
    user = make_learner(code)
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user, APIToken.create_token(user=user, name="dashboard")[1]


def get(client, url, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, params, **headers)


def completed_last_month(completions):
    """Move the completions to the 15th of last month and return last month's first and last
    days: confidence figures count a month only once it has ended."""
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    mid_month = datetime.combine(end.replace(day=15), time(12), timezone.get_current_timezone())
    Completion.objects.filter(pk__in=[c.pk for c in completions]).update(completed_at=mid_month)
    pairs.recount(c.learner_id for c in completions)  # the update went round the tallies
    return {"start": end.replace(day=1).isoformat(), "end": end.isoformat()}


def test_figures_match_the_reports_and_are_scoped(client, complete):
    made = [complete(agency="housing") for _ in range(2)] + [complete(agency="police")]
    user, token = lead_token("housing")
    body = get(client, "/api/v1/training-numbers", token, period="this_year").json()
    period, _ = reports.period_from({"period": "this_year"})
    expected = reports.training_numbers(Agency.objects.filter(code="housing"), period)
    assert body["agencies"] == ["Housing"]
    assert (body["registered"], body["completed"]) == (expected["registered"], expected["completed"])
    assert [row["agency"] for row in body["by_agency"]] == ["Housing"]
    confidence = get(client, "/api/v1/confidence", token, **completed_last_month(made)).json()
    assert confidence["overall"]["withheld"] is True and confidence["overall"]["people"] is None


def test_tokens(client):
    user, token = lead_token("housing")
    assert get(client, "/api/v1/training-numbers").status_code == 401
    assert get(client, "/api/v1/training-numbers", "wagtail_not-a-real-token").status_code == 401
    assert get(client, "/api/v1/training-numbers", token).status_code == 200
    APIToken.objects.filter(user=user).update(revoked_at="2026-01-01T00:00:00Z")
    assert get(client, "/api/v1/training-numbers", token).status_code == 401
    learner = make_learner("housing")
    _, learner_token = APIToken.create_token(user=learner, name="x")
    assert get(client, "/api/v1/confidence", learner_token).status_code == 403
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    _, manager_token = APIToken.create_token(user=manager, name="board")
    body = get(client, "/api/v1/training-numbers", manager_token).json()
    assert len(body["agencies"]) == Agency.objects.count()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "<script>"},
        {"start": "not-a-date"},
        {"course": "abc"},
        {"course": "99999999"},
        {"course": str(2**70)},
        {"course": "-3"},
        {"start": "2026-01-01", "end": "1999-01-01"},
    ],
)
def test_odd_parameters_never_500(client, params):
    user, token = lead_token("housing")
    assert get(client, "/api/v1/training-numbers", token, **params).status_code in (200, 400, 422)
    assert get(client, "/api/v1/confidence", token, **params).status_code in (200, 400, 422)


@pytest.mark.parametrize(
    "dates",
    [
        {"start": "2026-01-01", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "2026-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"start": "2026-03-31", "end": "2026-01-01"},
        {"start": "2026-01-01"},
    ],
)
def test_dates_out_of_range_or_reversed_are_400_with_a_message(client, dates):
    user, token = lead_token("housing")
    for url in ["/api/v1/training-numbers", "/api/v1/confidence"]:
        response = get(client, url, token, **dates)
        assert response.status_code == 400, (url, dates)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"].startswith(("Enter", "The end date")), response.json()


def test_confidence_is_for_whole_months_and_training_numbers_for_any_days(client):
    user, token = lead_token("housing")
    days = {"start": "2026-01-01", "end": "2026-01-17"}
    assert get(client, "/api/v1/training-numbers", token, **days).status_code == 200
    refused = get(client, "/api/v1/confidence", token, **days)
    assert refused.status_code == 400 and "whole months" in refused.json()["detail"]
    months = {"start": "2026-01-01", "end": "2026-02-28"}
    assert get(client, "/api/v1/confidence", token, **months).status_code == 200


def test_every_headline_figure_comes_with_its_definition(client):
    user, token = lead_token("housing")
    body = get(client, "/api/v1/training-numbers", token).json()
    for key in ["registered", "enrolled", "completed", "completion_rate", "median_days", "by_agency"]:
        assert len(body["definitions"][key]) > 20, key
    assert body["all_agencies"]["agency"] == "All agencies"


def test_the_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    tabs = ["training", "confidence", "what-staff-miss", "knowledge", "sessions", "impact"]
    assert set(schema["paths"]) == {
        "/api/v1/training-numbers",
        "/api/v1/confidence",
        *(f"/api/v1/reports/{tab}" for tab in tabs),
    }
    assert "BearerTokenAuth" in schema["components"]["securitySchemes"]
    # Each table's rows are described by its declared columns: headings as titles, definitions.
    rows = schema["components"]["schemas"]["TrainingAgenciesRow"]["properties"]
    assert [rows[column.key]["title"] for column in reports.AGENCIES.columns] == reports.AGENCIES.headings
    p_value = schema["components"]["schemas"]["ConfidenceAgenciesRow"]["properties"]["p"]
    assert "Wilcoxon" in p_value["description"]


def test_a_lead_makes_and_revokes_a_token_on_her_profile(client):
    user, _ = lead_token("housing")
    client.force_login(user)
    page = client.post("/accounts/api-tokens/", {"name": "Board dashboard"})
    key = page.context["new_key"]
    assert key and get(client, "/api/v1/training-numbers", key).status_code == 200
    token = APIToken.objects.get(user=user, name="Board dashboard")
    client.post("/accounts/api-tokens/", {"revoke": token.pk})
    assert get(client, "/api/v1/training-numbers", key).status_code == 401
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    assert client.get("/accounts/api-tokens/").status_code == 403


def test_a_token_name_with_direction_controls_is_refused_and_nothing_is_made(client):
    user, _ = lead_token("housing")
    client.force_login(user)
    page = client.post("/accounts/api-tokens/", {"name": "Board \u202edraobhsad"})
    assert page.status_code == 200 and page.context["new_key"] is None
    assert "change the direction of the text" in page.content.decode()
    assert not APIToken.objects.filter(user=user, name__startswith="Board").exists()


def test_confidence_by_agency_and_job_role_filter(client, complete):
    made = [complete(agency="housing") for _ in range(5)]
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    token = APIToken.create_token(user=manager, name="board")[1]
    period, _ = reports.period_from({"period": "this_year"})
    other_role = get(client, "/api/v1/training-numbers", token, period="this_year", job_role="police").json()
    assert (
        other_role["completed"]
        == reports.training_numbers(Agency.objects.all(), period, job_role="police")["completed"]
    )
    month = completed_last_month(made)
    body = get(client, "/api/v1/confidence", token, **month).json()
    rows = {row["agency"]: row["before_after"] for row in body["by_agency"]}
    assert len(rows) == Agency.objects.count()
    last_month = reports.Period(date.fromisoformat(month["start"]), date.fromisoformat(month["end"]))
    expected = reports.confidence(Agency.objects.filter(code="housing"), last_month)["overall"]
    assert rows["Housing"]["people"] == expected.pairs >= 5
    assert rows["Housing"]["median_after"] == expected.median_after
    assert get(client, "/api/v1/confidence", token, job_role="<script>").status_code == 200
