"""What an attempt draws (issue 13): each pool its count, no question twice, the filters,
the knowledge check one per pool in turn, cases kept together on one page, variety over many
draws, and past attempts that keep their draw when the bank changes."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup

from cms.models import Agency
from courses import services as course_services
from quizzes.draws import draw, pages
from quizzes.interchange.data import build_question
from quizzes.models import Attempt, Question, Quiz, QuizPool, Response, Vignette
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    quiz_post,
    submit_pages,
)

pytestmark = pytest.mark.django_db

# key: (type, category, difficulty, own age band, case)
BANK = {
    "cse-1": ("true_false", "cse", "easy", None, None),
    "cse-2": ("true_false", "cse", "easy", None, None),
    "cse-3": ("single_choice", "cse", "hard", None, None),
    "cse-4": ("true_false", "cse", "medium", "13-17", None),
    "physical-1": ("single_choice", "physical", "hard", None, None),
    "physical-2": ("true_false", "physical", "medium", None, "police-case"),
    "law-1": ("true_false", "", "easy", None, None),
    "law-2": ("single_choice", "", "medium", "5-9", None),
    "law-3": ("true_false", "", "hard", None, "housing-case"),
    "online-1": ("true_false", "online", "medium", None, "police-case"),
    "online-2": ("true_false", "online", "easy", None, "housing-case"),
}
CASES = {"police-case": ("police", "13-17"), "housing-case": ("housing", "0-5")}


def question_data(key, kind, category, difficulty, age_band, case):
    data = {"key": key, "type": kind, "text": f"Question {key}?", "explanation": "Because."}
    if kind == "true_false":
        data["correct"] = True
    else:
        data["options"] = [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}]
    return dict(data, category=category, difficulty=difficulty, age_band=age_band, vignette=case)


def make_bank(pools=(), bank=BANK, **quiz_fields):
    """A quiz (no course needed to draw) with `bank`, its cases and `pools` (dicts)."""
    quiz = Quiz.objects.create(title="Draws", slug=f"draws-{Quiz.objects.count() + 1}", **quiz_fields)
    from quizzes.interchange.data import current_bands

    bands = current_bands()
    cases = {
        key: Vignette.objects.create(
            quiz=quiz,
            key=key,
            title=f"Case {key}",
            text="What happened.",
            agency=Agency.objects.get(code=agency),
            age_band=bands[band],
        )
        for key, (agency, band) in CASES.items()
    }
    for order, (key, fields) in enumerate(bank.items(), 1):
        build_question(quiz, question_data(key, *fields), sort_order=order, vignettes=cases)
    for order, pool in enumerate(pools):
        pool = dict(pool)
        if "age_band" in pool:
            pool["age_band"] = bands[pool["age_band"]]
        if "agency" in pool:
            pool["agency"] = Agency.objects.get(code=pool["agency"])
        QuizPool.objects.create(quiz=quiz, sort_order=order, label=f"Pool {order}", **pool)
    return quiz


def keys(snapshots):
    return [s["key"] for s in snapshots]


def test_each_pool_draws_its_count_and_no_question_twice():
    quiz = make_bank(
        [
            {"category": "cse", "count": 2},
            {"category": "none", "count": 1},
            {"category": "online", "count": 1},
        ]
    )
    for _ in range(40):
        drawn = keys(draw(quiz)[0])
        assert len(drawn) == len(set(drawn)) == 4
        assert Counter(key.split("-")[0] for key in drawn) == {"cse": 2, "law": 1, "online": 1}


def test_a_pool_takes_only_questions_no_earlier_pool_took():
    # The first pool may take any hard question (cse-3, physical-1, law-3); the second, every
    # cse question but cse-3, which the first pool could take even when it did not.
    quiz = make_bank([{"difficulty": "hard", "count": 1}, {"category": "cse", "count": 3}])
    seen = set()
    for _ in range(60):
        drawn = keys(draw(quiz)[0])
        assert len(drawn) == len(set(drawn)) == 4
        hard = [k for k in drawn if k in {"cse-3", "physical-1", "law-3"}]
        assert len(hard) == 1
        assert sorted(k for k in drawn if k not in hard) == ["cse-1", "cse-2", "cse-4"]
        seen.update(hard)
    assert seen == {"cse-3", "physical-1", "law-3"}


FILTERS = {
    "category": ({"category": "physical"}, {"physical-1", "physical-2"}),
    "no category": ({"category": "none"}, {"law-1", "law-2", "law-3"}),
    "type": ({"question_type": "single_choice"}, {"cse-3", "physical-1", "law-2"}),
    "own age band": ({"age_band": "5-9"}, {"law-2"}),
    "age band own or the case's": ({"age_band": "13-17"}, {"cse-4", "physical-2", "online-1"}),
    "the case's age band": ({"age_band": "0-5"}, {"law-3", "online-2"}),
    "agency of the case": ({"agency": "housing"}, {"law-3", "online-2"}),
    "difficulty": ({"difficulty": "easy"}, {"cse-1", "cse-2", "law-1", "online-2"}),
    "two filters": ({"category": "cse", "difficulty": "easy"}, {"cse-1", "cse-2"}),
}


@pytest.mark.parametrize("case", FILTERS)
def test_a_pool_draws_only_what_its_filters_match(case):
    pool, eligible = FILTERS[case]
    quiz = make_bank([dict(pool, count=1)])
    seen = set()
    for _ in range(60):
        drawn = keys(draw(quiz)[0])
        assert len(drawn) == 1 and drawn[0] in eligible
        seen.update(drawn)
    assert seen == eligible


def test_without_pools_every_question_once():
    quiz = make_bank()
    for _ in range(10):
        drawn = keys(draw(quiz)[0])
        assert sorted(drawn) == sorted(BANK)


def test_the_knowledge_check_draws_its_size_one_per_pool_in_turn():
    quiz = make_bank(
        [
            {"category": "cse", "count": 3},
            {"category": "none", "count": 1},
            {"category": "online", "count": 1},
        ]
    )
    for size, expected in ((3, {"cse": 1, "law": 1, "online": 1}), (5, {"cse": 2, "law": 2, "online": 1})):
        for _ in range(20):
            drawn = keys(draw(quiz, size)[0])
            assert len(drawn) == len(set(drawn)) == size
            assert Counter(key.split("-")[0] for key in drawn) == expected


def test_a_cases_questions_come_together_on_one_page():
    quiz = make_bank()
    case_of = {key: fields[4] for key, fields in BANK.items()}
    starts = Counter()
    for _ in range(40):
        snapshots = draw(quiz)[0]
        drawn = keys(snapshots)
        for case in CASES:
            places = [i for i, key in enumerate(drawn) if case_of[key] == case]
            assert places == list(range(places[0], places[0] + len(places)))
        starts[drawn[0]] += 1
        for page in pages(snapshots):
            on_page = {case_of[drawn[p - 1]] for p in page}
            assert len(on_page) == 1, on_page  # one case, or loose questions only
            if on_page == {None}:
                assert len(page) <= 3
            else:
                assert len(page) == sum(1 for c in case_of.values() if c in on_page)
    assert len(starts) > 3  # cases and loose questions come first in turn


def test_over_200_draws_every_eligible_question_is_drawn_and_the_order_varies():
    quiz = make_bank([{"category": "cse", "count": 2}, {"category": "none", "count": 2}])
    drawn_sets, orders, first = Counter(), set(), Counter()
    for _ in range(200):
        drawn = keys(draw(quiz)[0])
        drawn_sets[frozenset(drawn)] += 1
        orders.add(tuple(drawn))
        first[drawn[0]] += 1
    seen = set().union(*drawn_sets)
    assert seen == {"cse-1", "cse-2", "cse-3", "cse-4", "law-1", "law-2", "law-3"}
    assert len(drawn_sets) >= 15  # 6 x 3 = 18 possible draws
    assert max(drawn_sets.values()) < 40
    assert len(orders) > 100
    assert len(first) == 7 or set(first) >= {"cse-1", "cse-2", "cse-3", "cse-4", "law-1", "law-2"}


def test_the_opaque_ids_differ_between_attempts():
    quiz = make_bank(bank={k: v for k, v in BANK.items() if v[0] == "single_choice"})
    ids = [
        frozenset(option["id"] for snapshot in draw(quiz)[0] for option in snapshot["options"])
        for _ in range(20)
    ]
    assert len(set(ids)) == 20
    assert not set().union(*ids) & set(Question.objects.values_list("pk", flat=True))


def ready(questions=SAMPLE_QUESTIONS):
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course, questions)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    return learner, quiz


def test_past_attempts_keep_draw_order_answers_and_marks_when_the_bank_changes(client):
    learner, quiz = ready()
    QuizPool.objects.create(quiz=quiz, label="Everything", count=6, sort_order=0)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    marked = Attempt.objects.get(quiz=quiz)
    data = quiz_post(marked)
    half = {k: v for k, v in data.items() if int(k[1 : k.index("-")]) <= 3}
    submit_pages(client, marked, half)
    marked.refresh_from_db()
    assert marked.score == 50
    before = client.get(f"/quizzes/attempts/{marked.pk}/result/")
    def answers_of(attempt):
        responses = Response.objects.filter(attempt=attempt).select_related("version")
        return [(r.position, r.shown_snapshot, r.answer, r.score) for r in responses]

    stored = answers_of(marked)
    assert [snapshot for _, snapshot, _, _ in stored] == marked.questions
    client.post(f"/quizzes/{quiz.slug}/start/")
    open_attempt = Attempt.objects.get(quiz=quiz, submitted_at__isnull=True)
    open_questions = open_attempt.questions
    page_one = pages(open_attempt.questions)[0]
    client.post(
        f"/quizzes/attempts/{open_attempt.pk}/page/1/",
        {k: v for k, v in quiz_post(open_attempt).items() if int(k[1 : k.index("-")]) in page_one},
    )

    # The editor rewords the first question the open attempt shows, deletes another and the pool.
    reworded = Question.objects.get(pk=open_questions[0]["question_id"])
    reworded.text = "A reworded question"
    reworded.save()
    deleted = open_questions[1]["question_id"]
    Question.objects.filter(pk=deleted).delete()
    quiz.pools.all().delete()

    marked.refresh_from_db()
    assert marked.score == 50
    assert answers_of(marked) == stored
    after = client.get(f"/quizzes/attempts/{marked.pk}/result/")
    texts = [
        [
            q.get_text(" ", strip=True)
            for q in BeautifulSoup(page.content, "html.parser").select("h2, h3, legend")
        ]
        for page in (before, after)
    ]
    assert texts[0] == texts[1]
    assert b"A reworded question" not in after.content

    open_attempt.refresh_from_db()
    assert open_attempt.questions == open_questions
    page = client.get(f"/quizzes/attempts/{open_attempt.pk}/page/1/")
    assert b"A reworded question" not in page.content
    assert open_questions[0]["text"].encode() in page.content
    client.post(f"/quizzes/attempts/{open_attempt.pk}/summary/")
    open_attempt.refresh_from_db()
    assert open_attempt.submitted_at is not None
    assert open_attempt.score == pytest.approx(100 * len(page_one) / 6, abs=0.01)
    assert Response.objects.filter(attempt=open_attempt).count() == 6
    # The deleted question's response keeps its snapshot but points at no question.
    assert not Response.objects.filter(attempt=open_attempt, question_id=deleted).exists()
    assert Response.objects.filter(attempt=open_attempt, question__isnull=True).count() == 1
    assert [shown["text"] for _, shown, _, _ in answers_of(open_attempt)] == [
        q["text"] for q in open_questions
    ]
