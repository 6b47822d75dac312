"""The differencing attack from the issue, repeated: a lead asks for the quiz figures of
overlapping runs of days and, where "People" rises by one, subtracts to read that person's
answers. Quiz and confidence figures are only given for whole months, so every run of days
is refused and every period that is given holds the same people: the attack yields nothing.

The records are dated in 2025, before any of the demo data (at most 330 days old), so that a
course filter leaves out no one else's attempts (which would withhold its figures)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from wagtail.models import APIToken

from cms.models import Agency
from courses import reports as course_reports
from courses import services as course_services
from courses.models import AgencyLead, CoursePage
from quizzes import reports, services, summaries
from quizzes.models import Attempt, Quiz, Response
from quizzes.scoring import model_answer
from tests.export_reading import read_export
from tests.factories import (
    SAMPLE_QUESTIONS,
    finish_lesson,
    lessons_of,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    survey_ratings,
)

pytestmark = pytest.mark.django_db

DAYS = [f"2025-01-{day:02d}" for day in range(5, 13)]  # the lead's "to" dates, one a day


@pytest.fixture
def january():
    """Six housing learners take the quiz on 5 to 10 January 2025, one a day; the sixth gets
    every other question right."""
    course = make_course(lessons=1, title="Differencing course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    attempts = []
    for n in range(6):
        learner = make_learner("housing")
        enrolment = course_services.enrol(learner, course)
        open_the_quiz(enrolment)
        attempt = services.start_attempt(learner, quiz)
        right = (lambda i: i % 2 == 0) if n == 5 else (lambda i, n=n: i < n)
        services.submit_attempt(
            attempt, [model_answer(q) if right(i) else {} for i, q in enumerate(attempt.questions)]
        )
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=datetime(2025, 1, 5 + n, 12, tzinfo=UTC))
        summaries.rebuild()  # the update went round the tallies
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


def test_the_figures_cannot_be_asked_for_raw_day_ranges(january):
    """ "To 9 January" (five people) and "to 10 January" (six) would give away the sixth
    person's answer to every question: the figures are counted per whole month (the tallies
    hold no days), so a day range is refused outright rather than answered."""
    course, _ = january
    housing = Agency.objects.filter(code="housing")
    for to in DAYS:
        with pytest.raises(ValueError, match="whole months"):
            reports.question_statistics(
                housing, course_reports.Period(date(2025, 1, 1), date.fromisoformat(to)), course
            )
    whole = reports.question_statistics(
        housing, course_reports.Period(date(2025, 1, 1), date(2025, 1, 31)), course
    )
    assert {row["people"] for row in whole} == {6}


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

    day_ranges = [exported("2025-01-01", to) for to in DAYS]
    assert [status for status, _ in day_ranges] == [400] * len(DAYS)
    for to in DAYS:  # the confidence page, its export and the API refuse runs of days too
        params = {"period": "custom", "from": "2025-01-01", "to": to}
        assert client.get("/leads/reports/confidence/", params).status_code == 400
        assert client.get("/leads/reports/confidence/", {**params, "export": "csv"}).status_code == 400
        api = client.get(
            "/api/v1/confidence", {"start": "2025-01-01", "end": to}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert api.status_code == 400
    # Whole months are given, and every one that holds anyone holds all six.
    months = [
        exported(start, end)
        for start, end in [
            ("2024-12-01", "2024-12-31"),
            ("2025-01-01", "2025-01-31"),
            ("2024-12-01", "2025-01-31"),
            ("2025-01-01", "2025-03-31"),
            ("2025-01-01", "2025-12-31"),
        ]
    ]
    assert [status for status, _ in months] == [200] * 5
    tables = [table for _, table in months]
    assert {people for table in tables[1:] for people, _ in table.values()} == {6}
    assert difference(tables) == []


def take_part(course, quiz, survey_course, right, learner=None):
    """A housing learner (a new one unless given), now: the quiz (answering question i right
    when `right(i)`) and a course with both confidence surveys, whose completion the confidence
    figures count."""
    learner = learner or make_learner("housing")
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    attempt = services.start_attempt(learner, quiz)
    services.submit_attempt(
        attempt, [model_answer(q) if right(i) else {} for i, q in enumerate(attempt.questions)]
    )
    surveyed = course_services.enrol(learner, survey_course)
    course_services.submit_survey(surveyed, "before", survey_ratings("before", 2))
    finish_lesson(surveyed, lessons_of(survey_course)[0])
    course_services.submit_survey(surveyed, "after", survey_ratings("after", 4))
    return attempt


@pytest.fixture
def spring():
    """Six housing learners take part on 1 to 6 April 2025 and six more on 4 to 9 May, one a
    day at noon in London; the last of them gets every other question right."""
    course = make_course(lessons=1, title="In-progress course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    survey_course = make_course(lessons=1, title="Surveyed course")
    days = [date(2025, 4, day) for day in range(1, 7)] + [date(2025, 5, day) for day in range(4, 10)]
    for n, day in enumerate(days):
        with time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=UTC), tick=False):
            right = (lambda i: i % 2 == 0) if n == 11 else (lambda i, n=n: i < n)
            last = take_part(course, quiz, survey_course, right)
    last_answers = {
        text: score == 1
        for text, score in Response.objects.filter(attempt=last).values_list("question__text", "score")
    }
    return course, last_answers


def test_in_progress_periods_cannot_be_counted_day_by_day(spring):
    """Counted up to each day of May, "this quarter" would rise by one a day and give away the
    last person's answers: the figures refuse any period that stops mid-month."""
    course, _ = spring
    housing = Agency.objects.filter(code="housing")
    for day in range(1, 31):
        with pytest.raises(ValueError, match="whole months"):
            reports.question_statistics(
                housing, course_reports.Period(date(2025, 4, 1), date(2025, 5, day)), course
            )


def test_the_attack_on_this_quarter_and_this_year_every_day_of_a_month_yields_nothing(client, spring):
    """A lead looks at "this quarter" and "this year" every day of May 2025, on the page, in
    the export and through the API: the figures stop at 30 April and say so, so they are the
    same every day, and May's six people appear together once May has ended."""
    course, _ = spring
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    token = APIToken.create_token(user=lead, name="attack")[1]
    note = (
        "Figures up to 30 April 2025: the current month and the months after it are counted once they "
        "have ended."
    )

    def looked(day, period):
        with time_machine.travel(datetime(2025, day.month, day.day, 12, tzinfo=UTC), tick=False):
            client.force_login(lead)
            params = {"period": period, "course": course.pk}
            quiz = read_export(client.get("/leads/reports/quiz/", {**params, "export": "csv"}))
            page = client.get("/leads/reports/confidence/", {"period": period}).content.decode()
            confidence = read_export(
                client.get("/leads/reports/confidence/", {"period": period, "export": "csv"})
            )
            bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            api = client.get("/api/v1/confidence", {"period": period}, **bearer).json()
        (questions,) = quiz["tables"].values()
        return {
            "questions": questions[1:],
            "confidence": next(iter(confidence["tables"].values()))[1:],
            "api": (api["period_end"], api["overall"]["people"], api["note"]),
            "notes": (quiz["about"].get("Note"), confidence["about"].get("Note"), note in page),
        }

    for period in ("this_quarter", "this_year"):
        may = [looked(date(2025, 5, day), period) for day in range(1, 32)]
        assert all(seen == may[0] for seen in may)  # nothing changes from day to day
        assert {people for _, people, *_ in may[0]["questions"]} == {"6"}  # April's six only
        assert may[0]["confidence"][0][1] == "6"
        assert may[0]["api"] == ("2025-04-30", 6, note)
        assert may[0]["notes"] == (note, note, True)
        assert difference([{q: (int(p), float(f)) for q, p, f, _ in day["questions"]} for day in may]) == []
    june = looked(date(2025, 6, 1), "this_quarter")
    assert {people for _, people, *_ in june["questions"]} == {"12"}
    june_note = "Figures up to 31 May 2025: the current month is counted once it has ended."
    assert june["api"] == ("2025-05-31", 12, june_note)


def test_a_quarter_with_no_month_ended_gives_no_figures_and_says_why(client, spring):
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    with time_machine.travel(datetime(2025, 4, 20, 12, tzinfo=UTC), tick=False):
        client.force_login(lead)
        for url in ("/leads/reports/confidence/", "/leads/reports/quiz/"):
            response = client.get(url, {"period": "this_quarter"})
            assert response.status_code == 400
            page = response.content.decode()
            assert "There are no confidence or quiz figures for 1 April 2025 to 30 June 2025 yet" in page
            assert "April 2025 has not ended" in page and "<table" not in page
            assert client.get(url, {"period": "this_quarter", "export": "csv"}).status_code == 400
        default = client.get("/leads/reports/quiz/").content.decode()  # the last 12 whole months
        assert "1 April 2024 to 31 March 2025" in default and "<table" in default


def test_an_attempt_at_2330_utc_on_31_march_is_counted_in_april_in_london(client):
    """23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST). An attempt made then
    is April's; and a lead looking then is on 1 April: "this quarter" (April to June) has no
    month ended yet, and "this year" stops at 31 March, without the attempt."""
    course = make_course(lessons=1, title="Midnight course")
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    housing = Agency.objects.filter(code="housing")
    with time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        learner = make_learner("housing")
        enrolment = course_services.enrol(learner, course)
        open_the_quiz(enrolment)
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])
        client.force_login(lead)
        assert client.get("/leads/reports/quiz/", {"period": "this_quarter"}).status_code == 400
        page = client.get("/leads/reports/quiz/", {"period": "this_year"}).content.decode()
        year, problem = course_reports.months_ended(course_reports.period_from({"period": "this_year"})[0])
    assert "1 January 2026 to 31 March 2026" in page
    assert (year.start, year.end, problem) == (date(2026, 1, 1), date(2026, 3, 31), None)

    def counted(start, end):
        period = course_reports.Period(start, end)
        return list(reports.first_attempts(housing, period, course).values_list("pk", flat=True))

    assert counted(year.start, year.end) == [] and counted(date(2026, 3, 1), date(2026, 3, 31)) == []
    assert counted(date(2026, 4, 1), date(2026, 4, 30)) == [attempt.pk]
    with time_machine.travel(datetime(2026, 4, 30, 23, 30, tzinfo=UTC), tick=False):  # 1 May in London
        quarter, problem = course_reports.months_ended(
            course_reports.period_from({"period": "this_quarter"})[0]
        )
    assert (quarter.start, quarter.end, problem) == (date(2026, 4, 1), date(2026, 4, 30), None)


def test_all_job_roles_minus_one_job_role_yields_nothing(client, january):
    """A seventh housing learner, a manager, takes the quiz on 11 January. "All job roles"
    (seven people) minus "Housing officer" (six) would be her answers: the filtered figures are
    withheld, with a plain message, while the unfiltered ones and a filter that leaves no one
    out are given."""
    course, _ = january
    manager = make_learner("housing", job_role="manager")
    enrolment = course_services.enrol(manager, course)
    open_the_quiz(enrolment)
    attempt = services.start_attempt(manager, Quiz.objects.get(course=course))
    services.submit_attempt(
        attempt, [model_answer(q) if i % 3 == 0 else {} for i, q in enumerate(attempt.questions)]
    )
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=datetime(2025, 1, 11, 12, tzinfo=UTC))
    summaries.rebuild()  # the update went round the tallies
    hers = {
        text: score == 1
        for text, score in Response.objects.filter(attempt=attempt).values_list("question__text", "score")
    }
    housing = Agency.objects.filter(code="housing")
    january_period = course_reports.Period(date(2025, 1, 1), date(2025, 1, 31))

    def table(job_role):
        return {
            row["question"]: (row["people"], row["facility"])
            for row in reports.question_statistics(housing, january_period, course, job_role)
        }

    assert sorted(difference([table("housing"), table(None)])) == sorted(hers.items())  # the attack, raw

    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(lead)
    month = {"period": "custom", "from": "2025-01-01", "to": "2025-01-31", "course": course.pk}
    filtered = client.get("/leads/reports/quiz/", {**month, "job_role": "housing"})
    assert filtered.status_code == 400 and "<table" not in filtered.content.decode()
    assert "leaves out 1 to 4 people" in filtered.content.decode()
    exported = client.get("/leads/reports/quiz/", {**month, "job_role": "housing", "export": "csv"})
    assert exported.status_code == 400
    # The course chosen leaves no one out (it is the only quiz), so its figures are given.
    (whole,) = read_export(client.get("/leads/reports/quiz/", {**month, "export": "csv"}))["tables"].values()
    assert {people for _, people, *_ in whole[1:]} == {"7"}
    # "Manager" leaves out six: given, and her figures alone read "fewer than 5".
    (alone,) = read_export(
        client.get("/leads/reports/quiz/", {**month, "job_role": "manager", "export": "csv"})
    )["tables"].values()
    assert {people for _, people, *_ in alone[1:]} == {"fewer than 5"}


def test_confidence_for_one_job_role_is_withheld_when_it_leaves_out_one_person(client, spring):
    """April 2025's six housing officers and one manager, all with both surveys: the confidence
    figures for "Housing officer" would be the manager's ratings subtracted from all seven."""
    course, _ = spring
    manager = make_learner("housing", job_role="manager")
    with time_machine.travel(datetime(2025, 4, 7, 11, tzinfo=UTC), tick=False):
        surveyed = CoursePage.objects.get(title="Surveyed course")
        take_part(course, Quiz.objects.get(course=course), surveyed, bool, manager)
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(lead)
    token = APIToken.create_token(user=lead, name="attack")[1]
    april = {"period": "custom", "from": "2025-04-01", "to": "2025-04-30"}
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = {"start": "2025-04-01", "end": "2025-04-30"}
    assert client.get("/api/v1/confidence", api, **bearer).json()["overall"]["people"] == 7
    for role in ("housing", "manager"):  # leaves out one, and leaves out six
        page = client.get("/leads/reports/confidence/", {**april, "job_role": role})
        filtered = client.get("/api/v1/confidence", {**api, "job_role": role}, **bearer)
        if role == "housing":
            assert page.status_code == filtered.status_code == 400
            assert (
                "leaves out 1 to 4 people" in page.content.decode() and "<table" not in page.content.decode()
            )
            assert "leaves out 1 to 4 people" in filtered.json()["detail"]
        else:
            assert page.status_code == filtered.status_code == 200
            assert filtered.json()["overall"]["withheld"] is True  # one manager: fewer than 5
