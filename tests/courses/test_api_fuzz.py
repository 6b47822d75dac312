"""Fuzz the reports API from its own OpenAPI schema with schemathesis's generated cases:
whatever the parameters, no response is a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from wagtail.models import APIToken

from cms.models import Agency
from courses.models import AgencyLead
from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def test_the_api_never_fails_whatever_it_is_sent(client):
    user = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code="housing"))
    token = APIToken.create_token(user=user, name="fuzz")[1]
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/training-numbers",
        "/api/v1/confidence",
        *(
            f"/api/v1/reports/{tab}"
            for tab in ["training", "confidence", "knowledge", "what-staff-miss", "sessions", "impact"]
        ),
    }
    seen = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        def check(case):
            response = client.get(case.formatted_path, case.query or {}, HTTP_AUTHORIZATION=f"Bearer {token}")
            seen.append(response.status_code)
            assert response.status_code < 500, (case.query, response.content[:300])

        check()
    assert 200 in seen and len(seen) >= 40
