"""The Coverage report: coverage of each agency's workforce on the period's last day beside the
previous period's, checked against counts made here from the raw rows (staff list entries,
headcounts, profiles and completions), at a quarter's end in British Summer Time and in GMT;
its downloads read back with csv and openpyxl; scoped to the lead's agencies; flat in queries
however many staff."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from cms.models import Agency
from courses.models import AgencyLead, Completion, CoursePage, LearnerProfile
from tests.export_reading import read_export
from tests.factories import make_learner
from tests.workforce.helpers import record_completion
from workforce import tallies
from workforce.models import CoverageTarget, Headcount, StaffListEntry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
URL = "/leads/reports/coverage/"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
# Quarters ending in British Summer Time (30 September) and in GMT (31 December).
QUARTERS = {
    "bst": (date(2026, 7, 1), date(2026, 9, 30), date(2026, 6, 30)),
    "gmt": (date(2025, 10, 1), date(2025, 12, 31), date(2025, 9, 30)),
}


def london(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), LONDON)


def required(agency):
    """The courses required of an agency, read from the course rows."""
    return list(CoursePage.objects.live().filter(Q(agency__isnull=True) | Q(agency=agency)).order_by("path"))


def complete_all(user, agency, at, expires_on, done_in=None):
    for course in required(agency):
        record_completion(user, course, at, expires_on, done_in)


def registered(code, email, job_role, first_name, last_name="Tester"):
    user = make_learner(code, email=email, job_role=job_role, first_name=first_name, last_name=last_name)
    LearnerProfile.objects.filter(user=user).update(created_at=LONG_AGO)
    tallies.recount(user_ids=[user.pk])  # written round the model layer
    return user


def listed(agency, email, name, job_role, team):
    return StaffListEntry.objects.create(agency=agency, email=email, name=name, job_role=job_role, team=team)


@pytest.fixture(params=sorted(QUARTERS))
def world(request):
    """Housing gives a staff list, probation a headcount, education nothing.

    On the quarter's last day (`day`): Ann (account in upper case) completed every required
    course at 23:30 London (counts); Ben at 00:30 London the next day (does not); Cat's
    completion of one course expired the day before; Dan's expires on the day itself (counts)
    and he was already covered at the previous period's end; Eve completed everything while in
    police (counts); Fay is on the list with no account; Gus registered and did nothing."""
    start, day, day_before = QUARTERS[request.param]
    housing, probation = Agency.objects.get(code="housing"), Agency.objects.get(code="probation")
    police = Agency.objects.get(code="police")
    later = day + timedelta(days=365)
    people = {}
    for email, name, role, team in [
        ("ann@example.org", "Ann Able", "housing", "North"),
        ("ben@example.org", "Ben Best", "housing", "North"),
        ("cat@example.org", "Cat Cole", "manager", "North"),
        ("dan@example.org", "Dan Dale", "housing", "South"),
        ("eve@example.org", "Eve Eden", "manager", "South"),
        ("fay@example.org", "Fay Ford", "housing", "South"),
        ("gus@example.org", "Gus Gale", "housing", ""),
    ]:
        listed(housing, email, name, role, team)
        if name != "Fay Ford":
            account = "Ann@Example.org" if name == "Ann Able" else email
            code = "police" if name == "Eve Eden" else "housing"
            people[name.split()[0]] = registered(code, account, role, name.split()[0], name.split()[1])
    complete_all(people["Ann"], housing, london(day, 23, 30), later)
    complete_all(people["Ben"], housing, london(day + timedelta(days=1), 0, 30), later)
    cat_courses = required(housing)
    for course in cat_courses:
        record_completion(
            people["Cat"],
            course,
            london(start, 10),
            later if course != cat_courses[-1] else day - timedelta(1),
        )
    complete_all(people["Dan"], housing, london(day_before - timedelta(days=10), 12), day)
    complete_all(people["Eve"], housing, london(day_before - timedelta(days=40), 12), later, done_in=police)
    # Probation: 5 probation officers by headcount; 2 registered (1 covered); a manager not counted.
    Headcount.objects.create(agency=probation, job_role="probation", staff=5)
    pia = registered("probation", "pia@example.org", "probation", "Pia")
    registered("probation", "pat@example.org", "probation", "Pat")
    registered("probation", "max@example.org", "manager", "Max")
    complete_all(pia, probation, london(start, 9), later)
    lead = make_learner("housing", email="lead.both@example.org", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(
        housing, probation, Agency.objects.get(code="education")
    )
    params = {"period": "custom", "from": start.isoformat(), "to": day.isoformat()}
    return {"day": day, "day_before": day_before, "params": params, "lead": lead, "people": people}


def is_covered(user, agency, day):
    """Whether the person holds, on `day`, a completion of each required course made by the
    end of that day in London and not expired before it."""
    end = datetime.combine(day + timedelta(days=1), time.min, LONDON)
    return user is not None and all(
        any(
            c.completed_at < end and c.expires_on >= day
            for c in Completion.objects.filter(learner=user, course=course)
        )
        for course in required(agency)
    )


def counted_staff(agency, day):
    """An agency's registered staff counted against its headcount on `day`."""
    end = datetime.combine(day + timedelta(days=1), time.min, LONDON)
    roles = Headcount.objects.filter(agency=agency).values_list("job_role", flat=True)
    staff = LearnerProfile.objects.filter(agency=agency, job_role__in=roles, created_at__lt=end)
    return [profile.user for profile in staff]


def expected(agency, day):
    """Workforce, covered and the share on `day`, counted here from the raw rows."""
    from django.contrib.auth import get_user_model

    entries = list(StaffListEntry.objects.filter(agency=agency))
    if entries:
        users = {u.email.lower(): u for u in get_user_model().objects.all()}
        workforce = len(entries)
        done = sum(is_covered(users.get(e.email), agency, day) for e in entries)
    else:
        workforce = sum(Headcount.objects.filter(agency=agency).values_list("staff", flat=True))
        done = sum(is_covered(user, agency, day) for user in counted_staff(agency, day))
    share = round(100 * done / workforce, 1) if workforce and done <= workforce else None
    return workforce, done, share


def not_covered_by_headcount(day):
    """Probation's registered staff counted against its headcount and not covered on `day`."""
    probation = Agency.objects.get(code="probation")
    return {u.email for u in counted_staff(probation, day) if not is_covered(u, probation, day)}


def table_rows(soup, key):
    table = soup.select_one(f"table[data-table={key}]")
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    return [
        dict(zip(headings, [c.get_text(strip=True) for c in tr.find_all(["th", "td"])], strict=False))
        for tr in table.select("tbody tr")
    ]


def test_coverage_on_the_page_and_in_the_downloads_matches_the_raw_rows(client, world):
    day, day_before = world["day"], world["day_before"]
    client.force_login(world["lead"])
    soup = BeautifulSoup(client.get(URL, world["params"]).content, "html.parser")
    housing, probation = Agency.objects.get(code="housing"), Agency.objects.get(code="probation")
    h_now, h_then = expected(housing, day), expected(housing, day_before)
    p_now, p_then = expected(probation, day), expected(probation, day_before)
    assert h_now == (7, 3, round(300 / 7, 1))  # Ann, Dan, Eve; not Ben, Cat, Fay, Gus
    assert h_then[1] == 2 and p_now == (5, 1, 20.0)  # Dan and Eve were covered then
    rows = {row["Agency"]: row for row in table_rows(soup, "agencies")}
    for name, now, then, source in [
        ("Housing", h_now, h_then, "Staff list"),
        ("Probation", p_now, p_then, "Headcount by job role"),
    ]:
        row = rows[name]
        assert row["Workforce from"] == source
        assert (row["Workforce"], row["Covered"], row["Not covered"]) == (
            str(now[0]),
            str(now[1]),
            str(now[0] - now[1]),
        )
        assert row["Coverage (%)"] == f"{now[2]}%"
        assert row["Previous period (%)"] == f"{then[2]}%"
        assert float(row["Change (points)"]) == round(now[2] - then[2], 1)
        assert row["Status"] == "No status"
    assert rows["Education"]["Workforce"] == "–" and rows["Education"]["Coverage (%)"] == "–"
    assert "No workforce given" in rows["Education"]["No share because"]
    overall = table_rows(soup, "overall")[0]
    total, done = h_now[0] + p_now[0], h_now[1] + p_now[1]
    assert overall["Coverage (%)"] == f"{round(100 * done / total, 1)}%"
    page_text = soup.get_text(" ", strip=True)
    assert (
        "Coverage: the share of the workforce holding a current completion of every required course"
        in page_text
    )
    assert f"Coverage on {day.day} {day:%B %Y}" in page_text
    # Per required course: Housing's share current in each.
    for course in required(housing):
        assert f"{course.title} (%)" in [
            th.get_text(strip=True) for th in soup.select("table[data-table=agencies] th")
        ]
    # The same figures in both downloads, under a header naming agencies, period and day made.
    for kind in ("csv", "xlsx"):
        export = read_export(client.get(URL, {**world["params"], "export": kind}))
        assert export["about"]["Agencies"] == "Education, Housing, Probation"  # in the agencies' order
        assert f"{day.day} {day:%B %Y}" in export["about"]["Period"]
        assert f"{day_before.day} {day_before:%B %Y}" in export["about"]["Period"]
        assert "Made on" in export["about"]
        headings, *lines = export["tables"]["By agency"]
        found = {line[0]: dict(zip(headings, line, strict=True)) for line in lines}
        assert found["Housing"]["Covered"] == str(h_now[1]) and found["Housing"]["Workforce"] == str(h_now[0])
        assert float(found["Housing"]["Coverage (%)"]) == h_now[2]
        assert float(found["Probation"]["Previous period (%)"]) == p_then[2]
        assert found["Education"]["Coverage (%)"] == ""


def test_who_is_not_covered_names_missing_and_expired_courses_and_downloads(client, world):
    client.force_login(world["lead"])
    housing = Agency.objects.get(code="housing")
    courses = required(housing)
    soup = BeautifulSoup(client.get(URL, world["params"]).content, "html.parser")
    shown = {row["Email"]: row for row in table_rows(soup, "not_covered")}
    # Ben (completed after midnight), Cat (one expired), Fay (not registered), Gus; Pat by headcount.
    by_headcount = not_covered_by_headcount(world["day"])
    assert "pat@example.org" in by_headcount and "pia@example.org" not in by_headcount
    housing_people = {"ben@example.org", "cat@example.org", "fay@example.org", "gus@example.org"}
    assert set(shown) == housing_people | by_headcount
    assert shown["cat@example.org"]["Missing or expired"] == f"{courses[-1].title} (expired)"
    assert shown["fay@example.org"]["Missing or expired"].startswith("Not registered")
    assert shown["gus@example.org"]["Missing or expired"] == "; ".join(c.title for c in courses)
    assert shown["ben@example.org"]["Team"] == "North"
    assert (
        "Probation: People who are not registered cannot be named"
        in soup.select_one("[data-not-registered]").get_text()
    )
    for kind in ("csv", "xlsx"):
        export = read_export(client.get(URL, {**world["params"], "export": kind, "table": "not-covered"}))
        headings, *lines = export["tables"]["Who is not covered"]
        assert headings == ["Name", "Email", "Agency", "Job role", "Team", "Missing or expired"]
        assert {line[1] for line in lines} == set(shown)
        assert export["filename"].startswith("not-covered_")


def test_who_is_not_covered_is_paginated(client, world, monkeypatch):
    monkeypatch.setattr("workforce.views.coverage.PEOPLE_PER_PAGE", 2)
    client.force_login(world["lead"])
    emails, page = [], 1
    while True:
        soup = BeautifulSoup(client.get(URL, {**world["params"], "page": page}).content, "html.parser")
        rows = table_rows(soup, "not_covered")
        assert len(rows) <= 2
        emails += [row["Email"] for row in rows]
        if not soup.find("a", string="Next page"):
            break
        page += 1
    assert len(emails) == len(set(emails)) == 4 + len(not_covered_by_headcount(world["day"]))


def test_by_job_role_and_by_team(client, world):
    client.force_login(world["lead"])
    soup = BeautifulSoup(client.get(URL, world["params"]).content, "html.parser")
    teams = {(r["Agency"], r["Team"]): r for r in table_rows(soup, "teams")}
    # North: Ann (covered), Ben, Cat. South: Dan, Eve (covered), Fay. No team: Gus.
    assert (teams["Housing", "North"]["Workforce"], teams["Housing", "North"]["Covered"]) == ("3", "1")
    assert (teams["Housing", "South"]["Workforce"], teams["Housing", "South"]["Covered"]) == ("3", "2")
    assert teams["Housing", "No team given"]["Coverage (%)"] == "0.0%"
    assert not any(agency == "Probation" for agency, _ in teams)  # teams come from staff lists only
    roles = {(r["Agency"], r["Job role"]): r for r in table_rows(soup, "job_roles")}
    # Housing officers: Ann, Ben, Dan, Fay, Gus (Ann and Dan covered); managers: Cat, Eve (Eve).
    assert (
        roles["Housing", "Housing officer"]["Workforce"],
        roles["Housing", "Housing officer"]["Covered"],
    ) == ("5", "2")
    assert roles["Housing", "Manager"]["Coverage (%)"] == "50.0%"
    assert roles["Probation", "Probation officer"]["Coverage (%)"] == "20.0%"


def test_a_target_has_its_status_word_and_the_rule_is_shown(client, world):
    housing = Agency.objects.get(code="housing")
    CoverageTarget.objects.create(agency=housing, share=50, due_on=date(2099, 3, 31))
    client.force_login(world["lead"])
    soup = BeautifulSoup(client.get(URL, world["params"]).content, "html.parser")
    row = {r["Agency"]: r for r in table_rows(soup, "agencies")}["Housing"]
    share = expected(housing, world["day"])[2]
    assert 0 < 50 - share <= 10  # 42.9%: below the target by less than 10 points, not yet due
    assert row["Status"] == "At risk" and row["Target"] == "50% of the workforce by 31 March 2099"
    assert "On track: coverage is at or above the target" in soup.select_one("[data-rule]").get_text()


def test_no_share_without_a_workforce_or_over_the_headcount(client):
    yos, education = Agency.objects.get(code="yos"), Agency.objects.get(code="education")
    Headcount.objects.create(agency=yos, job_role="youth_justice", staff=1)
    for n in range(2):
        user = registered("yos", f"yj{n}@example.org", "youth_justice", f"Y{n}")
        complete_all(user, yos, datetime(2026, 8, 1, 12, tzinfo=UTC), date(2030, 1, 1))
    lead = make_learner("yos", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(yos, education)
    client.force_login(lead)
    params = {"period": "custom", "from": "2026-07-01", "to": "2026-09-30"}
    soup = BeautifulSoup(client.get(URL, params).content, "html.parser")
    rows = {r["Agency"]: r for r in table_rows(soup, "agencies")}
    yos_row = rows[yos.name]
    assert (
        yos_row["Coverage (%)"] == "–"
        and "more registered staff are covered than the headcount" in yos_row["No share because"]
    )
    assert "No workforce given" in rows[education.name]["No share because"]
    notice = soup.select_one("[data-no-workforce]")
    assert "No workforce given: upload a staff list or enter a headcount" in notice.get_text()
    assert notice.find("a")["href"] == "/leads/workforce/"
    assert "%" not in yos_row["Coverage (%)"]


def test_no_figures_at_all_says_why(client):
    lead = make_learner("carers", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="carers"))
    client.force_login(lead)
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    assert table_rows(soup, "overall")[0] == {
        "Scope": "No workforce given: upload a staff list or enter a headcount."
    }
    assert "No workforce given" in soup.select_one("[data-no-workforce]").get_text()


def test_another_agencys_lead_sees_nothing_of_it_and_a_learner_is_refused(client, world):
    police_lead = make_learner("police", job_role="manager")
    AgencyLead.objects.create(user=police_lead).agencies.add(Agency.objects.get(code="police"))
    client.force_login(police_lead)
    for params in (world["params"], {**world["params"], "export": "csv", "table": "not-covered"}):
        response = client.get(URL, params)
        assert "no-store" in response["Cache-Control"]
        body = response.getvalue().decode()
        assert "ben@example.org" not in body and "Fay Ford" not in body and "Ann Able" not in body
        assert ">Housing<" not in body and ",Housing," not in body
    client.force_login(world["people"]["Gus"])
    assert client.get(URL, world["params"]).status_code == 403
    assert client.get(URL, {**world["params"], "export": "csv"}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_wrong_period_is_a_message_not_a_500(client, world):
    client.force_login(world["lead"])
    response = client.get(URL, {"period": "custom", "from": "2026-09-30", "to": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()


def queries(client, params):
    with CaptureQueriesContext(connection) as page:
        assert client.get(URL, params).status_code == 200
    with CaptureQueriesContext(connection) as download:
        assert client.get(URL, {**params, "export": "csv", "table": "not-covered"}).status_code == 200
    return len(page), len(download)


def test_queries_are_flat_in_staff(client, world):
    client.force_login(world["lead"])
    housing, probation = Agency.objects.get(code="housing"), Agency.objects.get(code="probation")
    queries(client, world["params"])  # warm the per-process caches (content types) other tests may clear
    before = queries(client, world["params"])
    for n in range(30):
        listed(housing, f"extra{n}@example.org", f"Extra {n}", "housing", f"Team {n % 4}")
        user = registered("probation", f"pro{n}@example.org", "probation", f"P{n}")
        if n % 2:
            complete_all(user, probation, london(world["day"], 8), world["day"] + timedelta(days=9))
    Headcount.objects.filter(agency=probation).update(staff=50)
    assert queries(client, world["params"]) == before


def test_who_is_not_covered_goes_agency_by_agency_in_name_order_across_pages(client, world, monkeypatch):
    """Staff lists first, then headcounts, each agency in the agencies' order and its people by
    name (an entry's name; an account's last then first name), page after page; an account
    renamed moves to its new place."""
    monkeypatch.setattr("workforce.views.coverage.PEOPLE_PER_PAGE", 3)
    education = Agency.objects.get(code="education")
    Headcount.objects.create(agency=education, job_role="teacher", staff=10)
    for email, first, last in [
        ("zed@example.org", "Zed", "Adams"),
        ("amy@example.org", "Amy", "Zane"),
        ("bob@example.org", "Bob", "Adams"),
    ]:
        registered("education", email, "teacher", first, last)
    registered("probation", "abe@example.org", "probation", "Abe", "Baker")
    pat = get_user_model().objects.get(email="pat@example.org")
    pat.last_name = "Aardvark"  # from after Abe Baker to before him; saved as the account page does
    pat.save(update_fields=["first_name", "last_name"])
    client.force_login(world["lead"])
    shown, page = [], 1
    while True:
        soup = BeautifulSoup(client.get(URL, {**world["params"], "page": page}).content, "html.parser")
        shown += [(row["Agency"], row["Name"], row["Email"]) for row in table_rows(soup, "not_covered")]
        if not soup.find("a", string="Next page"):
            break
        page += 1
    # Expected from the raw rows: entries by name, accounts by (last, first) name.
    accounts = {u.email: u for u in get_user_model().objects.all()}
    headcounted = [
        a for a in Agency.objects.order_by("sort_order", "name") if a.code in ("education", "probation")
    ]
    expected = sorted(
        (row for row in shown if row[0] == "Housing"),
        key=lambda row: StaffListEntry.objects.get(email=row[2]).name,
    )
    for agency in headcounted:
        rows = [row for row in shown if row[0] == agency.name]
        expected += sorted(rows, key=lambda row: (accounts[row[2]].last_name, accounts[row[2]].first_name))
    assert shown == expected
    assert {row[0] for row in shown} == {"Housing", "Education", "Probation"}
    assert [row[2] for row in shown if row[0] == "Education"] == [
        "bob@example.org",
        "zed@example.org",
        "amy@example.org",
    ]
    probation = [row[2] for row in shown if row[0] == "Probation"]
    assert probation.index("pat@example.org") < probation.index("abe@example.org")
