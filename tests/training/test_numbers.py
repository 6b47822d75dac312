"""Numbers trained by delivery mode (`training.numbers`), against raw rows whose figures are
worked out by hand in each test's docstring or comments: every test twice, the people who
completed read from the tallies where the scope and period allow, and counted from the
completions."""

from datetime import date

import pytest

from cms.models import Agency
from courses import pairs
from courses.reports import Period
from tests.factories import make_course, make_learner
from tests.training.numbers_helpers import Q1_2025, completion, london, training_return
from training.numbers import trained_by_mode

pytestmark = pytest.mark.django_db
FIGURES = ("e_learning", "session", "single_agency", "total")


@pytest.fixture(autouse=True, params=["tallies", "records"])
def source(request, monkeypatch):
    """Where the completions are counted from: the tallies, or the records (the scope is
    looked up as the page does, then treated as one the tallies do not count)."""
    if request.param == "records":
        looked_up = pairs.tallied_scope
        monkeypatch.setattr(pairs, "tallied_scope", lambda agencies, period: looked_up(agencies, period) and None)
    return request.param


def figures(result, agency="All agencies"):
    row = (
        result["all_agencies"]
        if agency == "All agencies"
        else next(r for r in result["rows"] if r["agency"] == agency)
    )
    return tuple(row[key] for key in FIGURES)


@pytest.fixture
def scene():
    """Housing and health, the first quarter of 2025 (GMT until 30 March, then BST).

    Housing: Alice did course A by e-learning twice and at a session, and course B by
    e-learning; Bob attended a session of A at 23:30 on 31 March (BST: 22:30 UTC, still in the
    quarter); Carol's e-learning at 00:30 on 1 April (BST: 23:30 UTC on 31 March) and Dan's at
    23:30 on 31 December 2024 (GMT) are outside it. Returns: course A listing Alice (her email
    in capitals), Erin, and Frank twice without an email; course A again listing Erin in
    capitals; a topic listing Erin; course B with 6 housing officers and 4 social workers; one
    delivered on 1 April (outside).
    Health: Alice did course A by e-learning for health too (she moved); a return of course A
    lists Erin."""
    course_a, course_b = make_course(lessons=1), make_course(lessons=1)
    alice = make_learner("housing", email="alice@example.org")
    bob, carol, dan = (make_learner("housing") for _ in range(3))
    completion(alice, course_a, "housing", london(2025, 2, 3, 10))
    completion(alice, course_a, "housing", london(2025, 3, 3, 10))
    completion(alice, course_a, "housing", london(2025, 3, 10, 10), mode="session")
    completion(alice, course_b, "housing", london(2025, 1, 1, 0, 0))
    completion(bob, course_a, "housing", london(2025, 3, 31, 23, 30), mode="session", job_role="police")
    completion(carol, course_a, "housing", london(2025, 4, 1, 0, 30))
    completion(dan, course_a, "housing", london(2024, 12, 31, 23, 30))
    completion(alice, course_a, "health", london(2025, 1, 20, 9))
    listed = [("Alice", "ALICE@Example.org"), ("Erin", "erin@example.org"), ("Frank", ""), ("Frank", "")]
    training_return("housing", date(2025, 2, 10), course=course_a, attendees=listed)
    training_return("housing", date(2025, 3, 31), course=course_a, attendees=[("Erin", "ERIN@example.org")])
    training_return(
        "housing",
        date(2025, 3, 1),
        topic="Harmful sexual behaviour",
        attendees=[("Erin", "erin@example.org")],
    )
    training_return(
        "housing", date(2025, 1, 1), course=course_b, headcounts=[("housing", 6), ("social_worker", 4)]
    )
    training_return("housing", date(2025, 4, 1), course=course_a, attendees=[("Gail", "gail@example.org")])
    training_return("health", date(2025, 2, 1), course=course_a, attendees=[("Erin", "erin@example.org")])
    return course_a, course_b


def scope(*codes):
    return Agency.objects.filter(code__in=codes)


def test_each_mode_and_the_total_match_the_rows_worked_out_by_hand(scene):
    result = trained_by_mode(scope("housing", "health"), Period(*Q1_2025))
    assert [row["agency"] for row in result["rows"]] == [
        a.name for a in scope("housing", "health").order_by("sort_order", "name")
    ]
    # E-learning: (Alice, A) once for two completions, (Alice, B): 2. Sessions: (Alice, A), (Bob, A): 2.
    # Listed: Alice|A, Erin|A (twice, once), Frank, Frank, Erin|topic: 5; plus 6 + 4 counted: 15.
    # Total: pairs (Alice, A), (Alice, B), (Bob, A) = 3; listed not already counted: Erin|A, Frank,
    # Frank, Erin|topic = 4 (Alice's account completed A); headcounts 10: 17.
    assert figures(result, "Housing") == (2, 2, 15, 17)
    # Health: (Alice, A) by e-learning; Erin listed for A, with no account: 1 + 1.
    assert figures(result, "Health") == (1, 0, 1, 2)
    # All agencies: (Alice, A) once although both agencies recorded it; Erin|A once although both
    # listed her; so 17, less than 17 + 2.
    assert figures(result) == (2, 2, 15, 17)


def test_the_columns_can_add_up_to_more_than_the_total(scene):
    housing = figures(trained_by_mode(scope("housing"), Period(*Q1_2025)), "Housing")
    assert sum(housing[:3]) == 19 > housing[3] == 17


def test_london_days_decide_the_period_in_both_gmt_and_bst(scene):
    course_a, _ = scene
    # Only the first day: Alice's course B at 00:00 GMT on 1 January and the headcounts of that day.
    new_year = trained_by_mode(scope("housing"), Period(date(2025, 1, 1), date(2025, 1, 1)))
    assert figures(new_year, "Housing") == (1, 0, 10, 11)
    # 31 December 2024 alone: Dan's 23:30 GMT e-learning.
    assert figures(trained_by_mode(scope("housing"), Period(date(2024, 12, 31), date(2024, 12, 31)))) == (
        1,
        0,
        0,
        1,
    )
    # 1 April 2025 alone: Carol's 00:30 BST e-learning (23:30 UTC on 31 March) and Gail's return.
    april = trained_by_mode(scope("housing"), Period(date(2025, 4, 1), date(2025, 4, 1)))
    assert figures(april) == (1, 0, 1, 2)
    # 31 March alone: Bob's 23:30 BST session, and Erin listed for A that day with no account.
    march = trained_by_mode(scope("housing"), Period(date(2025, 3, 31), date(2025, 3, 31)))
    assert figures(march) == (0, 1, 1, 2)


def test_a_course_chosen_drops_other_courses_and_topic_only_returns(scene):
    course_a, _ = scene
    result = trained_by_mode(scope("housing", "health"), Period(*Q1_2025), course=course_a)
    # Housing: e-learning (Alice, A); sessions Alice, Bob; listed Alice|A, Erin|A, Frank, Frank;
    # total: 2 pairs + Erin, Frank, Frank = 5. Course B's headcounts and the topic drop out.
    assert figures(result, "Housing") == (1, 2, 4, 5)
    assert figures(result, "Health") == (1, 0, 1, 2)
    assert figures(result) == (1, 2, 4, 5)


def test_a_job_role_counts_completions_headcounts_and_attendees_of_that_role(scene):
    course_a, _ = scene
    training_return(
        "housing", date(2025, 2, 2), course=course_a, attendees=[("Hal", "hal@example.org", "police")]
    )
    police = trained_by_mode(scope("housing"), Period(*Q1_2025), job_role="police")
    # Bob's session (recorded as police) and Hal, listed as police.
    assert figures(police, "Housing") == (0, 1, 1, 2)
    social = trained_by_mode(scope("housing"), Period(*Q1_2025), job_role="social_worker")
    assert figures(social, "Housing") == (0, 0, 4, 4)


def test_an_attendee_matched_to_a_completion_only_in_another_agency_counts_in_her_own_row():
    """Ivy completed course A by e-learning for police; housing's return lists her. Each row
    counts its own records (1 and 1); all agencies counts her once for course A."""
    course = make_course(lessons=1)
    ivy = make_learner("police", email="Ivy@Example.org")
    completion(ivy, course, "police", london(2025, 2, 1, 12))
    training_return("housing", date(2025, 2, 2), course=course, attendees=[("Ivy", "ivy@example.org")])
    result = trained_by_mode(scope("housing", "police"), Period(*Q1_2025))
    assert figures(result, "Housing") == (0, 0, 1, 1)
    assert figures(result, "Police") == (1, 0, 0, 1)
    assert figures(result) == (1, 0, 1, 1)


def test_agencies_out_of_scope_are_not_counted(scene):
    result = trained_by_mode(scope("health"), Period(*Q1_2025))
    assert [row["agency"] for row in result["rows"]] == ["Health"]
    assert figures(result) == (1, 0, 1, 2)


def test_nothing_in_the_period_gives_zeros_for_every_agency():
    result = trained_by_mode(scope("housing", "police"), Period(date(2001, 1, 1), date(2001, 3, 31)))
    assert [figures(result, row["agency"]) for row in result["rows"]] == [(0, 0, 0, 0)] * 2
    assert figures(result) == (0, 0, 0, 0)


def test_the_queries_are_the_same_for_one_record_and_many(django_assert_num_queries):
    course = make_course(lessons=1)
    first = make_learner("housing")
    completion(first, course, "housing", london(2025, 2, 1, 12))
    period = Period(*Q1_2025)
    with django_assert_num_queries(7):
        one = trained_by_mode(Agency.objects.filter(code="housing"), period)
    assert figures(one) == (1, 0, 0, 1)
    for n in range(6):
        person = make_learner("police")
        completion(person, course, "police", london(2025, 2, 1, 12), mode="session")
        training_return(
            "police", date(2025, 2, n + 1), course=course, attendees=[(f"P{n}", f"p{n}@example.org")]
        )
        training_return("health", date(2025, 2, n + 1), topic="Briefing", headcounts=[("nurse", 2)])
    with django_assert_num_queries(7):
        many = trained_by_mode(Agency.objects.all(), period)
    assert figures(many) == (1, 6, 6 + 12, 1 + 6 + 6 + 12)
