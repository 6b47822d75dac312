"""The traffic light is for a child's OWN sexual behaviour, and says which edition it follows.

(a) No traffic-light behaviour (the practice set or a quiz's traffic-light items) describes an
    adult or older person exploiting the child: gifts, money, alcohol, parties, an older
    "boyfriend", going missing. Those are exploitation indicators (chapter 21), never a
    child's colour. No behaviour depends on the child being exactly 5, 9 or 13, the ages the
    earlier edition's overlapping bands share.
(b) The band set says which Brook edition it follows, and the practice pages tell learners.
"""

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from quizzes.models import BandSet, Behaviour

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"

# Words that describe what an adult or older person does to a child, checked in a behaviour's
# text and its reasoning (the reasoning of a withdrawn item said "Gifts and alcohol from an
# adult ... are signs of sexual exploitation").
ADULT_EXPLOITATION = re.compile(
    r"\b(?:older|much older|adult) (?:adult|man|men|woman|women|person|people|boyfriend|girlfriend"
    r"|partner|friend|contact)s?\b"
    r"|\bsomeone (?:much )?older\b"
    r"|\b(?:an|the|by an|from an|with an) adult (?:who|he|she|they|met|gives?|gave|buys?|bought|lets?"
    r"|offers?|pays?|sends?|picks?|drives?|takes?)\b"
    r"|\b(?:1[89]|[2-9]\d)-year-old"
    r"|\bgifts?\b|\bgift cards?\b|\bphone credit\b|\bmoney\b|\bcash\b"
    r"|\bpart(?:y|ies)\b|\balcohol\b|\bdrugs\b"
    r"|\b(?:goes|going|gone|went|been|is|was) missing\b",
    re.IGNORECASE,
)
# In the behaviour itself (not in the advice on it, where "watch for signs of grooming" is
# good advice) these name abuse by someone else.
EXPLOITATION_IN_TEXT = re.compile(r"\bexploit\w*|\bgroom\w*|\babuser\b", re.IGNORECASE)
# A child of exactly 5, 9 or 13 sits in two bands.
SHARED_AGE = re.compile(
    r"\b(?:5|9|13|five|nine|thirteen)[- ]years?[- ]olds?\b|\baged (?:5|9|13|five|nine|thirteen)\b",
    re.IGNORECASE,
)


def problems(behaviour):
    found = []
    for field in ("text", "reasoning"):
        value = behaviour.get(field) or ""
        match = ADULT_EXPLOITATION.search(value) or (field == "text" and EXPLOITATION_IN_TEXT.search(value))
        if match:
            found.append(f"{behaviour['key']} {field}: an adult's exploitation, not the child's behaviour ({match[0]!r})")
        match = SHARED_AGE.search(value)
        if match:
            found.append(f"{behaviour['key']} {field}: depends on an age two bands share ({match[0]!r})")
    return found


def shipped_behaviours():
    yield from yaml.safe_load((DATA / "traffic_light_behaviours.yaml").read_text(encoding="utf-8"))
    for path in sorted((DATA / "quizzes").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions") or []:
            if question.get("type") == "traffic_light":
                yield question["behaviour"]
            elif question.get("type") == "traffic_light_sort":
                yield from question["behaviours"]


# Items as they were shipped before issue 11: the check must catch every one of them.
WITHDRAWN = [
    {
        "key": "practice-9-13-meets-online-contact",
        "text": "Goes alone, without telling anyone, to meet an older person they know only from a gaming "
        "chat, who has been sending them gift cards.",
        "reasoning": "Secrecy, an age gap and gifts point to possible grooming or exploitation. Act now.",
    },
    {
        "key": "practice-13-17-adult-gives-alcohol",
        "text": "A 16-year-old says an adult she met at a party lets her stay at his flat and gives her "
        "alcohol and phone credit, and she has been missing overnight.",
        "reasoning": "Gifts and alcohol from an adult, together with going missing, are signs of sexual "
        "exploitation; missing episodes are a high-risk indicator.",
    },
    {
        "key": "practice-13-17-older-partner-secrecy",
        "text": "Has started seeing someone older they met at the bus stop, and hides their phone.",
        "reasoning": "Watch for signs of exploitation such as gifts or going missing.",
    },
    {
        "key": "core-quiz-13-17-older-partner-gifts",
        "text": "Has a 20-year-old boyfriend who buys her clothes and a new phone.",
        "reasoning": "An older partner giving gifts is a sign of exploitation.",
    },
    {
        "key": "aged-exactly-thirteen",
        "text": "A 13-year-old sends a sexual message to a classmate.",
        "reasoning": "Persistent and unwanted.",
    },
]


@pytest.mark.parametrize("item", WITHDRAWN, ids=[i["key"] for i in WITHDRAWN])
def test_the_check_catches_the_items_that_were_withdrawn(item):
    assert problems(item)


def test_no_shipped_traffic_light_behaviour_rates_an_adults_exploitation_as_the_childs():
    found = [p for behaviour in shipped_behaviours() for p in problems(behaviour)]
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_no_loaded_practice_behaviour_rates_an_adults_exploitation_as_the_childs():
    behaviours = Behaviour.objects.filter(practice=True, band__band_set__current=True)
    assert behaviours.count() >= 24
    found = [p for b in behaviours.values("key", "text", "reasoning") for p in problems(b)]
    assert not found, "\n".join(found)


def test_the_band_set_data_says_which_edition_it_follows():
    band_sets = yaml.safe_load((DATA / "traffic_light.yaml").read_text(encoding="utf-8"))["band_sets"]
    used = [s for s in band_sets if s.get("current")]
    assert len(used) == 1
    assert used[0]["edition"].strip()
    # The four overlapping bands are Brook's earlier edition, not the current five-group tool.
    if len(used[0]["bands"]) == 4:
        assert used[0]["brook_current"] is False


@pytest.mark.django_db
def test_the_practice_pages_show_the_edition_note(client):
    band_set = BandSet.objects.get(current=True)
    assert band_set.edition == "Brook's earlier four-band edition"
    assert band_set.brook_current is False
    assert band_set.shared_ages() == [5, 9, 13]
    for url in ("/practice/traffic-light/", "/practice/traffic-light/9-13/"):
        response = client.get(url)
        assert response.status_code == 200
        note = BeautifulSoup(response.content, "html.parser").select_one("#edition-note")
        assert note is not None, url
        words = " ".join(note.get_text(" ", strip=True).split())
        assert "This exercise follows Brook's earlier four-band edition" in words
        assert "five age groups across 0 to 18" in words
        assert "a child aged exactly 5, 9 or 13 sits in two bands" in words
        link = note.find("a", string=re.compile("Brook's current tool"))
        assert link is not None and link["href"].startswith("https://www.brook.org.uk/")


@pytest.mark.django_db
def test_a_band_set_that_is_brooks_current_edition_drops_the_earlier_edition_warning(client):
    BandSet.objects.filter(current=True).update(edition="Brook's current edition", brook_current=True)
    note = BeautifulSoup(client.get("/practice/traffic-light/").content, "html.parser").select_one(
        "#edition-note"
    )
    words = " ".join(note.get_text(" ", strip=True).split())
    assert "This exercise follows Brook's current edition" in words
    assert "five age groups" not in words
