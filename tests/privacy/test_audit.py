"""The audit log: who viewed or exported whose personal data, one query however many people,
readable and filterable in Wagtail's Site history for administrators only, and written by
every page and download that shows or takes away a named person's record."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from cms.models import Agency
from privacy import audit
from tests.export_reading import read_export
from tests.factories import make_learner
from workforce.models import StaffListEntry

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _content_types_known():
    """Django caches content types per process: counted queries are the log's own."""
    ContentType.objects.get_for_model(User)


def demo(username):
    return User.objects.get(username=username)


def entries(action=None):
    found = ModelLogEntry.objects.filter(action__in=audit.ACTIONS)
    return found.filter(action=action) if action else found


def logged(action=None):
    """(actor's username, subject's account number, what) for each entry."""
    return sorted(
        (entry.user.username if entry.user else None, int(entry.object_id), entry.data["what"])
        for entry in entries(action).select_related("user")
    )


def test_one_entry_per_person_sharing_one_uuid(django_assert_num_queries):
    lead = demo("lead.housing@example.org")
    people = [make_learner("housing") for _ in range(3)]
    with django_assert_num_queries(1):
        count = audit.log(
            lead, [people[0], people[1].pk, people[2], people[0].pk], audit.EXPORTED, "A list, CSV"
        )
    assert count == 3
    made = list(entries())
    assert {e.object_id for e in made} == {str(p.pk) for p in people}
    assert {e.label for e in made} == {f"Account {p.pk}" for p in people}
    assert len({e.uuid for e in made}) == 1 and made[0].uuid is not None
    assert {e.user_id for e in made} == {lead.pk}
    assert {e.content_type.model for e in made} == {"user"}
    assert not any(e.content_changed or e.deleted for e in made)
    assert list(audit.entries_about(people[1])) == [e for e in made if e.object_id == str(people[1].pk)]


def test_an_export_of_thousands_is_one_query(django_assert_num_queries):
    """SQLite allows 999 parameters in a statement: the ids go as one."""
    with django_assert_num_queries(1):
        assert audit.log(None, range(1, 5001), audit.EXPORTED, "Everyone, XLSX") == 5000
    assert entries().count() == 5000
    assert entries().filter(user__isnull=True).count() == 5000


def test_nobody_to_log_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert audit.log(None, [], audit.VIEWED, "Nothing") == 0
        assert audit.log_by_email(None, ["", None], audit.EXPORTED, "Nothing") == 0


def test_by_email_logs_the_accounts_only_ignoring_case(django_assert_num_queries):
    one = make_learner("housing", email="Mixed.Case@Example.org")
    two = make_learner("housing")
    emails = ["mixed.case@example.ORG", two.email.upper(), "no.account@example.org", two.email]
    with django_assert_num_queries(1):
        assert audit.log_by_email(None, emails, audit.EXPORTED, "Who is not covered, CSV") == 2
    assert logged() == [(None, one.pk, "Who is not covered, CSV"), (None, two.pk, "Who is not covered, CSV")]


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        audit.log(None, [1], "privacy.peek", "Nothing")
    assert not entries().exists()


def test_the_actions_have_readable_labels_and_messages():
    choices = dict(registry.get_choices())
    assert choices[audit.VIEWED] == "Viewed staff record"
    assert choices[audit.EXPORTED] == "Exported personal data"
    assert choices[audit.ANONYMISED] == "Anonymised account"
    audit.log(None, [make_learner("housing")], audit.EXPORTED, "Staff progress, CSV")
    assert registry.get_formatter(entries().get()).format_message(entries().get()) == (
        "Exported personal data: Staff progress, CSV"
    )


SITE_HISTORY = "/admin/reports/site-history/"


def test_administrators_read_and_filter_the_entries_in_site_history(client):
    learner = make_learner("housing")
    lead = demo("lead.housing@example.org")
    audit.log(lead, [learner], audit.VIEWED, "Training record")
    audit.log(lead, [learner], audit.EXPORTED, "Staff progress, XLSX")
    client.force_login(demo("admin@example.org"))
    page = BeautifulSoup(client.get(SITE_HISTORY).content, "html.parser")
    rows = [" ".join(row.get_text(" ").split()) for row in page.select("tbody tr")]
    label = f"Account {learner.pk}"
    assert any(label in row and "Viewed staff record: Training record" in row for row in rows)
    assert any(label in row and "Exported personal data: Staff progress, XLSX" in row for row in rows)
    options = {box["value"]: box.parent.get_text(strip=True) for box in page.select('input[name="action"]')}
    assert options[audit.EXPORTED] == "Exported personal data"
    filtered = BeautifulSoup(client.get(SITE_HISTORY, {"action": audit.EXPORTED}).content, "html.parser")
    rows = [" ".join(row.get_text(" ").split()) for row in filtered.select("tbody tr")]
    assert rows and all("Exported personal data" in row for row in rows)


@pytest.mark.parametrize(
    "username", ["editor@example.org", "approver@example.org", "lead.housing@example.org"]
)
def test_leads_and_editors_cannot_see_the_entries(client, username):
    learner = make_learner("housing", first_name="Zelda", last_name="Quartermaine")
    audit.log(demo("manager@example.org"), [learner], audit.EXPORTED, "Staff progress, CSV")
    client.force_login(demo(username))
    response = client.get(SITE_HISTORY)
    assert response.status_code in (200, 302, 403)
    body = response.content.decode()
    assert f"Account {learner.pk}" not in body and "Exported personal data" not in body
    export = client.get(SITE_HISTORY, {"export": "csv"})
    assert f"Account {learner.pk}".encode() not in b"".join(
        export.streaming_content if export.streaming else [export.content]
    )


# -- every page and download that shows or takes away a named person's record logs it -----


def accounts_named(response, title):
    """The account ids of the people a download lists by email, read from the file itself."""
    headings, *rows = read_export(response)["tables"][title]
    column = next(i for i, heading in enumerate(headings) if "email" in heading.lower())
    emails = {row[column].lower() for row in rows if row[column]}
    return {user.pk for user in User.objects.all() if user.email.lower() in emails}, len(rows)


def subjects(action=audit.EXPORTED):
    return {int(entry.object_id) for entry in entries(action)}


def test_a_lead_opening_a_staff_record_is_logged(client):
    lead, learner = demo("lead.housing@example.org"), demo("learner.health@example.org")
    housing = make_learner("housing")
    client.force_login(lead)
    assert client.get(f"/leads/reports/staff/{housing.pk}/").status_code == 200
    assert logged(audit.VIEWED) == [(lead.username, housing.pk, "Training record")]
    assert client.get(f"/leads/reports/staff/{learner.pk}/").status_code == 404  # not hers: nothing seen
    assert logged() == [(lead.username, housing.pk, "Training record")]
    client.force_login(demo("manager@example.org"))
    assert client.get(f"/leads/reports/staff/{learner.pk}/").status_code == 200
    assert ("manager@example.org", learner.pk, "Training record") in logged(audit.VIEWED)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_staff_download_logs_everyone_in_it(client, kind):
    lead = demo("lead.housing@example.org")
    make_learner("housing")
    client.force_login(lead)
    response = client.get("/leads/reports/", {"period": "this_year", "export": kind, "table": "staff"})
    named, rows = accounts_named(response, "Your staff")
    assert rows >= 2 and subjects() == named
    assert {entry.user_id for entry in entries()} == {lead.pk}
    assert {entry.data["what"] for entry in entries()} == {f"Training numbers: your staff, {kind.upper()}"}
    assert entries().values("uuid").distinct().count() == 1  # one download, one event


def test_the_refresher_download_logs_each_person_due_once(client, complete):
    due = [complete(agency="housing", refresher_months=1) for _ in range(2)]
    client.force_login(demo("lead.housing@example.org"))
    response = client.get("/leads/reports/", {"export": "csv", "table": "refreshers", "due": "90"})
    named, rows = accounts_named(response, "Overdue or due within 90 days")
    assert rows >= 2 and {c.learner_id for c in due} <= named
    assert subjects() == named


def test_the_staff_progress_download_logs_the_accounts_in_it_not_the_unregistered(client):
    client.force_login(demo("lead.housing@example.org"))
    response = client.get("/leads/reports/staff-progress/", {"export": "xlsx"})
    headings, *rows = read_export(response)["tables"]["Staff progress"]
    state = headings.index("State")
    assert any(row[state] == "Not registered" for row in rows)  # the demo's list has some
    named, _ = accounts_named(response, "Staff progress")
    assert named and subjects() == named
    assert {entry.data["what"] for entry in entries()} == {"Staff progress, XLSX"}


def test_the_not_covered_download_logs_the_accounts_in_it(client):
    person = make_learner("housing", email="Not.Covered@Example.org")
    StaffListEntry.objects.create(
        agency=Agency.objects.get(code="housing"),
        email="not.covered@example.org",
        name="Nat Covered",
        job_role="housing",
    )
    client.force_login(demo("lead.housing@example.org"))
    response = client.get("/leads/reports/coverage/", {"export": "csv", "table": "not-covered"})
    named, rows = accounts_named(response, "Who is not covered")
    assert person.pk in named
    assert subjects() == named


def test_certificate_downloads_by_a_lead_or_an_administrator_are_logged(client, complete):
    first, second = complete(agency="housing"), complete(agency="housing")
    lead, admin = demo("lead.housing@example.org"), demo("admin@example.org")
    client.force_login(first.learner)
    assert client.get(f"/my/certificates/{first.certificate.pk}/pdf/").status_code == 200
    assert not entries().exists()  # her own
    client.force_login(lead)
    assert client.get(f"/leads/certificates/{first.certificate.pk}/pdf/").status_code == 200
    code = first.certificate.display_code
    assert logged() == [(lead.username, first.learner_id, f"Certificate {code}, PDF")]
    ModelLogEntry.objects.all().delete()
    assert client.get("/leads/certificates/download.zip").status_code == 200
    holders = set(
        Certificate.objects.filter(completion__agency__code="housing", revoked_at__isnull=True).values_list(
            "completion__learner", flat=True
        )
    )
    assert {first.learner_id, second.learner_id} <= subjects() == holders
    ModelLogEntry.objects.all().delete()
    client.force_login(admin)
    assert client.get(f"/admin/certificates/{second.certificate.pk}/pdf/").status_code == 200
    assert logged() == [
        (admin.username, second.learner_id, f"Certificate {second.certificate.display_code}, PDF")
    ]


def test_an_administrator_opening_or_downloading_certificates_is_logged(client, complete):
    completion = complete(agency="police")
    admin = demo("admin@example.org")
    client.force_login(admin)
    certificate = completion.certificate
    assert client.get(f"/admin/certificates/{certificate.pk}/").status_code == 200
    assert logged() == [(admin.username, completion.learner_id, f"Certificate {certificate.display_code}")]
    ModelLogEntry.objects.all().delete()
    response = client.get("/admin/certificates/", {"export": "xlsx"})
    assert response.status_code == 200
    holders = set(Certificate.objects.values_list("completion__learner", flat=True))
    assert completion.learner_id in holders and subjects() == holders
    assert {entry.data["what"] for entry in entries()} == {"Certificates, XLSX"}


@pytest.mark.parametrize(
    "url, params",
    [
        ("/leads/reports/", {"period": "this_year", "export": "csv"}),
        ("/leads/reports/confidence/", {"export": "csv"}),
        ("/leads/reports/coverage/", {"export": "xlsx"}),
        ("/leads/reports/trends/", {"export": "csv"}),
        ("/leads/reports/quiz/", {"export": "csv"}),
        ("/leads/reports/board-pack.pdf", {}),
    ],
)
def test_figures_for_groups_are_not_logged(client, url, params):
    client.force_login(demo("manager@example.org"))
    assert client.get(url, params).status_code in (200, 400)
    assert not entries().exists()


def test_logging_keeps_the_downloads_flat_in_queries(client, django_assert_num_queries):
    """One INSERT for the log however many people: the same number of queries with two more
    people on Housing's staff list, in each download."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    housing = Agency.objects.get(code="housing")
    client.force_login(demo("manager@example.org"))
    downloads = [
        ("/leads/reports/", {"period": "this_year", "export": "csv", "table": "staff"}),
        ("/leads/reports/staff-progress/", {"export": "csv"}),
        ("/leads/reports/coverage/", {"export": "csv", "table": "not-covered"}),
    ]
    for url, params in downloads:
        client.get(url, params)  # warm the session and site caches
        with CaptureQueriesContext(connection) as few:
            client.get(url, params)
        for _ in range(2):
            person = make_learner("housing")
            StaffListEntry.objects.create(
                agency=housing, email=person.email, name="New Person", job_role="housing"
            )
        ModelLogEntry.objects.all().delete()
        with django_assert_num_queries(len(few)):
            client.get(url, params)
        assert person.pk in subjects(), url
