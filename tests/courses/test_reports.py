"""Reports for leads: scoped, right against the raw rows, small groups withheld, exports
that match the page and cannot carry spreadsheet formulas."""

import io
from datetime import datetime, time, timedelta
from statistics import median

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from scipy.stats import wilcoxon

from cms.models import Agency
from courses import pairs, reports, services
from courses.exports import neutralise
from courses.models import AgencyLead, Completion, PartnershipManager, SurveyItem
from tests.export_reading import read_export
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


def lead_for(code):
    user = make_learner(code, job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


def finish(learner, course, before=2, after=4):
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before", before))
    finish_lesson(enrolment, lessons_of(course)[0])
    services.submit_survey(enrolment, "after", survey_ratings("after", after))
    return enrolment.completion


def last_month_params():
    """Last month, whole and ended: the confidence report counts a month only once it has ended."""
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    return {"period": "custom", "from": end.replace(day=1).isoformat(), "to": end.isoformat()}


def completed_last_month(learners):
    """Move the learners' registration to the 1st of last month and their completions to the 15th."""
    from courses.models import LearnerProfile

    day = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    LearnerProfile.objects.filter(user__in=learners).update(created_at=datetime.combine(day, time(9), zone))
    mid_month = datetime.combine(day.replace(day=15), time(12), zone)
    Completion.objects.filter(learner__in=learners).update(completed_at=mid_month)
    pairs.recount(learner.pk for learner in learners)  # the update went round the tallies


@pytest.fixture
def staff():
    course = make_course(lessons=1, title="Report course")
    housing = [make_learner("housing", last_name=f"H{n}") for n in range(7)]
    police = [make_learner("police", job_role="police", last_name=f"P{n}") for n in range(3)]
    for n, learner in enumerate(housing[:6]):
        finish(learner, course, before=2, after=2 + n % 3)
    for learner in police:
        finish(learner, course)
    return course, housing, police


def test_training_numbers_match_the_raw_rows(staff):
    course, housing, police = staff
    agencies = Agency.objects.filter(code="housing")
    period, _ = reports.period_from({"period": "this_year"})
    numbers = reports.training_numbers(agencies, period, course=course)
    raw = Completion.objects.filter(agency__code="housing", course=course)
    assert numbers["completed"] == raw.values("learner").distinct().count() == 6
    assert numbers["enrolled"] == 6
    assert numbers["completion_rate"] == 100.0
    assert sum(row["completions"] for row in numbers["per_month"]) == raw.count()
    assert numbers["by_job_role"] == [{"job_role_label": "Housing officer", "people": 6}]


def test_confidence_matches_an_independent_pairing(staff):
    course, housing, police = staff
    period, _ = reports.period_from({"period": "this_year"})
    result = reports.confidence(Agency.objects.filter(code="housing"), period, course)
    before, after = [2] * 6, [2 + n % 3 for n in range(6)]  # as the fixture rated them
    expected = wilcoxon(after, before, zero_method="pratt", method="approx")
    assert len(result["items"]) == SurveyItem.objects.filter(active=True).count()
    for row in result["items"]:
        assert row["change"].pairs == 6
        assert row["change"].p_value == pytest.approx(expected.pvalue)
        assert row["change"].r == pytest.approx(abs(expected.zstatistic) / 6**0.5)
        assert (row["change"].median_before, row["change"].median_after) == (2, 3)
    assert result["overall"].pairs == 6 and result["overall"].p_value == pytest.approx(expected.pvalue)


def test_a_lead_sees_only_her_agency_and_others_get_403(client, staff):
    course, housing, police = staff
    client.force_login(lead_for("police"))
    soup = BeautifulSoup(
        client.get("/leads/reports/", {"period": "this_year", "course": course.pk}).content, "html.parser"
    )
    tables = " ".join(t.get_text(" ") for t in soup.select("table"))
    assert "Housing officer" not in tables and "Police officer or staff" in tables
    assert soup.select_one(".figures").get_text(" ").count("3") >= 1
    completed_last_month(housing + police)
    soup = BeautifulSoup(client.get("/leads/reports/confidence/", last_month_params()).content, "html.parser")
    assert "fewer than 5" in soup.get_text()  # three police officers: withheld
    for user in [make_learner("housing"), get_user_model().objects.get(username="editor@example.org")]:
        client.force_login(user)
        assert client.get("/leads/reports/").status_code == 403
        assert client.get("/leads/reports/confidence/", {"export": "csv"}).status_code == 403


def test_the_partnership_manager_sees_every_agency(client, staff):
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    response = client.get("/leads/reports/", {"period": "this_year", "export": "csv"})
    assert response.status_code == 200


def test_exports_match_the_page_and_neutralise_formulas(client, staff):
    course, housing, police = staff
    Completion.objects.filter(learner=housing[0]).update(expires_on=timezone.localdate() + timedelta(days=20))
    get_user_model().objects.filter(pk=housing[0].pk).update(first_name='=HYPERLINK("http://x")')
    client.force_login(lead_for("housing"))
    xlsx = client.get("/leads/reports/", {"period": "this_year", "export": "xlsx", "table": "refreshers"})
    (rows,) = read_export(xlsx)["tables"].values()
    assert rows[0][0] == "Name" and len(rows) == 2
    assert rows[1][0].startswith("'=HYPERLINK")
    csv_export = client.get(
        "/leads/reports/", {"period": "this_year", "export": "csv", "table": "refreshers"}
    )
    (rows,) = read_export(csv_export)["tables"].values()
    assert rows[1][0].startswith("'=")
    completed_last_month(housing + police)
    conf = read_export(client.get("/leads/reports/confidence/", {**last_month_params(), "export": "xlsx"}))
    page = BeautifulSoup(client.get("/leads/reports/confidence/", last_month_params()).content, "html.parser")
    first_row = [td.get_text(strip=True) for td in page.select("table tbody tr")[0].select("td")]
    first_table = next(iter(conf["tables"].values()))
    assert first_table[1][1] == first_row[0]  # people with both ratings
    for value in ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "plain"]:
        assert neutralise(value) == (value if value == "plain" else "'" + value)


def test_periods(client):
    from datetime import date

    today = date(2026, 11, 21)

    def dates(params):
        period = reports.period_from(params, today)[0]
        return period.start, period.end

    assert dates({}) == (date(2026, 10, 1), date(2026, 12, 31))
    assert dates({"period": "last_quarter"}) == (date(2026, 7, 1), date(2026, 9, 30))
    assert dates({"period": "this_year"}) == (date(2026, 1, 1), date(2026, 12, 31))
    assert dates({"period": "custom", "from": "2026-02-01", "to": "2026-05-01"}) == (
        date(2026, 2, 1),
        date(2026, 5, 1),
    )


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"period": "custom", "from": "junk", "to": "2026-01-01"}, "Enter the start and end dates"),
        ({"period": "custom", "from": "2026-01-01"}, "Enter the start and end dates"),
        (
            {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"},
            "from 1 January 2000 to 31 December 2099",
        ),
        (
            {"period": "custom", "from": "0001-01-01", "to": "2026-01-01"},
            "from 1 January 2000 to 31 December 2099",
        ),
        (
            {"period": "custom", "from": "0001-01-01", "to": "9999-12-31"},
            "from 1 January 2000 to 31 December 2099",
        ),
        (
            {"period": "custom", "from": "2026-05-01", "to": "2026-02-01"},
            "end date must be the same as or after",
        ),
        ({"period": "custom", "from": "2000-01-01", "to": "2099-12-31"}, "ten years or less"),
        ({"period": "<script>"}, "Choose a period from the list"),
    ],
)
def test_periods_that_cannot_be_reported_say_what_to_put_right(params, problem):
    from datetime import date

    period, message = reports.period_from(params, date(2026, 11, 21))
    assert period is None and problem in message


REPORT_URLS = ["/leads/reports/", "/leads/reports/confidence/", "/leads/reports/quiz/"]


def test_out_of_range_dates_give_400_with_the_form_on_every_report_export_and_the_pdf(client):
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    urls = [
        *REPORT_URLS,
        *(url + "?export=csv" for url in REPORT_URLS),
        "/leads/reports/?export=xlsx&table=staff",
        "/leads/reports/quiz/?export=xlsx&table=traffic",
        "/leads/reports/board-pack.pdf",
        "/leads/reports/board-pack.docx",
    ]
    for dates in [
        {"from": "2026-01-01", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "2026-03-31"},
        {"from": "0001-01-01", "to": "0001-01-01"},
        {"from": "9999-12-31", "to": "9999-12-31"},
        {"from": "2026-03-31", "to": "2026-01-01"},
        {"from": "31/12/2026", "to": "2026-01-01"},
    ]:
        for url in urls:
            response = client.get(url, {"period": "custom", **dates})
            assert response.status_code == 400, (url, dates)
            page = BeautifulSoup(response.content, "html.parser")
            summary = page.select_one("main .error-summary")
            assert summary and "There is a problem" in summary.get_text(), (url, dates)
            assert page.title.get_text().startswith("Error: ")
            assert page.select_one(f"#{summary.select_one('a')['href'].removeprefix('#')}").name == "input"
            assert page.select_one("form.report-filters select#period")
            assert not page.select("table"), url  # no figures for a period that cannot be reported


def test_report_query_counts_are_the_same_at_50_and_500_staff(client):
    import io as _io

    from django.core.management import call_command

    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    urls = [
        "/leads/reports/?period=this_year",
        "/leads/reports/confidence/?period=this_year",
        "/leads/reports/quiz/?period=this_year",
        "/leads/reports/quiz/?period=this_year&export=xlsx&table=traffic",
        "/leads/reports/confidence/?period=this_year&export=csv",
        "/leads/reports/?period=this_year&export=csv&table=summary",
    ]

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    call_command("seed_scale", staff=50, stdout=_io.StringIO())
    small = [queries(url) for url in urls]
    call_command("seed_scale", staff=500, remove=True, stdout=_io.StringIO())
    large = [queries(url) for url in urls]
    assert small == large


def test_staff_list_and_summary_exports_match_the_raw_rows(client, staff):
    course, housing, police = staff
    client.force_login(lead_for("housing"))
    export = read_export(client.get("/leads/reports/", {"export": "xlsx", "table": "staff"}))
    headings, *rows = export["tables"]["Your staff"]
    from courses.models import LearnerProfile

    assert len(rows) == LearnerProfile.objects.filter(agency__code="housing").count()
    done = {r[1]: r[4] for r in rows}
    assert "Report course" in done[housing[0].email] and not done[housing[6].email]
    summary = read_export(
        client.get("/leads/reports/", {"period": "this_year", "export": "csv", "table": "summary"})
    )
    period, _ = reports.period_from({"period": "this_year"})
    numbers = reports.training_numbers(Agency.objects.filter(code="housing"), period)
    headline = {row[0]: row[1:] for row in summary["tables"]["Headline figures"][1:]}
    assert headline["Staff who completed a course"][0] == str(numbers["completed"])
    page = BeautifulSoup(client.get("/leads/reports/", {"period": "this_year"}).content, "html.parser")
    assert f"{numbers['completed']}" in page.select_one(".figures").get_text()


def test_the_manager_sees_agencies_side_by_side_matching_raw_counts(client, staff):
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    soup = BeautifulSoup(client.get("/leads/reports/", {"period": "this_year"}).content, "html.parser")
    table = next(
        t for t in soup.select("table") if "Agencies side by side" in t.find_previous("h2").get_text()
    )
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    assert len(rows) == Agency.objects.count()
    from courses.models import LearnerProfile

    for code, name in [("housing", "Housing"), ("police", "Police")]:
        registered = LearnerProfile.objects.filter(agency__code=code).count()
        completed = Completion.objects.filter(agency__code=code).values("learner").distinct().count()
        assert rows[name][:2] == [str(registered), str(completed)]
    assert "Reports" in [a.get_text() for a in soup.select(".site-nav a")]


def test_each_person_counts_once_in_the_confidence_figures():
    first, second = make_course(lessons=1), make_course(lessons=1)
    learners = [make_learner("other") for _ in range(5)]  # the demo "other" learner has not started
    for learner in learners:
        finish(learner, first, before=1, after=2)
        finish(learner, second, before=3, after=5)
    period, _ = reports.period_from({"period": "this_year"})
    result = reports.confidence(Agency.objects.filter(code="other"), period)
    assert result["overall"].pairs == 5
    assert all(row["change"].pairs == 5 for row in result["items"])
    assert result["overall"].median_before == 3 and result["overall"].median_after == 5  # the later course


def pdf_text(response):
    from pypdf import PdfReader

    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages
    )


def test_administrators_make_someone_a_lead_in_the_admin_and_editors_cannot(client):
    user = make_learner("housing", job_role="manager")
    admin = get_user_model().objects.get(username="admin@example.org")
    client.force_login(admin)
    housing, police = Agency.objects.get(code="housing"), Agency.objects.get(code="police")
    response = client.post(
        "/admin/snippets/courses/agencylead/add/", {"user": user.pk, "agencies": [housing.pk, police.pk]}
    )
    assert response.status_code == 302
    assert set(AgencyLead.objects.get(user=user).agencies.all()) == {housing, police}
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    assert client.get("/admin/snippets/courses/agencylead/").status_code in (302, 403)


def test_report_pages_have_plain_titles(client):
    client.force_login(lead_for("housing"))
    for url in ["/leads/reports/", "/leads/reports/confidence/", "/leads/reports/quiz/"]:
        title = BeautifulSoup(client.get(url).content, "html.parser").title.get_text()
        assert "<" not in title and len(title) < 120, url


def test_odd_course_parameters_are_ignored_not_errors(client):
    client.force_login(lead_for("housing"))
    for value in [str(2**70), "-1", "abc", "0", "1e9"]:
        for url in ["/leads/reports/", "/leads/reports/confidence/", "/leads/reports/quiz/"]:
            assert client.get(url, {"course": value}).status_code == 200, (url, value)


def test_the_looking_back_comparison_matches_scipy(staff):
    course, housing, police = staff
    period, _ = reports.period_from({"period": "this_year"})
    result = reports.confidence(Agency.objects.filter(code="housing"), period, course)
    after = [2 + n % 3 for n in range(6)]
    looking_back = [max(1, a - 1) for a in after]  # as the factory rates it: one below "after"
    expected = wilcoxon(after, looking_back, zero_method="pratt", method="approx")
    for row in result["items"]:
        assert row["looking_back"].pairs == 6 and row["looking_back"].median_before == median(looking_back)
        assert row["looking_back"].p_value == pytest.approx(expected.pvalue)
        assert row["looking_back"].r == pytest.approx(abs(expected.zstatistic) / 6**0.5)


def test_confidence_by_agency_and_by_job_role(staff):
    course, housing, police = staff
    period, _ = reports.period_from({"period": "this_year"})
    everyone = Agency.objects.filter(code__in=["housing", "police"])
    result = reports.confidence(everyone, period, course)
    by_agency = {row["agency"].code: row["change"] for row in result["by_agency"]}
    assert by_agency["housing"].pairs == 6 and by_agency["police"].pairs == 3
    assert by_agency["police"].suppressed and by_agency["police"].published() == ["fewer than 5"] * 8
    assert result["overall"].pairs == 9
    assert reports.confidence(everyone, period, course, job_role="police")["overall"].pairs == 3
    assert reports.confidence(everyone, period, course, job_role="housing")["overall"].pairs == 6


def figure(value):
    """A cell compared as a number where it is one: the page writes "0.20" and "1,234" where the
    download has 0.2 and 1234."""
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return value


def test_the_confidence_page_and_its_export_hold_the_same_figures(client, staff):
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    params = {"period": "this_year"}
    page = BeautifulSoup(client.get("/leads/reports/confidence/", params).content, "html.parser")
    shown = []
    for table in page.select("table"):
        for tr in table.select("tbody tr"):
            cells = [td.get_text(strip=True).rstrip("%") for td in tr.select("td")]
            if cells == ["fewer than 5 people"]:
                cells = ["fewer than 5"] * 8
            shown.append([table.caption.get_text(strip=True), tr.th.get_text(strip=True), *cells])
    export = read_export(client.get("/leads/reports/confidence/", {**params, "export": "csv"}))
    exported = [[title, *row] for title, (headings, *rows) in export["tables"].items() for row in rows]
    assert [[figure(value or "–") for value in row] for row in exported] == [
        [figure(value) for value in row] for row in shown
    ]
    for table in page.select("table"):  # the same columns as the page
        headings = [th.get_text(strip=True) for th in table.select("thead th")]
        assert export["tables"][table.caption.get_text(strip=True)][0] == headings
    sections = set(export["tables"])
    assert "Overall, by agency" in sections and any(s.startswith("Looking back") for s in sections)
    police = next(row for row in exported if row[1] == "Police")
    assert police[2:] == ["fewer than 5"] * 8  # three officers


def test_median_days_matches_the_raw_rows(staff):
    from courses.models import Enrolment

    course, housing, police = staff

    period, _ = reports.period_from({"period": "this_year"})
    for days, enrolment in enumerate(Enrolment.objects.order_by("pk"), start=1):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            started_at=enrolment.started_at - timedelta(days=days * 3)
        )
    pairs.rebuild()  # the updates went round the tallies
    for code, people in [("housing", 6), ("police", 3)]:  # an even and an odd number of completions
        raw = Completion.objects.filter(agency__code=code, course=course).select_related("enrolment")
        assert raw.count() == people
        # Each duration to the nearest tenth of a day, then the middle one or two.
        expected = median(
            round((c.completed_at - c.enrolment.started_at).total_seconds() / 86400, 1) for c in raw
        )
        numbers = reports.training_numbers(Agency.objects.filter(code=code), period, course)
        assert numbers["median_days"] == round(expected, 1)

    # A session attended is done on its day: its enrolment (made when the register closed,
    # after the session) must not pull the e-learning's median down, or below zero.
    from training import attendance, booking
    from training.models import Booking, TrainingSession

    session = TrainingSession.objects.create(
        course=course,
        starts_at=timezone.now() + timedelta(hours=1),
        duration_minutes=60,
        capacity=5,
        live=True,
    )
    place = booking.book(session, make_learner("police", job_role="police"))
    Booking.objects.filter(pk=place.pk).update(attendance="attended")
    attendance.complete(place)
    assert Completion.objects.filter(agency__code="police", course=course).count() == 4
    numbers = reports.training_numbers(Agency.objects.filter(code="police"), period, course)
    assert numbers["median_days"] == round(expected, 1)  # the three e-learning completions' median


def test_refreshers_due_within_30_60_90_days_match_the_raw_rows(client, staff):
    course, housing, police = staff
    today = timezone.localdate()
    for days, learner in zip([-5, 10, 20, 45, 80, 200], housing, strict=False):
        Completion.objects.filter(learner=learner).update(expires_on=today + timedelta(days=days))
    pairs.rebuild()  # the updates went round the tallies
    agencies = Agency.objects.filter(code="housing")
    raw = Completion.objects.filter(agency__code="housing")
    counts = reports.refresher_counts(agencies)
    assert counts["overdue"] == raw.filter(expires_on__lt=today).count() == 1
    for days, count in counts["windows"]:
        assert count == raw.filter(expires_on__lte=today + timedelta(days=days)).count()
    assert [count for _, count in counts["windows"]] == [3, 4, 5]
    assert reports.refresher_counts(agencies, job_role="police") == {
        "overdue": 0,
        "windows": [(30, 0), (60, 0), (90, 0)],
    }
    client.force_login(lead_for("housing"))
    for due, expected in [("30", 3), ("60", 4), ("90", 5), ("9999", 5), ("<b>", 5)]:
        page = BeautifulSoup(client.get("/leads/reports/", {"due": due}).content, "html.parser")
        table = page.find("h2", id="refreshers").find_next("table")
        assert len(table.select("tbody tr")) == expected, due
        export = read_export(
            client.get("/leads/reports/", {"due": due, "export": "csv", "table": "refreshers"})
        )
        (rows,) = export["tables"].values()
        assert len(rows) == expected + 1
    summary = read_export(client.get("/leads/reports/", {"export": "csv", "table": "summary"}))
    assert summary["tables"]["Due a refresher"] == [
        ["Measure", "Completions"],
        ["Already overdue", "1"],
        *[[f"Overdue or due within {d} days", str(n)] for d, n in [(30, 3), (60, 4), (90, 5)]],
    ]


def test_a_lead_opens_one_member_of_staffs_record(client, staff):
    from certificates.issuing import issue

    course, housing, police = staff
    completion = Completion.objects.get(learner=housing[0], course=course)
    issue(completion)  # the fixture does not run what waits for the commit
    client.force_login(lead_for("housing"))
    listing = BeautifulSoup(client.get("/leads/reports/").content, "html.parser")
    link = listing.find("a", string=housing[0].get_full_name())
    assert link["href"] == f"/leads/reports/staff/{housing[0].pk}/"
    page = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    row = next(tr for tr in page.select("tbody tr") if tr.th.get_text(strip=True) == "Report course")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == "Completed" and completion.completed_at.strftime("%-d %B %Y") in cells[3]
    assert f"/leads/certificates/{completion.certificate.pk}/pdf/" in str(row)
    assert "rating" not in page.get_text().lower()  # group figures only
    # Another agency's member of staff, someone with no profile, and a made-up id: not found.
    for user_id in [police[0].pk, lead_for("police").pk, 999999]:
        assert client.get(f"/leads/reports/staff/{user_id}/").status_code == 404
    client.force_login(make_learner("housing"))
    assert client.get(f"/leads/reports/staff/{housing[0].pk}/").status_code == 403
    # The same number of queries for a person with one course as with three.
    client.force_login(lead_for("housing"))
    url = f"/leads/reports/staff/{housing[0].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for extra in [make_course(lessons=1), make_course(lessons=1)]:
        issue(finish(housing[0], extra))
    with CaptureQueriesContext(connection) as three:
        body = client.get(url).content.decode()
    assert body.count("/leads/certificates/") == 3
    assert len(three) == len(one)
