"""The replica's router and decorator on their own, and reports with no replica set (as in
the rest of the suite): on SQLite and PostgreSQL alike."""

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from cms.db_routers import ReplicaRouter, reading_from_replica
from courses.models import AgencyLead
from tests.factories import make_learner

router = ReplicaRouter()


def test_migrations_never_run_on_the_replica():
    assert router.allow_migrate("replica", "courses", "completion") is False
    assert router.allow_migrate("default", "courses", "completion") is None  # Django's own rules


def test_writes_always_go_to_the_primary():
    # Those made while a report reads the replica too: see the audit entries in test_streaming_replica.
    assert router.db_for_write(AgencyLead) == "default"


@pytest.mark.django_db
def test_without_a_replica_a_report_reads_the_primary(client, complete):
    assert "replica" not in settings.DATABASES and "replica" not in connections
    completion = complete(agency="housing", first_name="Ada", last_name="Early")
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(completion.agency)
    client.force_login(lead)
    with reading_from_replica():  # what a report view enters: with no replica, nothing changes
        assert router.db_for_read(AgencyLead) == "default"
    response = client.get(reverse("courses:report_training"))
    assert response.status_code == 200
    assert "Ada Early" in response.content.decode()
