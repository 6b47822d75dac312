"""The follow-up survey page: only its learner sees it, bad answers change nothing, and it is
answered once."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import make_learner
from tests.training.test_follow_up_helpers import NOW, completed, course_with
from training import follow_up as service
from training.models import FollowUp

pytestmark = pytest.mark.django_db
GOOD = {"used": "once", "confidence_now": "4", "changes": ["noticed", "lead"], "note": ""}


@pytest.fixture
def sent():
    return FollowUp.objects.create(completion=completed(course_with(12), NOW), sent_at=NOW)


def url(follow_up):
    return reverse("training:follow_up", args=[follow_up.pk])


def errors(response):
    summary = BeautifulSoup(response.content, "html.parser").select_one(".error-summary")
    return [item.get_text(strip=True) for item in summary.select("li")] if summary else []


def test_signed_out_people_are_sent_to_sign_in_and_others_get_404(client, sent):
    response = client.get(url(sent))
    assert response.status_code == 302
    assert response.url == f"/accounts/sign-in/?next={url(sent)}"
    client.force_login(make_learner("health"))
    assert client.get(url(sent)).status_code == 404
    assert client.post(url(sent), GOOD).status_code == 404
    assert FollowUp.objects.get(pk=sent.pk).answered_at is None


def test_the_three_questions_with_the_confidence_scale_words(client, sent):
    client.force_login(sent.completion.learner)
    page = BeautifulSoup(client.get(url(sent)).content, "html.parser")
    legends = [legend.get_text(" ", strip=True) for legend in page.select("form legend")]
    assert legends == [
        "Have you used what you learned?",
        "How confident are you now in recognising and responding to concerns about child sexual abuse?",
        "What have you done differently?",
    ]
    scale = [label.get_text(strip=True) for label in page.select("#id_confidence_now label")]
    assert scale == [
        "Not at all confident",
        "Slightly confident",
        "Somewhat confident",
        "Fairly confident",
        "Very confident",
    ]
    assert "Do not include names or details of children, families or cases." in page.get_text()


def test_answering_records_the_answers_once(client, sent):
    client.force_login(sent.completion.learner)
    response = client.post(url(sent), {**GOOD, "note": "I asked <b>my</b> lead sooner."})
    assert response.status_code == 302
    assert response.url == reverse("training:follow_up_thanks", args=[sent.pk])
    answered = FollowUp.objects.get(pk=sent.pk)
    assert (answered.used, answered.confidence_now, answered.changes) == ("once", 4, ["noticed", "lead"])
    assert answered.note == "I asked my lead sooner."
    assert answered.answered_at is not None

    again = client.post(url(sent), {"used": "no", "confidence_now": "1", "changes": ["nothing"]})
    assert again.status_code == 200
    assert "You have already answered" in again.content.decode()
    assert FollowUp.objects.get(pk=sent.pk).used == "once"
    assert FollowUp.objects.get(pk=sent.pk).answered_at == answered.answered_at
    assert not service.answer(answered, "no", 1, ["nothing"], "")  # the conditional update: two at once


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"used": ""}, "Choose whether you have used what you learned."),
        ({"used": "sometimes"}, "Choose one of the answers about using what you learned."),
        ({"confidence_now": "6"}, "Choose one of the five answers about how confident you are now."),
        ({"changes": []}, "Select what you have done differently, or “Nothing has changed yet”."),
        (
            {"changes": ["nothing", "lead"]},
            "Select “Nothing has changed yet” on its own, or only the things you have done differently.",
        ),
        (
            {"note": "Called jo.bloggs@example.org about it"},
            "Remove the email address from the note. Do not include anyone's contact details.",
        ),
        (
            {"note": "Rang the family on 07700 900 123"},
            "Remove the phone number from the note. Do not include anyone's contact details.",
        ),
        ({"note": "x" * 301}, "The note must be 300 characters or fewer."),
    ],
)
def test_bad_answers_say_what_to_put_right_and_change_nothing(client, sent, data, message):
    client.force_login(sent.completion.learner)
    response = client.post(url(sent), {**GOOD, **data})
    assert response.status_code == 200
    assert errors(response) == [message]
    assert FollowUp.objects.get(pk=sent.pk).answered_at is None


def test_nothing_changed_on_its_own_is_an_answer(client, sent):
    client.force_login(sent.completion.learner)
    client.post(url(sent), {**GOOD, "used": "not_yet", "changes": ["nothing"]})
    assert FollowUp.objects.get(pk=sent.pk).changes == ["nothing"]
