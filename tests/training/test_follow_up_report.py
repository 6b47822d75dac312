"""The "Impact on practice" tab: figures worked out by hand from raw rows, small groups
withheld so that none can be worked out from the others, notes for the partnership manager
only, and the same number of queries however many follow-ups there are."""

from datetime import date, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import Agency
from courses.reports import Period
from courses.statistics import FEWER_THAN_FIVE
from tests.training.test_follow_up_helpers import NOW, completed, course_with
from training import follow_up as service
from training.models import FollowUp

pytestmark = pytest.mark.django_db
JANUARY = Period(date(2016, 1, 1), date(2016, 1, 31))
SENT = NOW - timedelta(days=40)  # 21 January 2016
QUERY = {"period": "custom", "from": "2016-01-01", "to": "2016-01-31"}
CHANGES = ["noticed", "asked", "lead", "referral", "recorded", "tool", "shared", "nothing"]


def follow_up(course, agency="housing", mode="e_learning", answer=None, sent_at=SENT, note=""):
    done = completed(course, sent_at - timedelta(weeks=12), agency=agency, mode=mode)
    row = FollowUp.objects.create(completion=done, sent_at=sent_at)
    if answer:
        used, confidence, changes = answer
        FollowUp.objects.filter(pk=row.pk).update(
            answered_at=sent_at + timedelta(days=2),
            used=used,
            confidence_now=confidence,
            changes=changes,
            note=note,
        )
    return row


HOUSING_ANSWERS = [
    ("often", 2, ["noticed", "lead"]),
    ("once", 3, ["lead"]),
    ("not_yet", 4, ["nothing"]),
    ("no", 4, ["nothing"]),
    ("often", 5, ["shared", "noticed"]),
]


@pytest.fixture
def course():
    return course_with(12, title="Core course")


def figures_of(table):
    return {row.values[0]: dict(zip(table.headings, row.values, strict=True)) for row in table.rows}


def housing_only(course):
    for answer in HOUSING_ANSWERS:
        follow_up(course, answer=answer)
    follow_up(course)  # sent, not answered
    follow_up(
        course, answer=("often", 1, ["tool"]), sent_at=NOW - timedelta(days=70)
    )  # December: not counted


def test_the_figures_of_one_agency_worked_out_by_hand(course):
    housing_only(course)
    overall, by_agency, by_course, by_mode = service.figures(Agency.objects.filter(code="housing"), JANUARY)
    row = figures_of(by_agency)["Housing"]
    assert row["Sent"] == 6
    assert row["Answered"] == 5
    assert row["Response rate"] == 83.3  # 5 ÷ 6
    assert row["Used it"] == 3  # often, once, often
    assert row["Used it (share)"] == 60.0  # 3 ÷ 5
    assert row["Median confidence now"] == 4  # 2, 3, 4, 4, 5
    counts = [row[label] for label in (dict(FollowUp.Change.choices)[c] for c in CHANGES)]
    assert counts == [2, 0, 2, 0, 0, 0, 1, 2]
    assert figures_of(overall)["All"]["Sent"] == 6
    assert figures_of(by_course)["Core course"]["Answered"] == 5
    assert figures_of(by_mode)["E-learning"]["Answered"] == 5


def test_a_group_with_fewer_than_five_answers_and_enough_others_to_cover_it_are_withheld(course):
    housing_only(course)  # 5 answers
    follow_up(course, agency="health", answer=("once", 3, ["lead"]))  # 1 answer
    for _ in range(7):
        follow_up(course, agency="police", answer=("often", 5, ["referral"]))
    by_agency = figures_of(service.figures(Agency.objects.all(), JANUARY)[1])
    # Health alone (1 answer) would be the overall minus the rest: housing, the next smallest,
    # is withheld with it, so the withheld together hold 6 answers.
    assert set(by_agency["Health"].values()) == {"Health", FEWER_THAN_FIVE}
    assert set(by_agency["Housing"].values()) == {"Housing", FEWER_THAN_FIVE}
    assert by_agency["Police"]["Answered"] == 7
    assert by_agency["Police"]["Median confidence now"] == 5


def test_delivery_modes_side_by_side(course):
    for answer in HOUSING_ANSWERS:
        follow_up(course, mode="session", answer=answer)
    for _ in range(5):
        follow_up(course, answer=("no", 1, ["nothing"]))
    by_mode = figures_of(service.figures(Agency.objects.all(), JANUARY)[3])
    assert by_mode["Multi-agency session"]["Used it"] == 3
    assert by_mode["E-learning"]["Used it"] == 0
    assert by_mode["E-learning"]["Median confidence now"] == 1


def test_no_follow_ups_sent_gives_no_rate(course):
    overall = service.figures(Agency.objects.all(), JANUARY)[0]
    assert overall.rows == ()


def user(email):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def march():
    """The pages give figures for months that have ended: January 2016 has, by 1 March."""
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_lead_sees_her_agency_and_no_notes(client, course, march):
    for answer in HOUSING_ANSWERS:
        follow_up(course, answer=answer, note="I spoke to my lead the same day.")
    for answer in HOUSING_ANSWERS:
        follow_up(course, agency="police", answer=answer)
    client.force_login(user("lead.housing@example.org"))
    response = client.get(reverse("training:report_impact"), QUERY)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    agencies = [row.th.get_text(strip=True) for row in page.select("[data-table=by_agency] tbody tr")]
    assert agencies == ["Housing"]
    assert "I spoke to my lead" not in page.get_text()
    assert page.select_one("#notes") is None


def test_the_manager_sees_notes_with_course_and_month_only_newest_first(client, course, march):
    for n, answer in enumerate(HOUSING_ANSWERS):
        follow_up(course, answer=answer, sent_at=SENT + timedelta(days=n), note=f"Note {n}")
    client.force_login(user("manager@example.org"))
    page = BeautifulSoup(client.get(reverse("training:report_impact"), QUERY).content, "html.parser")
    notes = [item.get_text(" | ", strip=True) for item in page.select(".follow-up-notes li")]
    assert notes == [f"Note {n} | Core course · January 2016" for n in (4, 3, 2, 1, 0)]
    learner_names = FollowUp.objects.values_list("completion__learner__email", flat=True)
    assert not any(email in page.get_text() for email in learner_names)


def test_a_learner_is_refused(client, course, march):
    client.force_login(user("learner.health@example.org"))
    assert client.get(reverse("training:report_impact"), QUERY).status_code == 403


def test_the_download_and_the_api_serve_the_same_figures(client, course, march):
    housing_only(course)
    client.force_login(user("lead.housing@example.org"))
    response = client.get(reverse("training:report_impact"), {**QUERY, "export": "csv"})
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    assert "Housing,6,5,83.3,3,60.0,4," in text


def test_queries_do_not_grow_with_the_follow_ups(client, course, march, django_assert_max_num_queries):
    client.force_login(user("manager@example.org"))
    follow_up(course, answer=HOUSING_ANSWERS[0], note="One note.")
    counts = []
    for more in (0, 30):
        for n in range(more):
            follow_up(
                course, agency=["housing", "police", "health"][n % 3], answer=HOUSING_ANSWERS[n % 5], note="N"
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("training:report_impact"), QUERY).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(reverse("training:report_impact"), QUERY)
