"""The numbers trained by delivery mode wherever the training numbers go: the page, its XLSX
and CSV downloads, the API and the board pack (PDF and Word), each read back with a real
reader and checked against figures worked out by hand for the rows written here."""

import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from pypdf import PdfReader
from wagtail.models import APIToken

from cms.models import Agency
from courses.models import AgencyLead, PartnershipManager
from tests.export_reading import read_export
from tests.factories import make_course, make_learner
from tests.training.numbers_helpers import completion, london, training_return
from training.numbers import BY_MODE

pytestmark = pytest.mark.django_db
Q1 = {"period": "custom", "from": "2025-01-01", "to": "2025-03-31"}
HEADINGS = ["Agency", "E-learning", "Multi-agency sessions", "Single-agency training", "Total trained"]
# Housing: Alice by e-learning and at a session of the same course (1, 1; once in the total);
# a return listing Erin and counting 3 housing officers (1 + 3); total 1 + 1 + 3.
HOUSING = ["Housing", "1", "1", "4", "5"]
NOBODY = ["0", "0", "0", "0"]


@pytest.fixture
def scene():
    course = make_course(lessons=1)
    alice = make_learner("housing", email="alice.modes@example.org")
    completion(alice, course, "housing", london(2025, 2, 3, 10))
    completion(alice, course, "housing", london(2025, 3, 3, 10), mode="session")
    training_return(
        "housing", date(2025, 2, 10), course=course, attendees=[("Erin", "erin.modes@example.org")]
    )
    training_return("housing", date(2025, 2, 11), course=course, headcounts=[("housing", 3)])
    return course


@pytest.fixture
def manager(client):
    user = make_learner("other", job_role="manager")
    PartnershipManager.objects.create(user=user)
    client.force_login(user)
    return user


def page_rows(response):
    table = BeautifulSoup(response.content, "html.parser").select_one('table[data-table="by_delivery_mode"]')
    return {
        cells[0]: cells
        for cells in ([c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in table.select("tr"))
    }


def test_the_training_numbers_page_shows_the_table_with_its_definition(client, manager, scene):
    response = client.get("/leads/reports/", Q1)
    assert response.status_code == 200
    rows = page_rows(response)
    assert rows["Agency"] == HEADINGS
    assert rows["Housing"] == HOUSING
    assert rows["Health"] == ["Health", *NOBODY]
    assert rows["All agencies"] == ["All agencies", "1", "1", "4", "5"]
    assert "columns can add up to more than the total" in response.content.decode()


def test_a_lead_sees_only_her_agency(client, scene):
    lead = make_learner("housing")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="health"))
    client.force_login(lead)
    rows = page_rows(client.get("/leads/reports/", Q1))
    assert set(rows) == {"Agency", "Health", "All agencies"}
    assert rows["All agencies"] == ["All agencies", *NOBODY]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_downloads_carry_the_table(client, manager, scene, kind):
    response = client.get("/leads/reports/", {**Q1, "export": kind, "table": "summary"})
    table = read_export(response)["tables"][BY_MODE.title]
    assert table[0] == HEADINGS
    rows = {row[0]: row for row in table[1:]}
    assert rows["Housing"] == HOUSING and rows["All agencies"] == ["All agencies", "1", "1", "4", "5"]


def test_the_api_serves_the_table_with_its_definition(client, scene):
    lead = make_learner("housing")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    token = APIToken.create_token(user=lead, name="dashboard")[1]
    response = client.get(
        "/api/v1/reports/training",
        {"start": "2025-01-01", "end": "2025-03-31"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    table = response.json()["tables"]["by_delivery_mode"]
    assert "each person once per course" in table["definition"]
    assert table["rows"] == [
        {"agency": "Housing", "e_learning": 1, "session": 1, "single_agency": 4, "total": 5}
    ]
    assert table["footer"][0]["agency"] == "All agencies" and table["footer"][0]["total"] == 5
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["TrainingByDeliveryModeRow"]["properties"]["total"]["title"] == "Total trained"


def test_the_board_pack_pdf_and_word_document_carry_the_table(client, manager, scene):
    pdf = client.get("/leads/reports/board-pack.pdf", Q1)
    assert pdf.status_code == 200
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert BY_MODE.title in text
    assert "Housing 1 1 4 5" in text and "All agencies 1 1 4 5" in text
    word = Document(io.BytesIO(client.get("/leads/reports/board-pack.docx", Q1).content))
    table = next(t for t in word.tables if [c.text for c in t.rows[0].cells] == HEADINGS)
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["Housing"] == HOUSING and rows["All agencies"] == ["All agencies", "1", "1", "4", "5"]


def test_the_page_takes_the_same_queries_for_one_record_and_many(client, manager, scene):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/leads/reports/", Q1).status_code == 200
        return len(context.captured_queries)

    few = count()
    for n in range(8):
        course = make_course(lessons=1)
        person = make_learner("police")
        completion(person, course, "police", london(2025, 1, 5 + n, 10), mode="session")
        completion(person, course, "police", london(2025, 2, 5 + n, 10))
        training_return(
            "health", date(2025, 3, n + 1), course=course, attendees=[(f"N{n}", f"n{n}@example.org")]
        )
        training_return("police", date(2025, 3, n + 1), topic="Briefing", headcounts=[("police", 2)])
    assert count() == few
    rows = page_rows(client.get("/leads/reports/", Q1))
    assert rows["Police"] == ["Police", "8", "8", "16", "24"]
    assert rows["Health"] == ["Health", "0", "0", "8", "8"]
