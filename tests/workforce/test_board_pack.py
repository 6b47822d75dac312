"""The board pack: for the partnership manager only, for a whole quarter, the same figures in
the PDF and the Word document, each checked against the raw rows set up here."""

import io
import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from certificates.models import Certificate
from cms import pdf
from cms.models import Agency
from courses import pairs
from courses.models import (
    AgencyLead,
    Completion,
    CoursePage,
    Enrolment,
    LearnerProfile,
    PartnershipManager,
)
from quizzes.models import Attempt
from tests.courses.test_reports import finish
from tests.factories import make_course, make_learner
from workforce import tallies
from workforce.models import CoverageTarget, Headcount

pytestmark = pytest.mark.django_db


def last_quarter(today: date) -> tuple[date, date]:
    """The quarter before today's, worked out here rather than by the code under test."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_start = date(today.year, first_month, 1)
    end = this_start - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def at(day: date, hour=12) -> datetime:
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


@pytest.fixture
def manager():
    user = make_learner("other", job_role="manager")
    PartnershipManager.objects.create(user=user)
    return user


@pytest.fixture
def board():
    """One required course; 7 housing officers (6 finished it in the middle of last quarter)
    against a headcount of 10; 3 police officers (all finished) against 10, with a target of
    80% they have missed; one housing certificate overdue now."""
    for records in (Attempt, Certificate, Completion, Enrolment):  # the demo's: only these count here
        records.objects.all().delete()
    course = make_course(lessons=1, title="Board course")
    CoursePage.objects.live().exclude(pk=course.pk).unpublish()
    start, end = last_quarter(timezone.localdate())
    housing = [make_learner("housing", last_name=f"H{n}") for n in range(7)]
    police = [make_learner("police", job_role="police", last_name=f"P{n}") for n in range(3)]
    for n, learner in enumerate(housing[:6]):
        finish(learner, course, before=2, after=2 + n % 3)
    for learner in police:
        finish(learner, course)
    LearnerProfile.objects.filter(user__in=housing + police).update(created_at=at(start - timedelta(days=20)))
    tallies.recount(user_ids=[user.pk for user in housing + police])  # written round the model layer
    Completion.objects.filter(learner__in=housing + police).update(
        completed_at=at(start + timedelta(days=40))
    )
    pairs.recount(learner.pk for learner in housing + police)  # the update went round the tallies
    Completion.objects.filter(learner=housing[0]).update(expires_on=timezone.localdate() - timedelta(days=1))
    Headcount.objects.create(agency=Agency.objects.get(code="housing"), job_role="housing", staff=10)
    Headcount.objects.create(agency=Agency.objects.get(code="police"), job_role="police", staff=10)
    CoverageTarget.objects.create(agency=Agency.objects.get(code="police"), share=80, due_on=end)
    return course, housing, police, start, end


def expected(board):
    """The figures worked out from the raw rows."""
    course, housing, police, start, end = board
    bounds = (at(start, 0), at(end + timedelta(days=1), 0))

    def covered(people):
        return (
            Completion.objects.filter(
                learner__in=people, course=course, completed_at__lt=bounds[1], expires_on__gte=end
            )
            .values("learner")
            .distinct()
            .count()
        )

    def completed(code):
        return (
            Completion.objects.filter(
                agency__code=code, completed_at__gte=bounds[0], completed_at__lt=bounds[1]
            )
            .values("learner")
            .distinct()
            .count()
        )

    return {
        "housing_covered": covered(housing),
        "police_covered": covered(police),
        "housing_registered": LearnerProfile.objects.filter(
            agency__code="housing", created_at__lt=bounds[1]
        ).count(),
        "housing_completed": completed("housing"),
        "all_completed": Completion.objects.filter(completed_at__gte=bounds[0], completed_at__lt=bounds[1])
        .values("learner")
        .distinct()
        .count(),
        "overdue": Completion.objects.filter(expires_on__lt=timezone.localdate()).count(),
    }


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_has_every_section_and_the_figures_of_the_raw_rows(client, manager, board, tmp_path):
    course, housing, police, start, end = board
    figures = expected(board)
    assert figures["housing_covered"] == 6 and figures["police_covered"] == 3
    client.force_login(manager)
    response = client.get("/leads/reports/board-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    today = timezone.localdate()
    slug = f"{start:%Y}-q{start.month // 3 + 1}"
    assert response["Content-Disposition"] == (
        f'attachment; filename="board-pack_all-agencies_{slug}_made-{today:%Y-%m-%d}.pdf"'
    )
    text = pdf_text(response.content)
    for section in (
        "Child sexual abuse training: board pack",
        "Key messages",
        "Coverage against target",
        "Trends over the last 8 quarters",
        "Confidence before and after",
        "Knowledge before and after",
        "What staff miss",
        "Refreshers overdue",
        "Appendix: training numbers for the quarter",
    ):
        assert section in text, section
    assert f"{start:%B} to {end:%B %Y}" in text
    assert f"Made on {today.day} {today:%B %Y}" in text
    share = round(100 * figures["housing_covered"] / 10, 1)
    assert f"Housing Headcount by job role 10 {figures['housing_covered']} {share}%" in text
    police_share = round(100 * figures["police_covered"] / 10, 1)
    assert f"Police Headcount by job role 10 {figures['police_covered']} {police_share}%" in text
    assert "Off track" in text and "On track: coverage is at or above the target." in text
    assert f"Coverage rose from 0% to {round(100 * 9 / 20, 1):g}% this quarter." in text
    assert "Police is below target." in text
    assert f"Housing {figures['housing_registered']} {figures['housing_completed']}" in text
    # The rendered pages, to look at.
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 6
    shots = __import__("pathlib").Path("var/screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (shots / f"board-pack-{page.name}").write_bytes(page.read_bytes())


def test_the_word_document_has_real_headings_and_tables_of_the_same_figures(client, manager, board):
    figures = expected(board)
    client.force_login(manager)
    response = client.get("/leads/reports/board-pack.docx", {"period": "last_quarter"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    assert "no-store" in response["Cache-Control"]
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in (
        "Key messages",
        "Coverage against target",
        "Trends over the last 8 quarters",
        "Confidence before and after",
        "Knowledge before and after",
        "What staff miss",
        "Refreshers overdue",
        "Appendix: training numbers for the quarter",
    ):
        assert section in headings, section
    assert all(table.style.name == "Table Grid" for table in document.tables)
    rows = {
        row.cells[0].text: [cell.text for cell in row.cells]
        for table in document.tables
        if table.rows[0].cells[0].text == "Agency" and table.rows[0].cells[1].text == "Workforce source"
        for row in table.rows[1:]
    }
    assert rows["Housing"][2:7] == ["10", str(figures["housing_covered"]), "60.0%", "No target", "No status"]
    assert rows["Police"][2:5] == ["10", str(figures["police_covered"]), "30.0%"]
    assert rows["Police"][6] == "Off track"
    assert rows["Health"][1:5] == ["No workforce given", "–", "–", "–"]
    overdue = {
        row.cells[0].text: row.cells[1].text
        for table in document.tables
        if table.rows[0].cells[1].text == "Refreshers overdue"
        for row in table.rows[1:]
    }
    assert overdue["Housing"] == str(figures["overdue"]) == "1"
    assert overdue["All agencies"] == "1"
    trend = next(t for t in document.tables if t.rows[0].cells[0].text == "Quarter")
    last = [cell.text for cell in trend.rows[-1].cells]
    assert last[1:4] == ["20", "9", "45.0%"]
    assert last[4] == str(figures["all_completed"])
    messages = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Coverage rose from 0% to 45% this quarter." in messages
    # 9 people answered both surveys: 4 of the 6 housing officers and the 3 police officers rated higher.
    assert f"Confidence rose for {round(100 * 7 / 9, 1):g}% of people (9 people" in " ".join(messages)


def test_a_lead_is_refused_and_not_offered_the_links(client, board):
    lead = make_learner("housing", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(*Agency.objects.filter(code__in=["housing", "police"]))
    client.force_login(lead)
    for kind in ("pdf", "docx"):
        assert client.get(f"/leads/reports/board-pack.{kind}").status_code == 403
    page = BeautifulSoup(client.get("/leads/reports/").content, "html.parser")
    assert page.select("table[data-table=agencies]")  # several agencies, side by side
    assert not page.select("a[href*='board-pack']")


@pytest.mark.parametrize(
    "params",
    [
        {"period": "this_year"},
        {"period": "custom", "from": "2026-07-01", "to": "2026-08-31"},
        {"period": "custom", "from": "2026-08-01", "to": "2026-10-31"},
        {"period": "custom", "from": "2026-07-01", "to": "banana"},
        {"period": "nonsense"},
    ],
)
def test_a_period_that_is_not_a_whole_quarter_gives_400_with_the_message_and_no_file(client, manager, params):
    client.force_login(manager)
    for kind in ("pdf", "docx"):
        response = client.get(f"/leads/reports/board-pack.{kind}", params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Content-Disposition" not in response
        page = BeautifulSoup(response.content, "html.parser")
        assert "There is a problem" in page.select_one("main .error-summary").get_text()
        assert not page.select("table")


def test_a_custom_whole_quarter_is_accepted(client, manager, board):
    client.force_login(manager)
    response = client.get(
        "/leads/reports/board-pack.pdf", {"period": "custom", "from": "2026-04-01", "to": "2026-06-30"}
    )
    assert response.status_code == 200
    assert "board-pack_all-agencies_2026-q2_" in response["Content-Disposition"]
    assert "April to June 2026" in pdf_text(response.content)


def test_an_unknown_kind_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get("/leads/reports/board-pack.xlsx").status_code == 404


def test_the_training_numbers_page_links_to_both_formats(client, manager):
    client.force_login(manager)
    page = BeautifulSoup(client.get("/leads/reports/").content, "html.parser")
    links = {a.get_text(): a["href"] for a in page.select("a[href*='board-pack']")}
    assert set(links) == {"PDF", "Word"}
    assert links["PDF"].startswith("/leads/reports/board-pack.pdf")
    assert links["Word"].startswith("/leads/reports/board-pack.docx")


def test_the_cover_carries_the_partnership_logo_in_both_formats(client, manager, settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from cms.models import PartnershipSettings

    settings.MEDIA_ROOT = str(tmp_path)
    partnership = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
    partnership.name = "Northshire Safeguarding Children Partnership"
    partnership.logo = Image.objects.create(title="Logo", file=get_test_image_file())
    partnership.save()
    client.force_login(manager)
    pdf = PdfReader(io.BytesIO(client.get("/leads/reports/board-pack.pdf").content))
    assert "Northshire Safeguarding Children Partnership" in pdf.pages[0].extract_text()
    assert len(pdf.pages[0].images) == 1
    document = Document(io.BytesIO(client.get("/leads/reports/board-pack.docx").content))
    assert len(document.inline_shapes) == 1
    assert document.paragraphs[1].text == "Northshire Safeguarding Children Partnership"


def test_queries_do_not_grow_with_staff(client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = make_course(lessons=1)
    Headcount.objects.create(agency=Agency.objects.get(code="housing"), job_role="housing", staff=100)
    CoverageTarget.objects.create(
        agency=Agency.objects.get(code="housing"), share=80, due_on=date(2027, 3, 31), job_roles=["housing"]
    )
    client.force_login(manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/leads/reports/board-pack.docx").status_code == 200
        return len(captured)

    def add(count):
        people = [make_learner("housing") for _ in range(count)]
        for learner in people:
            finish(learner, course)
        start, _ = last_quarter(timezone.localdate())
        Completion.objects.filter(learner__in=people).update(completed_at=at(start + timedelta(days=3)))
        pairs.recount(learner.pk for learner in people)  # the update went round the tallies

    add(2)
    few = queries()
    add(12)
    assert queries() == few


def test_the_quarter_under_way_is_measured_to_today_and_says_so(client, manager, board):
    client.force_login(manager)
    response = client.get("/leads/reports/board-pack.pdf", {"period": "this_quarter"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    today = timezone.localdate()
    assert f"Measured on {today.day} {today:%B %Y}." in text
    assert "(so far)" in text
    last_ended = today.replace(day=1) - timedelta(days=1)
    assert f"Figures up to {last_ended.day} {last_ended:%B %Y}" in text


def test_the_same_figures_are_drawn_once_and_changed_figures_are_drawn_again(client, manager, board, monkeypatch):
    """The PDF is kept under its HTML, made from the figures on every request: asking again
    costs no drawing, and a changed figure is drawn afresh, never served from the old PDF."""
    drawings = []
    draw = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html: drawings.append(html) or draw(html))
    cache.clear()
    client.force_login(manager)
    first = client.get("/leads/reports/board-pack.pdf")
    again = client.get("/leads/reports/board-pack.pdf")
    assert first.status_code == again.status_code == 200
    assert len(drawings) == 1 and again.content == first.content
    assert "Housing Headcount by job role 10 6 60.0%" in pdf_text(again.content)
    Headcount.objects.filter(agency__code="housing").update(staff=12)
    changed = client.get("/leads/reports/board-pack.pdf")
    assert len(drawings) == 2
    assert "Housing Headcount by job role 12 6 50.0%" in pdf_text(changed.content)


def test_packs_drawn_ahead_are_read_without_drawing_until_a_figure_changes(
    client, manager, board, monkeypatch
):
    """`draw_board_packs` (cron) draws this quarter's and the last quarter's packs, so the
    manager's first read of either draws nothing; a figure changed after it is drawn afresh."""
    cache.clear()
    out = io.StringIO()
    call_command("draw_board_packs", stdout=out)
    start, end = last_quarter(timezone.localdate())
    assert f"Board pack for {start.day} {start:%B %Y} to {end.day} {end:%B %Y} ready" in out.getvalue()
    assert out.getvalue().count("ready") == 2
    drawings = []
    draw = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html: drawings.append(html) or draw(html))
    client.force_login(manager)
    for period in ("last_quarter", "this_quarter"):
        response = client.get("/leads/reports/board-pack.pdf", {"period": period})
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert drawings == []
    assert "Housing Headcount by job role 10 6 60.0%" in pdf_text(
        client.get("/leads/reports/board-pack.pdf").content
    )
    Headcount.objects.filter(agency__code="housing").update(staff=12)
    changed = client.get("/leads/reports/board-pack.pdf")
    assert len(drawings) == 1
    assert "Housing Headcount by job role 12 6 50.0%" in pdf_text(changed.content)
