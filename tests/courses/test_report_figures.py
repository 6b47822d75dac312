"""Every figure means what its label says: checked against the raw rows at the edges of a
period in London time (GMT and BST), never a rate over 100% or a share of nobody, and shown
with its definition on the page, in the export and in the board pack. Exports say which
agencies, period and day they were made for, and the staff list keeps to the period."""

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from cms.models import Agency
from courses import pairs, reports
from courses.models import Completion, Enrolment, LearnerProfile, PartnershipManager
from tests.courses.test_reports import finish, lead_for
from tests.export_reading import read_export
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Q1 = {"period": "custom", "from": "2026-01-01", "to": "2026-03-31"}  # 1 January GMT to 31 March BST


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


LONG_AGO = datetime(2025, 6, 1, tzinfo=UTC)


def backdate(learner, started, completed=None, registered=LONG_AGO):
    """Move a learner's enrolments and completions to the given moments (UTC)."""
    LearnerProfile.objects.filter(user=learner).update(created_at=registered)
    Enrolment.objects.filter(learner=learner).update(started_at=started, completed_at=completed)
    if completed:
        Completion.objects.filter(learner=learner).update(completed_at=completed)
    pairs.recount([learner.pk])  # the updates went round the tallies


def started_only(learner, course):
    from courses import services

    return services.enrol(learner, course)


@pytest.fixture
def quarter():
    """Housing in the first quarter of 2026, with moments either side of its edges in London.

    Four people started in December and completed in February, three started in February and
    have not finished: "3 started, 4 completed". One more started and finished in March, one
    finished at 23:30 UTC on 31 March (00:30 BST on 1 April: next quarter), one started at
    22:59 UTC on 31 March (23:59 BST: this quarter), one completed at 23:30 UTC on 31 December
    2025 (still 2025 in London, GMT), and one registered after the quarter completed in it."""
    course = make_course(lessons=1, title="Quarter course")
    people = {}
    for name in ["a", "b", "c", "d", "e", "f", "g", "h", "late", "edge", "eve", "newcomer"]:
        people[name] = make_learner("housing", last_name=f"Q-{name}")
    for name in ["a", "b", "c", "d", "h", "late", "eve", "newcomer"]:
        finish(people[name], course)
    for name in ["e", "f", "g", "edge"]:
        started_only(people[name], course)
    for name in ["a", "b", "c", "d"]:
        backdate(people[name], utc(2025, 12, 1, 10), utc(2026, 2, 10, 10))
    for name in ["e", "f", "g"]:
        backdate(people[name], utc(2026, 2, 3, 9))
    backdate(people["h"], utc(2026, 3, 2, 9), utc(2026, 3, 20, 9))
    backdate(people["late"], utc(2026, 3, 30, 9), utc(2026, 3, 31, 23, 30))
    backdate(people["edge"], utc(2026, 3, 31, 22, 59))
    backdate(people["eve"], utc(2025, 12, 20, 9), utc(2025, 12, 31, 23, 30))
    backdate(people["newcomer"], utc(2026, 3, 1, 9), utc(2026, 3, 5, 9), registered=utc(2026, 4, 2, 9))
    return course, people


def london_day(moment):
    return moment.astimezone(LONDON).date()


def test_headline_figures_match_the_raw_rows_at_london_period_edges(quarter):
    course, people = quarter
    period, _ = reports.period_from(Q1)
    numbers = reports.training_numbers(Agency.objects.filter(code="housing"), period, course)
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    enrolments = [
        e for e in Enrolment.objects.filter(course=course) if start <= london_day(e.started_at) <= end
    ]
    completions = [
        c for c in Completion.objects.filter(course=course) if start <= london_day(c.completed_at) <= end
    ]
    started = {e.learner_id for e in enrolments}
    finished = {
        e.learner_id
        for e in enrolments
        if hasattr(e, "completion") and london_day(e.completion.completed_at) <= end
    }
    assert numbers["enrolled"] == len(started) == 7  # e, f, g, h, late, edge and the newcomer
    assert numbers["completed"] == len({c.learner_id for c in completions}) == 6
    assert people["late"].pk not in {c.learner_id for c in completions}  # 1 April in London
    assert people["eve"].pk not in {c.learner_id for c in completions}  # 31 December in London
    assert people["edge"].pk in started  # 23:59 BST on 31 March
    # Of the courses started (one each here), those completed by the end of the period.
    assert numbers["courses_started"] == len(enrolments) == 7
    assert numbers["finished"] == len(finished) == 2  # h, and the newcomer
    assert numbers["completion_rate"] == round(100 * 2 / 7, 1)
    assert numbers["completion_rate"] <= 100
    assert [(row["month"].astimezone(LONDON).month, row["people"]) for row in numbers["per_month"]] == [
        (2, 4),
        (3, 2),
    ]


def test_the_old_133_percent_case_reads_no_more_than_100(quarter):
    """Three started in the quarter and four completed in it (having started before)."""
    course, people = quarter
    for name in ["h", "late", "edge", "newcomer"]:
        Enrolment.objects.filter(learner=people[name]).update(started_at=utc(2025, 1, 1))
        pairs.recount([people[name].pk])
    numbers = reports.training_numbers(
        Agency.objects.filter(code="housing"), reports.period_from(Q1)[0], course
    )
    assert (numbers["enrolled"], numbers["completed"]) == (3, 6)
    assert numbers["finished"] == 0 and numbers["completion_rate"] == 0.0


def test_a_rate_is_none_not_a_share_when_no_one_started(quarter):
    course, people = quarter
    period, _ = reports.period_from({"period": "custom", "from": "2024-01-01", "to": "2024-03-31"})
    numbers = reports.training_numbers(Agency.objects.filter(code="housing"), period, course)
    assert numbers["enrolled"] == 0 and numbers["completion_rate"] is None
    # Registered staff are not the workforce: no share of them is given at all.
    assert all("rate" not in row for row in numbers["by_agency"])
    assert "rate" not in numbers["all_agencies"]
    assert "rate" not in [column.key for column in reports.AGENCIES.columns]


def test_agencies_side_by_side_count_the_register_at_the_end_of_the_period(quarter):
    """Registered: profiles in the agency now made before the period's end. Completed: people
    who completed in the period in that agency (as recorded at completion), registered or not
    by the end of the period (the newcomer)."""
    course, people = quarter
    agencies = Agency.objects.filter(code__in=["housing", "police"])
    period, _ = reports.period_from(Q1)
    numbers = reports.training_numbers(agencies, period)
    end = period.bounds[1]
    rows = {row["agency"]: row for row in numbers["by_agency"]}
    for agency in agencies:
        register = LearnerProfile.objects.filter(agency=agency, created_at__lt=end)
        completed = {
            c.learner_id
            for c in Completion.objects.filter(agency=agency)
            if date(2026, 1, 1) <= london_day(c.completed_at) <= date(2026, 3, 31)
        }
        assert rows[agency.name]["registered"] == register.count()
        assert rows[agency.name]["completed"] == len(completed)
    assert rows["Housing"]["completed"] == 6  # a, b, c, d, h and the newcomer, registered after the quarter
    total = numbers["all_agencies"]
    assert total["registered"] == sum(r["registered"] for r in rows.values())
    assert total["completed"] == sum(r["completed"] for r in rows.values())


def test_definitions_sit_beside_the_figures_on_the_page_in_the_export_and_in_the_pdf(client, quarter):
    from pypdf import PdfReader

    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    page = BeautifulSoup(client.get("/leads/reports/", Q1).content, "html.parser")
    figures = page.select(".figures")[0].select("li")
    labels = [li.select_one(".figures__label").get_text(strip=True) for li in figures]
    assert labels == [label for _, label, _ in reports.HEADLINES]
    for li, (_, _, definition) in zip(figures, reports.HEADLINES, strict=True):
        assert definition in li.select_one(".figures__definition").get_text()
    assert "% of those who started" not in page.get_text()
    agencies_table = page.find("h2", string="Agencies side by side").find_next("table")
    assert agencies_table.caption.get_text(strip=True) == reports.AGENCIES.definition
    assert [th.get_text(strip=True) for th in agencies_table.select("thead th")] == reports.AGENCIES.headings
    assert agencies_table.tfoot.th.get_text(strip=True) == "All agencies"
    export = read_export(client.get("/leads/reports/", {**Q1, "export": "csv", "table": "summary"}))
    # Q1 2026 beside the quarter before it, whose dates the header states.
    assert export["about"]["Previous period"] == "1 October 2025 to 31 December 2025"
    headline = export["tables"]["Headline figures"]
    assert headline[0] == ["Measure", "Value", "Previous period", "Change", "What it counts"]
    assert [row[0] for row in headline[1:]] == labels and all(len(row[4]) > 30 for row in headline[1:])
    assert export["tables"]["Agencies side by side"][0] == reports.AGENCIES.headings
    assert export["tables"]["Agencies side by side"][-1][0] == "All agencies"
    pdf = client.get("/leads/reports/board-pack.pdf", Q1)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "of those who started" not in text
    assert "Of the courses started in the period, the share completed by the end of the period" in text
    assert "end of the period" in text and "Share of registered staff" not in text


def test_the_staff_list_and_its_export_keep_to_the_period(client, quarter):
    course, people = quarter
    client.force_login(lead_for("housing"))
    last_quarter = {"period": "custom", "from": "2025-10-01", "to": "2025-12-31"}

    def completed_column(params):
        page = BeautifulSoup(client.get("/leads/reports/", params).content, "html.parser")
        table = page.find("h2", string="Your staff").find_next("table")
        headings = [th.get_text(strip=True) for th in table.select("thead th")]
        shown = {
            tr.select("td")[1].get_text(strip=True): tr.select("td")[4].get_text(" ", strip=True)
            for tr in table.select("tbody tr")
        }
        export = read_export(client.get("/leads/reports/", {**params, "export": "csv", "table": "staff"}))
        exported_headings, *rows = export["tables"]["Your staff"]
        assert exported_headings == headings == reports.STAFF.headings
        return shown, {row[1]: row[4] for row in rows}

    shown, exported = completed_column(Q1)
    assert "Quarter course (10 February 2026)" in shown[people["a"].email] == exported[people["a"].email]
    assert shown[people["eve"].email] == "None in this period" and exported[people["eve"].email] == ""
    shown, exported = completed_column(last_quarter)
    # 23:30 UTC on 31 December 2025 is still 31 December in London (GMT).
    assert exported[people["eve"].email] == "Quarter course (31 December 2025)"
    assert exported[people["a"].email] == "" and shown[people["a"].email] == "None in this period"


def test_every_export_names_its_agencies_period_and_the_day_it_was_made(client, quarter):
    client.force_login(lead_for("housing"))
    made = timezone.localdate()
    for url, params, name in [
        ("/leads/reports/", {"table": "summary"}, "training-numbers"),
        ("/leads/reports/", {"table": "staff"}, "staff"),
        ("/leads/reports/confidence/", {}, "confidence"),
        ("/leads/reports/quiz/", {"table": "questions"}, "what-staff-miss-questions"),
    ]:
        for kind in ("csv", "xlsx"):
            export = read_export(client.get(url, {**Q1, **params, "export": kind}))
            assert export["filename"] == f"{name}_housing_2026-q1_made-{made:%Y-%m-%d}.{kind}"
            assert export["about"]["Agencies"] == "Housing"
            assert export["about"]["Period"] == "1 January 2026 to 31 March 2026"
            assert export["about"]["Made on"] == f"{made.day} {made:%B %Y}"
            assert (
                export["about"]["Course"] == "All courses" and export["about"]["Job role"] == "All job roles"
            )
    refreshers = read_export(
        client.get("/leads/reports/", {"export": "csv", "table": "refreshers", "due": "60"})
    )
    assert refreshers["filename"] == f"refreshers-due_housing_due-within-60-days_made-{made:%Y-%m-%d}.csv"
    assert refreshers["about"]["Period"].startswith("Overdue or due within 60 days of")


def test_the_summary_export_has_the_pages_columns_for_every_table(client, quarter):
    client.force_login(lead_for("housing"))
    page = BeautifulSoup(client.get("/leads/reports/", Q1).content, "html.parser")
    export = read_export(client.get("/leads/reports/", {**Q1, "export": "xlsx", "table": "summary"}))
    for title in ["Completions per month", "By course", "By job role"]:
        table = page.find("h2", string=title).find_next("table")
        headings = [th.get_text(strip=True) for th in table.select("thead th")]
        rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
        assert export["tables"][title] == [headings, *rows], title
    assert export["tables"]["Completions per month"][0] == ["Month", "People", "Completions"]
    assert export["tables"]["Completions per month"][1:] == [
        ["February 2026", "4", "4"],
        ["March 2026", "2", "2"],
    ]


def test_the_manager_gets_all_agencies_in_the_file_name(client, quarter):
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    export = read_export(client.get("/leads/reports/", {**Q1, "export": "csv", "table": "summary"}))
    assert export["filename"].startswith("training-numbers_all-agencies_2026-q1_made-")
    page = BeautifulSoup(client.get("/leads/reports/", Q1).content, "html.parser")
    table = page.find("h2", string="Agencies side by side").find_next("table")
    shown = [[cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.select("tr")]
    assert export["tables"]["Agencies side by side"] == [
        [v if v != "–" else "" for v in row] for row in shown
    ]
    assert export["about"]["Agencies"] == ", ".join(
        a.name for a in Agency.objects.order_by("sort_order", "name")
    )
    pdf = client.get("/leads/reports/board-pack.pdf", Q1)
    assert 'filename="board-pack_all-agencies_2026-q1_made-' in pdf["Content-Disposition"]


@pytest.mark.parametrize("huge", [2**63, 2**63 + 1, 10**30])
def test_ids_too_large_for_any_database_are_not_found(client, huge):
    client.force_login(lead_for("housing"))
    assert client.get(f"/leads/reports/staff/{huge}/").status_code == 404
    learner = make_learner("housing")
    client.force_login(learner)
    assert client.post(f"/my/courses/{huge}/start/").status_code == 404
    assert client.post(f"/my/courses/{2**63 - 1}/start/").status_code == 404  # an id, but no course


def test_the_privacy_notice_says_what_a_lead_sees_about_one_person(client, quarter):
    notice = BeautifulSoup(client.get("/privacy/").content, "html.parser").select_one(".privacy-notice")
    text = " ".join(notice.get_text(" ").split())
    client.force_login(lead_for("housing"))
    course, people = quarter
    record = BeautifulSoup(client.get(f"/leads/reports/staff/{people['a'].pk}/").content, "html.parser")
    shown = [th.get_text(strip=True) for th in record.select("thead th")]
    assert "Quiz score" in shown
    named = {
        "Course": "each course you started and completed",
        "Status": "each course you started and completed",
        "Started": "each course you started and completed, when",
        "Completed": "each course you started and completed, when",
        "Lessons done": "how many of its lessons you have done",
        "Quiz score": "your score in each course's quiz",
        "Refresher due": "when your refresher is due",
        "Certificate": "your certificates",
    }
    assert set(shown) == set(named)
    for heading in shown:
        assert named[heading] in text, heading
    assert "Survey and quiz results are only reported for groups of five" not in text
    assert "your answers to each quiz question" in text
