"""The differencing attack from the issue, repeated: a lead asks for the quiz figures of
overlapping runs of days and, where "People" rises by one, subtracts to read that person's
answers. Quiz and confidence figures are only given for whole months, so every run of days
is refused and every period that is given holds the same people: the attack yields nothing."""

from datetime import UTC, date, datetime

import pytest
from wagtail.models import APIToken

from cms.models import Agency
from courses import reports as course_reports
from courses import services as course_services
from courses.models import AgencyLead
from quizzes import reports, services
from quizzes.models import Attempt, Response
from quizzes.scoring import model_answer
from tests.export_reading import read_export
from tests.factories import SAMPLE_QUESTIONS, lessons_of, make_course, make_learner, make_quiz, survey_ratings

pytestmark = pytest.mark.django_db

DAYS = [f"2026-01-{day:02d}" for day in range(5, 13)]  # the lead's "to" dates, one a day


@pytest.fixture
def january():
    """Six housing learners take the quiz on 5 to 10 January 2026, one a day; the sixth gets
    every other question right."""
    course = make_course(lessons=1, title="Differencing course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    attempts = []
    for n in range(6):
        learner = make_learner("housing")
        enrolment = course_services.enrol(learner, course)
        course_services.submit_survey(enrolment, "before", survey_ratings("before"))
        course_services.complete_lesson(enrolment, lessons_of(course)[0])
        attempt = services.start_attempt(learner, quiz)
        right = (lambda i: i % 2 == 0) if n == 5 else (lambda i, n=n: i < n)
        services.submit_attempt(
            attempt, [model_answer(q) if right(i) else {} for i, q in enumerate(attempt.questions)]
        )
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=datetime(2026, 1, 5 + n, 12, tzinfo=UTC))
        attempts.append(attempt)
    sixth = {
        text: score == 1
        for text, score in Response.objects.filter(attempt=attempts[5]).values_list("question__text", "score")
    }
    return course, sixth


def difference(tables):
    """What the attacker reads from consecutive tables whose "People" rose by exactly one:
    per question, whether the newcomer got it right (from facility × people)."""
    recovered = []
    for before, after in zip(tables, tables[1:], strict=False):
        for question, (people, facility) in after.items():
            if question not in before or not isinstance(people, int) or facility is None:
                continue
            people_before, facility_before = before[question]
            if isinstance(people_before, int) and facility_before is not None and people == people_before + 1:
                recovered.append((question, round(facility * people - facility_before * people_before) == 1))
    return recovered


def test_the_attack_works_on_raw_day_ranges_so_the_test_can_see_it(january):
    """Without the whole-months rule, "to 9 January" (five people) and "to 10 January" (six)
    give away the sixth person's answer to every question."""
    course, sixth = january
    housing = Agency.objects.filter(code="housing")
    tables = [
        {
            row["question"]: (row["people"], row["facility"])
            for row in reports.question_statistics(
                housing, course_reports.Period(date(2026, 1, 1), date.fromisoformat(to)), course
            )
        }
        for to in DAYS
    ]
    assert sorted(difference(tables)) == sorted(sixth.items()) and len(sixth) == len(SAMPLE_QUESTIONS)


def test_the_same_attack_through_the_reports_and_the_api_yields_nothing(client, january):
    course, sixth = january
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(lead)
    token = APIToken.create_token(user=lead, name="attack")[1]

    def exported(start, end):
        response = client.get(
            "/leads/reports/quiz/",
            {
                "period": "custom",
                "from": start,
                "to": end,
                "export": "csv",
                "table": "questions",
                "course": course.pk,
            },
        )
        if response.status_code != 200:
            return response.status_code, None
        (table,) = read_export(response)["tables"].values()
        return 200, {
            question: (int(people) if people.isdigit() else people, float(facility) if facility else None)
            for question, people, facility, _ in table[1:]
        }

    day_ranges = [exported("2026-01-01", to) for to in DAYS]
    assert [status for status, _ in day_ranges] == [400] * len(DAYS)
    for to in DAYS:  # the confidence page, its export and the API refuse runs of days too
        params = {"period": "custom", "from": "2026-01-01", "to": to}
        assert client.get("/leads/reports/confidence/", params).status_code == 400
        assert client.get("/leads/reports/confidence/", {**params, "export": "csv"}).status_code == 400
        api = client.get(
            "/api/v1/confidence", {"start": "2026-01-01", "end": to}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert api.status_code == 400
    # Whole months are given, and every one that holds anyone holds all six.
    months = [
        exported(start, end)
        for start, end in [
            ("2025-12-01", "2025-12-31"),
            ("2026-01-01", "2026-01-31"),
            ("2025-12-01", "2026-01-31"),
            ("2026-01-01", "2026-03-31"),
            ("2026-01-01", "2026-12-31"),
        ]
    ]
    assert [status for status, _ in months] == [200] * 5
    tables = [table for _, table in months]
    assert {people for table in tables[1:] for people, _ in table.values()} == {6}
    assert difference(tables) == []
