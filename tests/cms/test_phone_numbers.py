"""No helpline or local-contact number typed into prose: it would go stale when the service
changes it. The number belongs in a helplines or local contacts block, kept in one place."""

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail import blocks
from wagtail.models import Page, Revision, Site
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.blocks import (
    CalloutBlock,
    KeyMessageBlock,
    PhrasesBlock,
    ProcedureStepBlock,
    QuoteBlock,
    RichTextBlock,
)
from cms.models import ChapterPage, LocalContact
from cms.phone_numbers import Found, KnownNumber, digits, find_known, find_numbers
from courses.blocks import ChapterLinkBlock
from quizzes.models import Quiz
from quizzes.snapshots import load_questions, parts_for, snapshot

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"
NSPCC_MESSAGE = (
    "“0808 800 5000” is the NSPCC Helpline’s number: use a helplines block instead, "
    "so the number stays right when it changes."
)

# --- the finder, with its own list of known numbers ------------------------------------

NSPCC = KnownNumber("NSPCC Helpline", "helpline")
SAMARITANS = KnownNumber("Samaritans", "helpline")
LADO = KnownNumber("Test Borough LADO", "local contact")
KNOWN = {"08088005000": NSPCC, "116123": SAMARITANS, "02079460000": LADO}


@pytest.mark.parametrize(
    "written, expected",
    [
        ("0800 1111", "08001111"),
        ("0808 800 5000", "08088005000"),
        ("116 123", "116123"),
        ("999", "999"),
        ("+44 20 7946 0000", "02079460000"),
        ("+44 (0)20 7946 0000", "02079460000"),
        ("+442079460000", "02079460000"),
        ("0044 20 7946 0000", "02079460000"),
        ("020-7946-0000", "02079460000"),
        ("(020) 7946 0000", "02079460000"),
    ],
)
def test_numbers_compare_by_their_digits_with_plus_44_as_0(written, expected):
    assert digits(written) == expected


def test_the_finder_lists_each_phone_like_number_as_written():
    text = "Call 0800 1111, or 116 123 at night; in an emergency ring 999. Ask for ref12345 on the 18th."
    assert find_numbers(text) == ["0800 1111", "116 123", "999"]


def test_the_finder_reads_rich_text_without_its_tags_and_entities():
    assert find_numbers("<p>Ring <b>0808</b> 800&nbsp;5000 now.</p>") == ["0808 800\u00a05000"]
    assert find_numbers("<p>No numbers here.</p><h3>Nor 12 here</h3>") == []


@pytest.mark.parametrize(
    "text, written",
    [
        ("Call 0808 800 5000.", "0808 800 5000"),
        ("Call 08088005000.", "08088005000"),
        ("Call 0808-800-5000.", "0808-800-5000"),
        ("Call +44 808 800 5000.", "+44 808 800 5000"),
        ("Call +44 (0)808 800 5000.", "+44 (0)808 800 5000"),
        ("The NSPCC (0808 800 5000) will help.", "0808 800 5000"),
        ("In 2023 0808 800 5000 took 100 calls.", "0808 800 5000"),
        ("<p>Ring 0808\n800 5000.</p>", "0808\n800 5000"),
        ("<p>Ring <strong>0808 800</strong> 5000.</p>", "0808 800 5000"),
    ],
)
def test_a_known_number_is_found_however_it_is_written(text, written):
    assert find_known(text, KNOWN) == [Found(written, NSPCC)]


def test_several_known_numbers_are_named_in_order():
    found = find_known("Ring +44 20 7946 0000 first, then Samaritans on 116 123.", KNOWN)
    assert [(f.written, f.known.service) for f in found] == [
        ("+44 20 7946 0000", "Test Borough LADO"),
        ("116 123", "Samaritans"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "In an emergency call 999.",
        "Call 111 for health advice.",
        "0808 800 5001 is not the helpline.",
        "10808 800 5000 is a longer number.",
        "Section 116 of the Act, paragraph 123.5",
        "",
    ],
)
def test_numbers_that_belong_to_no_service_are_not_found(text):
    assert find_known(text, KNOWN) == []


def test_the_message_names_the_service_and_the_block_to_use():
    assert Found("0808 800 5000", NSPCC).message == NSPCC_MESSAGE
    assert Found("020 7946 0000", LADO).message == (
        "“020 7946 0000” is the Test Borough LADO’s number: use a local contacts block instead, "
        "so the number stays right when it changes."
    )


# --- the blocks, against the shipped helplines -----------------------------------------


@pytest.mark.django_db
def test_rich_text_refuses_a_helpline_number_and_accepts_others():
    block = RichTextBlock()
    with pytest.raises(ValidationError) as refused:
        block.clean(RichText("<p>Any adult can ring <b>0808 800 5000</b>.</p>"))
    assert refused.value.messages == [NSPCC_MESSAGE]
    accepted = "<p>In an emergency call 999. Our office is on 01632 960 999.</p>"
    assert block.clean(RichText(accepted)).source == accepted


@pytest.mark.django_db
def test_a_local_contact_number_is_refused_with_the_contact_named():
    site = Site.objects.get(is_default_site=True)
    LocalContact.objects.filter(site=site, kind="lado").delete()
    LocalContact.objects.create(site=site, kind="lado", name="Test Borough LADO", phone="01632 960 333")
    with pytest.raises(ValidationError) as refused:
        RichTextBlock().clean(RichText("<p>Ring the LADO on 01632960333.</p>"))
    assert refused.value.messages == [
        "“01632960333” is the Test Borough LADO’s number: use a local contacts block instead, "
        "so the number stays right when it changes."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "block, value, field",
    [
        (CalloutBlock(), {"variant": "key", "heading": "", "text": "Ring 0808 800 5000."}, "text"),
        (CalloutBlock(), {"variant": "key", "heading": "NSPCC: 0808 800 5000", "text": "Ring."}, "heading"),
        (QuoteBlock(), {"text": "I rang 0808 800 5000.", "attribution": "A parent"}, "text"),
        (
            ProcedureStepBlock(),
            {"title": "Advice", "who": "Any adult", "what": "Ring 0808 800 5000.", "timescale": ""},
            "what",
        ),
        (ChapterLinkBlock(), {"chapter": "trauma", "text": "Or ring 0808 800 5000."}, "text"),
    ],
)
def test_text_fields_of_a_block_refuse_a_helpline_number(block, value, field):
    if value.get("chapter") == "trauma":
        value = {**value, "chapter": ChapterPage.objects.get(slug="trauma").pk}
    with pytest.raises(blocks.StructBlockValidationError) as refused:
        block.clean(block.to_python(value))
    assert list(refused.value.block_errors) == [field]
    assert refused.value.block_errors[field].messages == [NSPCC_MESSAGE]


@pytest.mark.django_db
def test_a_phrase_with_a_helpline_number_is_refused_on_its_own_line():
    block = PhrasesBlock()
    value = block.to_python(
        {
            "heading": "What you can say",
            "intro": "",
            "items": ["You're not in trouble.", "Ring 0808 800 5000."],
        }
    )
    with pytest.raises(blocks.StructBlockValidationError) as refused:
        block.clean(value)
    items = refused.value.block_errors["items"]
    assert isinstance(items, blocks.ListBlockValidationError)
    assert list(items.block_errors) == [1]
    assert items.block_errors[1].messages == [NSPCC_MESSAGE]


@pytest.mark.django_db
def test_blocks_accept_text_without_a_known_number():
    callout = CalloutBlock()
    value = callout.to_python({"variant": "key", "heading": "", "text": "If a child is in danger, call 999."})
    assert callout.clean(value)["text"] == "If a child is in danger, call 999."
    assert KeyMessageBlock().clean("Call 999 in an emergency.") == "Call 999 in an emergency."
    with pytest.raises(ValidationError) as refused:
        KeyMessageBlock().clean("Childline is on 0800 1111.")
    assert refused.value.messages == [
        "“0800 1111” is the Childline’s number: use a helplines block instead, "
        "so the number stays right when it changes."
    ]


# --- an editor in the admin ------------------------------------------------------------


@pytest.mark.django_db
def test_an_editor_saving_a_helpline_number_in_a_chapter_sees_why_and_nothing_is_saved(client):
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    page = ChapterPage.objects.get(slug="trauma")
    revisions = Revision.objects.for_instance(page).count()
    data = nested_form_data(
        {
            "title": "Trauma with a typed number",
            "slug": page.slug,
            "introduction": page.introduction,
            "source": page.source,
            "search_terms": page.search_terms,
            "key_messages": streamfield([("message", "Trauma responses are automatic.")]),
            "body": streamfield(
                [
                    (
                        "section",
                        {
                            "heading": "Getting help",
                            "content": streamfield(
                                [("text", rich_text("<p>Any adult can ring 0808 800 5000.</p>"))]
                            ),
                        },
                    )
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The page could not be saved due to validation errors" in html
    shown = html.replace("\\u201c", "“").replace("\\u201d", "”").replace("\\u2019", "’")
    assert NSPCC_MESSAGE in shown
    page.refresh_from_db()
    assert page.title != "Trauma with a typed number"
    assert Revision.objects.for_instance(page).count() == revisions


# --- the shipped content ----------------------------------------------------------------


def helpline_patterns():
    """One pattern per number in helplines.yaml, matching its digits with any spacing or
    hyphens between them, with 0 or +44 in front."""
    patterns = {}
    for helpline in yaml.safe_load((DATA / "helplines.yaml").read_text(encoding="utf-8")):
        number = re.sub(r"\D", "", helpline["number"])
        rest = r"[\s\-]*".join(number[1:] if number.startswith("0") else number)
        lead = r"(?:0|\+44[\s\-]*(?:\(0\)[\s\-]*)?)[\s\-]*" if number.startswith("0") else ""
        patterns[helpline["name"]] = re.compile(rf"(?<![\d+]){lead}{rest}(?!\d)")
    return patterns


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def shown_text(page):
    """Everything a reader of `page` sees that editors type: title, introduction and every
    string in its StreamFields (the ids of chosen helplines are numbers, not strings)."""
    texts = [page.title, getattr(page, "introduction", "")]
    for field in page._meta.get_fields():
        if field.get_internal_type() == "StreamField":
            texts += strings(getattr(page, field.name).raw_data.stream_data)
    return texts


@pytest.mark.django_db
def test_no_shipped_page_or_quiz_question_types_a_helpline_number():
    patterns = helpline_patterns()
    assert len(patterns) == 11
    pages = [page.specific for page in Page.objects.live().filter(depth__gt=1)]
    assert len(pages) > 40  # home, toolkit, 23 chapters, courses and their lessons
    typed = [
        (page.url_path, name, text[:80])
        for page in pages
        for text in shown_text(page)
        for name, pattern in patterns.items()
        if pattern.search(re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " "))
    ]
    questions = [question for quiz in Quiz.objects.all() for question in load_questions(quiz)]
    assert len(questions) > 100
    parts = parts_for(questions)
    typed += [
        (question.key, name, text[:80])
        for question in questions
        for text in strings(snapshot(question, parts.get(question.pk, [])))
        for name, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert typed == []
