"""Knowledge before and after: the knowledge check at the start of a course against the first
end-of-course attempt, checked against scipy on numbers made here; whole periods in London
time; small groups withheld; query counts flat; each lead sees her agency only."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from scipy.stats import rankdata, wilcoxon
from wagtail.models import APIToken

from cms.models import Agency
from courses import pairs
from courses import reports as course_reports
from courses import services as course_services
from courses.models import AgencyLead, PartnershipManager
from courses.statistics import FEWER_THAN_FIVE
from quizzes import reports
from quizzes.models import Attempt, Purpose, QuestionVersion, Response
from tests.export_reading import read_export
from tests.factories import make_course, make_learner, make_quiz

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MARCH = course_reports.Period(date(2025, 3, 1), date(2025, 3, 31))
APRIL = course_reports.Period(date(2025, 4, 1), date(2025, 4, 30))
IN_MARCH = datetime(2025, 3, 15, 12, tzinfo=LONDON)


def past_month():
    """Last month a year ago: whole, ended, and older than any demo data."""
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    start = last_month.replace(year=last_month.year - 1)
    return start, (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def month_params():
    start, end = past_month()
    return {"period": "custom", "from": start.isoformat(), "to": end.isoformat()}


@pytest.fixture
def quiz():
    return make_quiz(make_course(lessons=1, title="Knowledge course"))


def attempt(quiz, enrolment, purpose, answers, submitted_at, number=1):
    """An attempt with a response per (category, points, fraction earned) answer."""
    made = Attempt.objects.create(
        learner=enrolment.learner,
        quiz=quiz,
        enrolment=enrolment,
        purpose=purpose,
        number=number,
        drawn=[],
        submitted_at=submitted_at,
        score=0,
    )
    [version] = QuestionVersion.objects.store([({}, None)])
    Response.objects.bulk_create(
        Response(
            attempt=made,
            position=position,
            question_type="single_choice",
            version=version,
            answer={},
            score=Decimal(str(fraction)),
            points=points,
            category=category,
        )
        for position, (category, points, fraction) in enumerate(answers, 1)
    )
    pairs.recount([enrolment.learner_id])  # written round `submit_attempt`, which would recount her
    return made


def person(quiz, before, after, agency="housing", submitted_at=IN_MARCH):
    """A learner who did the knowledge check (`before` answers) and the quiz (`after`)."""
    enrolment = course_services.enrol(make_learner(agency), quiz.course)
    attempt(quiz, enrolment, Purpose.CHECK, before, submitted_at - timedelta(days=3))
    return attempt(quiz, enrolment, Purpose.QUIZ, after, submitted_at)


def rows(agencies, period, key):
    tables = {table.key: table for table in reports.knowledge_figures(agencies, period)}
    table = tables[key]
    return {
        row.values[0]: dict(zip([c.key for c in table.columns], row.values, strict=True))
        for row in table.rows
    }


def housing():
    return Agency.objects.filter(code="housing")


CATEGORIES = ("physical", "cse", "")


def random_answers(rng, size):
    return [
        (str(rng.choice(CATEGORIES)), int(rng.integers(1, 4)), float(rng.choice([0, 0.25, 0.5, 1])))
        for _ in range(size)
    ]


def percent(answers, category=None):
    chosen = [(points, fraction) for c, points, fraction in answers if category is None or c == category]
    return 100 * sum(points * fraction for points, fraction in chosen) / sum(points for points, _ in chosen)


def expected(before, after):
    """What the published row must say, computed here with numpy and scipy."""
    before, after = np.array(before), np.array(after)
    differences = after - before
    test = wilcoxon(after, before, zero_method="pratt", method="approx")
    ranks = rankdata(np.abs(differences))
    sign = np.sign(ranks[differences > 0].sum() - ranks[differences < 0].sum())
    gain = (after.mean() - before.mean()) / (100 - before.mean())
    return {
        "people": len(before),
        "median_before": round(float(np.median(before)), 1),
        "median_after": round(float(np.median(after)), 1),
        "mean_before": round(float(before.mean()), 1),
        "mean_after": round(float(after.mean()), 1),
        "improved": round(100 * float((differences > 0).mean()), 1),
        "p": "< 0.001" if test.pvalue < 0.001 else round(float(test.pvalue), 3),
        "r": round(float(sign * abs(test.zstatistic) / np.sqrt(len(before))), 2),
        "gain": round(float(gain), 2),
    }


def test_figures_match_scipy_on_random_scores(quiz):
    rng = np.random.default_rng(13)
    people = [(random_answers(rng, 6), random_answers(rng, 8)) for _ in range(30)]
    for before, after in people:
        person(quiz, before, after)
    overall = rows(housing(), MARCH, "overall")["Whole check and quiz"]
    assert overall == {"name": "Whole check and quiz"} | expected(
        [percent(b) for b, _ in people], [percent(a) for _, a in people]
    )
    per_category = rows(housing(), MARCH, "per_category")
    labels = {
        "physical": "Physical signs",
        "cse": "Signs of child sexual exploitation",
        "": reports.NO_CATEGORY_LABEL,
    }
    left_out = 0
    for code, label in labels.items():
        both = [
            (b, a) for b, a in people if any(c == code for c, _, _ in b) and any(c == code for c, _, _ in a)
        ]
        left_out += len(people) - len(both)
        assert per_category[label] == {"name": label} | expected(
            [percent(b, code) for b, _ in both], [percent(a, code) for _, a in both]
        ), label
    assert left_out  # someone was asked no question of a category on one side, and is left out of it


def test_only_the_check_and_the_first_quiz_attempt_of_one_enrolment_count(quiz):
    right, wrong = [("physical", 1, 1)], [("physical", 1, 0)]
    for _ in range(5):
        first = person(quiz, wrong, right)
        # A second attempt does not replace the first.
        attempt(quiz, first.enrolment, Purpose.QUIZ, wrong, IN_MARCH + timedelta(days=1), number=2)
    alone = course_services.enrol(make_learner("housing"), quiz.course)  # a quiz with no check
    attempt(quiz, alone, Purpose.QUIZ, wrong, IN_MARCH)
    checked = course_services.enrol(make_learner("housing"), quiz.course)  # a check with no quiz
    attempt(quiz, checked, Purpose.CHECK, right, IN_MARCH)
    overall = rows(housing(), MARCH, "overall")["Whole check and quiz"]
    assert overall["people"] == 5
    assert (overall["mean_before"], overall["mean_after"], overall["improved"]) == (0, 100, 100)
    assert overall["gain"] == 1.0
    assert reports.knowledge_people(housing(), MARCH) == 5


def test_the_gain_is_not_defined_when_everyone_scored_full_marks_before(quiz):
    for fraction in (1, 1, 1, 0.5, 0, 1):
        person(quiz, [("cse", 2, 1)], [("cse", 2, fraction)])
    overall = rows(housing(), MARCH, "overall")["Whole check and quiz"]
    assert overall["mean_before"] == 100 and overall["gain"] == "not defined"
    assert overall["improved"] == 0 and overall["r"] < 0


@pytest.mark.parametrize(
    "when, month, counted",
    [
        (datetime(2025, 3, 31, 23, 30, tzinfo=LONDON), MARCH, True),  # 22:30 UTC, British Summer Time
        (datetime(2025, 3, 31, 23, 30, tzinfo=LONDON), APRIL, False),
        (datetime(2025, 4, 1, 0, 30, tzinfo=LONDON), APRIL, True),  # 23:30 UTC on 31 March
        (datetime(2025, 4, 1, 0, 30, tzinfo=LONDON), MARCH, False),
        (datetime(2025, 3, 1, 0, 0, tzinfo=LONDON), MARCH, True),  # GMT
    ],
)
def test_the_quiz_attempt_belongs_to_the_london_month_it_was_submitted_in(quiz, when, month, counted):
    for _ in range(5):
        person(quiz, [("", 1, 0)], [("", 1, 1)], submitted_at=when)
    assert reports.knowledge_people(housing(), month) == (5 if counted else 0)
    overall = rows(housing(), month, "overall")["Whole check and quiz"]
    assert overall["people"] == (5 if counted else FEWER_THAN_FIVE)


@pytest.mark.parametrize("count", [4, 5, 6])
def test_small_groups_are_withheld_and_untested(quiz, count):
    for n in range(count):
        person(quiz, [("online", 1, 0)], [("online", 1, n % 2)])
    figures = rows(housing(), MARCH, "overall")["Whole check and quiz"]
    category = rows(housing(), MARCH, "per_category")["Online signs"]
    for row in (figures, category):
        if count < 5:
            assert set(row.values()) - {row["name"]} == {FEWER_THAN_FIVE}
        else:
            assert row["people"] == count
            assert (row["p"] == "") == (count < 6)
            assert (row["r"] == "") == (count < 6)


def test_query_count_is_flat_in_people_and_questions(quiz):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            reports.knowledge_figures(Agency.objects.filter(code__in=["housing", "police"]), MARCH)
        return len(captured)

    for _ in range(5):
        person(quiz, [("cse", 1, 0)] * 2, [("cse", 1, 1)] * 2)
    few = queries()
    for _ in range(10):
        person(quiz, [("cse", 1, 0), ("online", 1, 1), ("", 2, 0.5)] * 4, [("physical", 1, 1)] * 12, "police")
    assert queries() == few


def test_each_lead_sees_her_agency_only_on_the_page_the_download_and_the_api(client, quiz):
    mid_month = datetime.combine(past_month()[0].replace(day=15), time(12), LONDON)
    for _ in range(5):
        person(quiz, [("cse", 1, 0)], [("cse", 1, 1)], agency="housing", submitted_at=mid_month)
    for _ in range(6):
        person(quiz, [("cse", 1, 1)], [("cse", 1, 0)], agency="police", submitted_at=mid_month)
    police = make_learner("police")
    AgencyLead.objects.create(user=police).agencies.add(Agency.objects.get(code="police"))
    client.force_login(police)
    page = client.get("/leads/reports/knowledge/", month_params())
    soup = BeautifulSoup(page.content, "html.parser")
    overall = soup.select_one("table[data-table=overall] tbody tr")
    assert [cell.get_text(strip=True) for cell in overall.select("th, td")][:2] == [
        "Whole check and quiz",
        "6",
    ]
    tables_text = " ".join(table.get_text() for table in soup.select("table[data-table]"))
    assert "Housing" not in tables_text and not soup.select("table[data-table=agencies]")
    assert soup.select_one("nav.report-nav a[aria-current=page]").get_text() == "Knowledge before and after"
    assert "room to improve" in soup.get_text()  # each figure's definition is shown
    exported = read_export(client.get("/leads/reports/knowledge/", {**month_params(), "export": "csv"}))
    (headings, first, *_), *_ = exported["tables"].values()
    assert first[:2] == ["Whole check and quiz", "6"]
    assert not any(
        "Housing" in cell for table in exported["tables"].values() for line in table for cell in line
    )
    token = APIToken.create_token(user=police, name="dashboard")[1]
    start, end = past_month()
    body = client.get(
        "/api/v1/reports/knowledge",
        {"start": start.isoformat(), "end": end.isoformat()},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert body["agencies"] == ["Police"]
    assert body["tables"]["overall"]["rows"][0]["people"] == 6
    assert body["tables"]["agencies"] is None
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    soup = BeautifulSoup(client.get("/leads/reports/knowledge/", month_params()).content, "html.parser")
    agencies = {
        row.select("th, td")[0].get_text(strip=True): row.select("th, td")[1].get_text(strip=True)
        for row in soup.select("table[data-table=agencies] tbody tr")
    }
    assert agencies["Housing"] == "5" and agencies["Police"] == "6"
    client.force_login(make_learner("housing"))
    assert client.get("/leads/reports/knowledge/").status_code == 403
