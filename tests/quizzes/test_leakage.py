"""Nothing in an attempt's pages gives a right answer away (issue 13).

Fifty attempts of a quiz with every question type are started and every page is parsed as
a script would read it. The truth comes from the test's own question data (by the text of
each option, step or term), never from the code under test. For each question the part that
stands out (the one right option, the one wrong option, the first step, a term's right
description) must not sit in one shown position, nor hold the smallest id, in most attempts;
ids must be new in every attempt and never the database's; no attribute may differ between
right and wrong parts."""

from collections import Counter, defaultdict

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

from courses import services as course_services
from quizzes import services
from quizzes.models import Behaviour, MatchPair, Observation, Option, OrderStep
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
)

pytestmark = pytest.mark.django_db

ATTEMPTS = 50
# The part that stands out in each question, named by its text in SAMPLE_QUESTIONS.
MARKER = {
    "single_choice": "Your safeguarding lead",  # the one right option
    "multiple_response": "Promise secrecy",  # the one wrong option
    "spot_indicators": "Enjoys football",  # the one observation that is not an indicator
    "traffic_light_sort": "Secretive and coercive play",  # the red behaviour
    "order": "Concern",  # the first step
}
RIGHT_ORDER = ["Concern", "Safeguarding lead", "Referral", "Strategy discussion"]
RIGHT_DEFINITION = {"CSE": "Exploitation", "HSB": "Harmful behaviour", "PSB": "Problematic behaviour"}
# Attributes that legitimately differ from part to part.
OWN_ATTRIBUTES = {"id", "name", "value", "for", "checked", "selected"}


def number_after(text, prefix):
    assert text.startswith(prefix), (text, prefix)
    return int(text[len(prefix) :])


def parts_of(question, kind):
    """[(text, id, element)] of a question's parts in the order shown."""
    if kind in ("single_choice", "multiple_response", "spot_indicators"):
        return [
            (question.select_one(f"label[for='{i['id']}']").get_text(strip=True), int(i["value"]), i)
            for i in question.select("input[type=checkbox], input[type=radio]")
        ]
    if kind == "order":
        name = question.select_one("select")["name"]
        prefix = name[: name.index("-step-") + len("-step-")]
        return [
            (li.label.get_text(strip=True), number_after(li.select_one("select")["name"], prefix), li)
            for li in question.select("[data-order-step]")
        ]
    if kind == "traffic_light_sort":
        result = []
        for item in question.select("[data-sort-item]"):
            name = item.select_one("input[type=hidden]")["name"]
            result.append((item.legend.get_text(strip=True), int(name.rsplit("-", 1)[1]), item))
        return result
    if kind == "matching":
        return [
            (
                match.label.get_text(strip=True),
                int(match.select_one("select")["name"].rsplit("-", 1)[1]),
                match,
            )
            for match in question.select(".match")
        ]
    return []


def signature(element):
    return sorted((k, str(v)) for k, v in element.attrs.items() if k not in OWN_ATTRIBUTES)


@pytest.fixture
def attempts_seen(client):
    """Every page of 50 attempts, parsed: [{kind: question element}] per attempt."""
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    client.force_login(learner)
    seen, pages_html = [], []
    for _ in range(ATTEMPTS):
        attempt = services.start_attempt(learner, quiz)
        questions, number = {}, 1
        while True:
            response = client.get(f"/quizzes/attempts/{attempt.pk}/page/{number}/")
            if response.status_code == 404:
                break
            assert response.status_code == 200
            pages_html.append(response.content)
            soup = BeautifulSoup(response.content, "html.parser")
            for question in soup.select("form.quiz-form .question"):
                questions[question["data-type"]] = question
            number += 1
        assert len(questions) == len(SAMPLE_QUESTIONS)
        seen.append(questions)
        services.submit_attempt(attempt, [{}] * len(attempt.questions))
    return seen, pages_html


def spread_ok(counter, choices):
    """No place holds the marker in more than 1/k + 0.3 of the attempts (for 50 fair draws
    such a share has a chance well under 1 in 10,000)."""
    return max(counter.values()) <= (1 / choices + 0.3) * ATTEMPTS


def test_nothing_in_the_pages_correlates_with_the_right_answers(attempts_seen):
    seen, pages_html = attempts_seen
    database_ids = set()
    for model in (Option, OrderStep, MatchPair, Observation, Behaviour):
        database_ids.update(model.objects.values_list("pk", flat=True))
    shown_position, smallest_id = defaultdict(Counter), defaultdict(Counter)
    ids_of = defaultdict(set)
    definition_position, definition_beside_term, definition_smallest = (Counter(), Counter(), Counter())
    for questions in seen:
        for kind, question in questions.items():
            parts = parts_of(question, kind)
            for text, number, _element in parts:
                ids_of[(kind, text)].add(number)
                assert number not in database_ids, f"{kind}: {text} shows a database id"
            assert len({tuple(map(tuple, signature(e))) for _, _, e in parts}) <= 1, (
                f"{kind}: attributes differ"
            )
            if kind in MARKER:
                texts = [text for text, _, _ in parts]
                numbers = [number for _, number, _ in parts]
                marker = texts.index(MARKER[kind])
                shown_position[kind][marker] += 1
                smallest_id[kind][numbers[marker] == min(numbers)] += 1
            if kind == "matching":
                options = [
                    [(int(o["value"]), o.get_text(strip=True)) for o in match.select("option") if o["value"]]
                    for _, _, match in parts
                ]
                for row, (term, term_id, _) in enumerate(parts):
                    values = [value for value, _ in options[row]]
                    right = next(value for value, text in options[row] if text == RIGHT_DEFINITION[term])
                    assert term_id != right, "a term's field names its right description"
                    assert right not in database_ids
                    ids_of[("definition", RIGHT_DEFINITION[term])].add(right)
                    place = values.index(right)
                    definition_position[(term, place)] += 1
                    definition_beside_term[place == row] += 1
                    definition_smallest[right == min(values)] += 1
                assert sorted(text for text, _, _ in parts) == sorted(RIGHT_DEFINITION)
    for kind, counter in shown_position.items():
        choices = len(parts_of(seen[0][kind], kind))
        assert spread_ok(counter, choices), f"{kind}: the marked part sits at {counter}"
        assert smallest_id[kind][True] <= (1 / choices + 0.3) * ATTEMPTS, f"{kind}: smallest id {smallest_id}"
    assert set(shown_position) == set(MARKER)
    for term in RIGHT_DEFINITION:
        places = Counter({place: n for (t, place), n in definition_position.items() if t == term})
        assert spread_ok(places, 3), f"matching {term}: right description at {places}"
    pairs = ATTEMPTS * len(RIGHT_DEFINITION)
    assert definition_beside_term[True] <= (1 / 3 + 0.2) * pairs
    assert definition_smallest[True] <= (1 / 3 + 0.2) * pairs
    for (kind, text), numbers in ids_of.items():
        assert len(numbers) == ATTEMPTS, f"{kind} {text}: ids repeat between attempts"
    for html in pages_html:
        soup = BeautifulSoup(html, "html.parser")
        for element in soup.select("form.quiz-form, form.quiz-form *"):
            for name, value in element.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                assert "correct" not in f"{name} {value}".lower(), (element.name, name, value)
                assert "answer" not in name.lower(), (element.name, name)


def test_the_order_steps_right_place_is_spread():
    """Each step's right place, not just the first's: across many layouts none sits in its
    own place more often than chance allows (checked on the layout the page uses)."""
    from quizzes.answers import layout

    snapshot = {
        "type": "order",
        "steps": [{"id": 100 + n, "text": text, "timescale": ""} for n, text in enumerate(RIGHT_ORDER)],
    }
    in_place = Counter()
    for seed in range(200):
        shown = layout(snapshot, f"{seed}-1")
        for place, step in enumerate(shown["steps"]):
            in_place[RIGHT_ORDER.index(step["text"]) == place] += 1
    assert in_place[True] <= (1 / 4 + 0.1) * 200 * 4


def test_the_page_script_knows_nothing_of_answers():
    script = finders.find("quizzes/quiz.js")
    text = open(script, encoding="utf-8").read().lower()
    assert "correct" not in text
