"""What staff miss: figures checked against the raw responses, small groups withheld."""

from datetime import datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from cms.models import Agency
from courses import reports as course_reports
from courses import services as course_services
from courses.models import AgencyLead, PartnershipManager
from quizzes import marks, reports, services
from quizzes.models import Attempt, ColourMark, IndicatorMark, Response
from quizzes.scoring import model_answer
from tests.export_reading import read_export
from tests.factories import (
    SAMPLE_QUESTIONS,
    finish_lesson,
    lessons_of,
    make_course,
    make_learner,
    make_quiz,
    survey_ratings,
)

pytestmark = pytest.mark.django_db


def past_month():
    """The first and last day of last month a year ago: a whole month that has ended, so the
    reports give its quiz figures (they count a month only once it has ended), and older than
    the demo data (at most 330 days old), so a course filter leaves no one else's attempts out."""
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    start = last_month.replace(year=last_month.year - 1)
    return start, (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def month_params():
    start, end = past_month()
    return {"period": "custom", "from": start.isoformat(), "to": end.isoformat()}


@pytest.fixture
def answered():
    """Eight housing learners take a quiz, on the 15th of last month; learner n gets the first
    n questions right."""
    course = make_course(lessons=1, title="Insight course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    for n in range(8):
        learner = make_learner("housing")
        enrolment = course_services.enrol(learner, course)
        course_services.submit_survey(enrolment, "before", survey_ratings("before"))
        finish_lesson(enrolment, lessons_of(course)[0])
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(
            attempt, [model_answer(q) if i < n else {} for i, q in enumerate(attempt.questions)]
        )
    mid_month = datetime.combine(past_month()[0].replace(day=15), time(12), timezone.get_current_timezone())
    Attempt.objects.filter(quiz=quiz).update(submitted_at=mid_month)
    return course, quiz


def scope():
    return Agency.objects.filter(code="housing"), course_reports.Period(*past_month())


def test_facility_matches_the_raw_responses(answered):
    course, quiz = answered
    agencies, period = scope()
    rows = {r["question"]: r for r in reports.question_statistics(agencies, period, course)}
    for position, data in enumerate(SAMPLE_QUESTIONS):
        raw = Response.objects.filter(attempt__quiz=quiz, attempt__number=1, position=position + 1)
        right = raw.filter(score=1).count()
        assert rows[data["text"]]["facility"] == round(right / raw.count(), 2)
        assert rows[data["text"]]["people"] == 8


def test_discrimination_uses_upper_and_lower_groups(answered):
    course, quiz = answered
    agencies, period = scope()
    rows = {r["question"]: r for r in reports.question_statistics(agencies, period, course)}
    # Scores rise with n, so the top two (n=6,7) and bottom two (n=0,1) attempts form the groups.
    # Question 1 (index 0): right for n>=1 -> upper 2/2, lower 1/2 -> 0.5.
    assert rows[SAMPLE_QUESTIONS[0]["text"]]["discrimination"] == 0.5
    # The last question is right only for no one (n<=7 means index 7 is never reached).
    assert rows[SAMPLE_QUESTIONS[-1]["text"]]["discrimination"] == 0.0


def test_missed_categories_and_the_traffic_light_table(answered):
    course, quiz = answered
    agencies, period = scope()
    categories = {r["category"]: r for r in reports.missed_categories(agencies, period, course)}
    cse = categories["Signs of child sexual exploitation"]
    # The spot question is question 2: right for n>=2 (6 of 8), missed entirely by n=0,1.
    assert cse["missed"] == 25.0
    tables = {t["band"]: t for t in reports.traffic_light_table(agencies, period, course)}
    amber = next(row for row in tables["5 to 9 years"]["rows"] if row["correct"] == "amber")
    # Question 4 (traffic light, amber): right for n>=4 -> 4 answered amber, 4 no answer.
    assert amber["cells"] == [0, "fewer than 5", 0, "fewer than 5"]


def test_small_groups_are_withheld_and_the_page_is_scoped(client, answered):
    course, quiz = answered
    lead = make_learner("police")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="police"))
    client.force_login(lead)
    soup = BeautifulSoup(client.get("/leads/reports/quiz/", month_params()).content, "html.parser")
    assert SAMPLE_QUESTIONS[0]["text"] not in soup.get_text()
    housing_lead = make_learner("housing")
    AgencyLead.objects.create(user=housing_lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(housing_lead)
    page = client.get("/leads/reports/quiz/", {**month_params(), "course": course.pk}).content.decode()
    assert SAMPLE_QUESTIONS[0]["text"] in page
    assert Attempt.objects.filter(quiz=quiz).count() == 8
    client.force_login(make_learner("housing"))
    assert client.get("/leads/reports/quiz/").status_code == 403


def housing_lead(client):
    lead = make_learner("housing")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(lead)


def page_tables(html):
    """Each table on the page by its key: the body rows as text, "–" for an empty cell."""
    soup = BeautifulSoup(html, "html.parser")
    return {
        table["data-table"]: [
            [cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.tbody.select("tr")
        ]
        for table in soup.select("table[data-table]")
    }


def comparable(rows):
    """Rows of cells as text or numbers, so 0.0 on the page equals the 0 a spreadsheet gives back."""

    def cell(value):
        value = "–" if value in (None, "") else str(value)
        try:
            return float(value)
        except ValueError:
            return value

    return [[cell(value) for value in row] for row in rows]


def test_every_table_exports_what_the_page_shows(client, answered):
    course, quiz = answered
    housing_lead(client)
    params = {**month_params(), "course": course.pk}
    shown = page_tables(client.get("/leads/reports/quiz/", params).content)
    assert set(shown) == {"questions", "categories", "traffic"}  # one agency: no side-by-side table
    for key, rows in shown.items():
        for kind in ("csv", "xlsx"):
            export = read_export(client.get("/leads/reports/quiz/", {**params, "export": kind, "table": key}))
            ((headings, *exported),) = export["tables"].values()
            assert comparable(exported) == comparable(rows), (key, kind)
            made, month = timezone.localdate(), past_month()[0]
            assert export["filename"] == f"what-staff-miss-{key}_housing_{month:%Y-%m}_made-{made:%Y-%m-%d}.{kind}"
    assert len(shown["questions"]) == len(SAMPLE_QUESTIONS)


def test_job_role_filter_and_agencies_side_by_side(client, answered):
    course, quiz = answered
    agencies, period = scope()
    assert reports.question_statistics(agencies, period, course, job_role="police") == []
    assert len(reports.question_statistics(agencies, period, course, job_role="housing")) == len(
        SAMPLE_QUESTIONS
    )
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    shown = page_tables(
        client.get("/leads/reports/quiz/", {**month_params(), "course": course.pk}).content
    )
    rows = {row[0]: row[1:] for row in shown["agencies"]}
    assert len(rows) == Agency.objects.count()
    raw = Response.objects.filter(attempt__quiz=quiz, attempt__number=1)
    assert rows["Housing"] == ["8", str(round(raw.filter(score=1).count() / raw.count(), 2))]
    assert rows["Police"] == ["0", "–"]


def test_the_migration_marks_answers_given_before_marks_existed(answered):
    import importlib

    from django.apps import apps

    course, quiz = answered
    agencies, period = scope()
    before = (
        reports.missed_categories(agencies, period, course),
        reports.traffic_light_table(agencies, period, course),
    )
    assert IndicatorMark.objects.exists() and ColourMark.objects.exists()
    IndicatorMark.objects.all().delete()
    ColourMark.objects.all().delete()
    assert reports.missed_categories(agencies, period, course) == []
    migration = importlib.import_module("quizzes.migrations.0002_indicator_and_colour_marks")
    migration.mark_earlier_answers(apps, None)
    after = (
        reports.missed_categories(agencies, period, course),
        reports.traffic_light_table(agencies, period, course),
    )
    assert after == before


def test_hostile_answers_are_marked_as_no_answer():
    snapshot = {"type": "traffic_light", "band": "5 to 9 years", "correct": "amber"}
    assert marks.colour_marks(snapshot, {"colour": "<script>"}) == [("5 to 9 years", "amber", "none")]
    assert marks.colour_marks(snapshot, {}) == [("5 to 9 years", "amber", "none")]
    sort = {"type": "traffic_light_sort", "band": "13 to 17 years", "items": [{"id": 4, "correct": "red"}]}
    assert marks.colour_marks(sort, {"placements": {"4": "red"}}) == [("13 to 17 years", "red", "red")]
    assert marks.indicator_marks({"type": "true_false"}, {}) == []


@pytest.mark.parametrize("people, shown", [(4, False), (5, True)])
def test_question_figures_are_withheld_below_five_people(people, shown):
    course = make_course(lessons=1, title=f"Boundary course {people}")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    for n in range(people):
        learner = make_learner("probation")
        enrolment = course_services.enrol(learner, course)
        course_services.submit_survey(enrolment, "before", survey_ratings("before"))
        finish_lesson(enrolment, lessons_of(course)[0])
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(attempt, [model_answer(q) if n % 2 else {} for q in attempt.questions])
    period = course_reports.period_from({"period": "this_year"})[0]
    rows = reports.question_statistics(Agency.objects.filter(code="probation"), period, course)
    assert len(rows) == len(SAMPLE_QUESTIONS)
    for row in rows:
        if shown:
            right = sum(1 for n in range(people) if n % 2)
            assert row["people"] == people and row["facility"] == round(right / people, 2)
        else:
            assert (
                row["people"] == "fewer than 5" and row["facility"] is None and row["discrimination"] is None
            )
