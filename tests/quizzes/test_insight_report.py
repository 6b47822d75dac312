"""What staff miss: figures checked against the raw responses, small groups withheld."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from cms.models import Agency
from courses import pairs
from courses import reports as course_reports
from courses import services as course_services
from courses.models import AgencyLead, PartnershipManager
from quizzes import marks, reports, services, summaries
from quizzes.models import Attempt, ColourMark, IndicatorMark, Purpose, Quiz, Response
from quizzes.scoring import model_answer
from tests.export_reading import read_export
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
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


INDEX = {data["text"]: index for index, data in enumerate(SAMPLE_QUESTIONS)}  # questions come shuffled


def right_up_to(attempt, n):
    """Answers to the attempt's questions, in its order: right for the first n of
    SAMPLE_QUESTIONS (whatever their place in the attempt), empty for the others."""
    return [model_answer(q) if INDEX[q["text"]] < n else {} for q in attempt.questions]


@pytest.fixture
def answered():
    """Eight housing learners take a quiz, on the 15th of last month, "very sure" of every
    answer; learner n gets the first n questions of SAMPLE_QUESTIONS right. Each first did the
    knowledge check with every answer right: it must count nowhere in these figures."""
    course = make_course(lessons=1, title="Insight course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    Quiz.objects.filter(pk=quiz.pk).update(certainty=True, knowledge_check_size=3)
    quiz.refresh_from_db()
    for n in range(8):
        learner = make_learner("housing")
        enrolment = course_services.enrol(learner, course)
        check = services.start_check(learner, quiz)
        services.submit_attempt(check, [model_answer(q) for q in check.questions], [3] * 3)
        open_the_quiz(enrolment)
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(attempt, right_up_to(attempt, n), [3] * len(attempt.questions))
    mid_month = datetime.combine(past_month()[0].replace(day=15), time(12), timezone.get_current_timezone())
    Attempt.objects.filter(quiz=quiz).update(submitted_at=mid_month)
    summaries.rebuild()  # the update went round the tallies
    pairs.rebuild()
    assert Attempt.objects.filter(quiz=quiz, purpose=Purpose.CHECK).count() == 8
    return course, quiz


def scope():
    return Agency.objects.filter(code="housing"), course_reports.Period(*past_month())


def test_facility_matches_the_raw_responses(answered):
    course, quiz = answered
    agencies, period = scope()
    rows = {r["question"]: r for r in reports.question_statistics(agencies, period, course)}
    for index, data in enumerate(SAMPLE_QUESTIONS):
        raw = Response.objects.filter(
            attempt__quiz=quiz, attempt__purpose=Purpose.QUIZ, attempt__number=1, version__snapshot__text=data["text"]
        )
        assert raw.count() == 8
        assert (
            rows[data["text"]]["facility"]
            == round(raw.filter(score=1).count() / 8, 2)
            == round((7 - index) / 8, 2)
        )
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
    assert Attempt.objects.filter(quiz=quiz, purpose=Purpose.QUIZ).count() == 8
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
    """Rows of cells as text or numbers, so 0.0 on the page equals the 0 a spreadsheet gives back
    (and 12.5% on the page the 12.5 of a spreadsheet)."""

    def cell(value):
        value = "–" if value in (None, "") else str(value).removesuffix("%")
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
    # One agency: no side-by-side table.
    assert set(shown) == {
        "questions",
        "categories",
        "traffic",
        "confidently_wrong",
        "confidently_wrong_categories",
    }
    for key, rows in shown.items():
        for kind in ("csv", "xlsx"):
            export = read_export(client.get("/leads/reports/quiz/", {**params, "export": kind, "table": key}))
            ((headings, *exported),) = export["tables"].values()
            assert comparable(exported) == comparable(rows), (key, kind)
            made, month = timezone.localdate(), past_month()[0]
            assert (
                export["filename"]
                == f"what-staff-miss-{key}_housing_{month:%Y-%m}_made-{made:%Y-%m-%d}.{kind}"
            )
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
    shown = page_tables(client.get("/leads/reports/quiz/", {**month_params(), "course": course.pk}).content)
    rows = {row[0]: row[1:] for row in shown["agencies"]}
    assert len(rows) == Agency.objects.count()
    raw = Response.objects.filter(attempt__quiz=quiz, attempt__purpose=Purpose.QUIZ, attempt__number=1)
    assert rows["Housing"] == ["8", str(round(raw.filter(score=1).count() / raw.count(), 2))]
    assert rows["Police"] == ["0", "–"]


def test_mark_rows_rebuilt_from_the_answers_give_the_same_reports(answered):
    """What the migration that added the mark rows did for earlier answers, on today's models."""
    course, quiz = answered
    agencies, period = scope()
    before = (
        reports.missed_categories(agencies, period, course),
        reports.traffic_light_table(agencies, period, course),
    )
    assert IndicatorMark.objects.exists() and ColourMark.objects.exists()
    IndicatorMark.objects.all().delete()
    ColourMark.objects.all().delete()
    summaries.rebuild()
    assert reports.missed_categories(agencies, period, course) == []
    marks.record(list(Response.objects.select_related("version")))
    summaries.rebuild()
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
        open_the_quiz(enrolment)
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


def test_confidently_wrong_answers_per_question_and_category(client, answered):
    course, quiz = answered
    agencies, period = scope()
    rows = {r["name"]: r for r in reports.confidently_wrong(agencies, period, course)}
    # Every answer was "very sure"; question i of SAMPLE_QUESTIONS was left empty (wrong) by
    # learners 0..i, so i + 1 of the 8 were confidently wrong. Counts under 5 are withheld.
    assert len(rows) == len(SAMPLE_QUESTIONS)
    for index, data in enumerate(SAMPLE_QUESTIONS):
        raw = Response.objects.filter(
            attempt__quiz=quiz, attempt__purpose=Purpose.QUIZ, version__snapshot__text=data["text"], certainty=3
        )
        wrong = raw.filter(score__lt=0.5).count()
        assert wrong == index + 1
        row = rows[data["text"]]
        assert (row["agency"], row["very_sure"], row["answers"]) == ("Housing", 8, 8)
        if wrong >= 5:
            assert (row["wrong"], row["share"]) == (wrong, round(100 * wrong / 8, 1))
        else:
            assert (row["wrong"], row["share"]) == ("fewer than 5", None)
    assert [r["name"] for r in reports.confidently_wrong(agencies, period, course)][:4] == [
        data["text"] for data in reversed(SAMPLE_QUESTIONS[4:])
    ]  # most often first
    (category,) = reports.confidently_wrong(agencies, period, course, by="category")
    assert category["name"] == reports.NO_CATEGORY_LABEL
    assert (category["wrong"], category["very_sure"], category["answers"]) == (36, 64, 64)
    assert category["share"] == round(100 * 36 / 64, 1)
    housing_lead(client)
    shown = page_tables(client.get("/leads/reports/quiz/", {**month_params(), "course": course.pk}).content)
    assert shown["confidently_wrong"][0] == [
        "Housing",
        SAMPLE_QUESTIONS[-1]["text"],
        "8",
        "8",
        "8",
        "100.0%",
    ]
    police = make_learner("police")
    AgencyLead.objects.create(user=police).agencies.add(Agency.objects.get(code="police"))
    client.force_login(police)
    shown = page_tables(client.get("/leads/reports/quiz/", month_params()).content)
    assert shown["confidently_wrong"] == [["No confidently wrong answers in this period."]]


def test_facility_with_random_draws_matches_the_raw_responses():
    """Each attempt draws 4 of the 8 questions at random; each learner answers each question
    right or not at random. Every question's figures count the attempts that drew it."""
    import random

    from quizzes.models import QuizPool

    course = make_course(lessons=1, title="Draw course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    QuizPool.objects.create(quiz=quiz, label="Any four", count=4)
    chance = random.Random(13)
    for _ in range(20):
        learner = make_learner("probation")
        enrolment = course_services.enrol(learner, course)
        open_the_quiz(enrolment)
        attempt = services.start_attempt(learner, quiz)
        assert len(attempt.questions) == 4
        services.submit_attempt(
            attempt, [model_answer(q) if chance.random() < 0.6 else {} for q in attempt.questions]
        )
    period = course_reports.period_from({"period": "this_year"})[0]
    rows = {
        r["question"]: r
        for r in reports.question_statistics(Agency.objects.filter(code="probation"), period, course)
    }
    drawn = []
    for data in SAMPLE_QUESTIONS:
        raw = Response.objects.filter(attempt__quiz=quiz, version__snapshot__text=data["text"])
        if not raw.exists():
            assert data["text"] not in rows
            continue
        drawn.append(raw.count())
        row = rows[data["text"]]
        if raw.count() >= 5:
            assert row["people"] == raw.count()
            assert row["facility"] == round(raw.filter(score=1).count() / raw.count(), 2)
        else:
            assert (row["people"], row["facility"]) == ("fewer than 5", None)
    assert len(set(drawn)) > 1 and sum(drawn) == 80  # questions drawn unevenly, 4 per attempt


def test_attempts_sharing_the_edge_score_share_the_groups_last_places():
    # 15 attempts, groups of 4: the upper group is both attempts scoring 0.9 and 2 of the 10
    # places' worth of the attempts scoring 0.5; the lower group the 3 scoring 0.2 and 1 of 10.
    by_score = {Decimal("0.2"): 3, Decimal("0.5"): 10, Decimal("0.9"): 2}
    assert reports._group_weights(by_score, 4, highest=True) == {
        Decimal("0.9"): 1,
        Decimal("0.5"): Fraction(2, 10),
    }
    assert reports._group_weights(by_score, 4, highest=False) == {
        Decimal("0.2"): 1,
        Decimal("0.5"): Fraction(1, 10),
    }
