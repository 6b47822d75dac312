"""The public practice page: sort behaviours per age band, see why, nothing recorded."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import AgeBand, Behaviour

pytestmark = pytest.mark.django_db


def test_index_lists_the_current_bands_without_login(client):
    soup = BeautifulSoup(client.get("/practice/traffic-light/").content, "html.parser")
    labels = [a.get_text() for a in soup.select("main ul a") if "/practice/" in a["href"]]
    assert labels == ["0 to 5 years", "5 to 9 years", "9 to 13 years", "13 to 17 years"]


def test_sorting_shows_every_behaviour_with_its_word_and_reasoning_and_writes_nothing(client):
    band = AgeBand.objects.get(code="5-9", band_set__current=True)
    behaviours = list(Behaviour.objects.filter(band=band, practice=True))
    assert len(behaviours) == 6
    page = BeautifulSoup(client.get("/practice/traffic-light/5-9/").content, "html.parser")
    assert len(page.select(".sort__item")) == 6
    words = {label.get_text(" ", strip=True) for label in page.select(".choice--colour label")}
    assert words == {"● Green", "▲ Amber", "■ Red"}  # a word and a shape, never colour alone
    data = {f"q1-item-{b.pk}": b.colour for b in behaviours}
    data[f"q1-item-{behaviours[0].pk}"] = "red" if behaviours[0].colour != "red" else "green"
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/practice/traffic-light/5-9/", data)
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select("table tbody tr")
    assert len(rows) == 6
    assert "✓" not in rows[0].get_text() and "✓" in rows[1].get_text()
    assert behaviours[0].reasoning in rows[0].get_text()


def test_unknown_band_and_tampered_answers(client):
    assert client.get("/practice/traffic-light/99-100/").status_code == 404
    response = client.post("/practice/traffic-light/5-9/", {"q1-item-999999": "red"})
    assert response.status_code == 400
