"""Every report table, walked: for each tab the apps register, each table it declares is on
the page, in the CSV, in the XLSX and in the API with the same headings and the same cells,
read back with real readers (BeautifulSoup, csv, openpyxl, JSON)."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import APIToken

from courses import reports
from courses.models import Completion, PartnershipManager
from courses.reporting.tables import Column, Table
from courses.reporting.tabs import report_tabs
from courses.statistics import FEWER_THAN_FIVE
from tests.courses.test_reports import completed_last_month, last_month_params, staff  # noqa: F401
from tests.export_reading import read_export
from tests.factories import make_learner
from tests.quizzes.test_insight_report import answered, month_params  # noqa: F401
from training.models import FollowUp

pytestmark = pytest.mark.django_db


def text(value):
    """A cell as comparable text: a missing figure is "–" everywhere, and 2, 2.0 and "2.0" agree,
    as do a change the page says as "−1.5 points" and the -1.5 the downloads carry."""
    if value in (None, "", "–"):
        return "–"
    if isinstance(value, str) and value.startswith(("+", "−")):
        value = value.replace("−", "-").removesuffix(" points").removesuffix(" point")
    if isinstance(value, str):
        value = value.replace(",", "")  # thousands, on the page
    try:
        return str(float(value))
    except (TypeError, ValueError):
        return str(value)


def page_rows(element, table):
    """The rows of a table as the page shows them, figures without their units, a withheld row
    given back as the "fewer than 5" it stands for."""
    if element.name == "ul":  # headline figures: label, figure, what it counts
        return [
            [span.get_text(strip=True) for span in li.find_all(["span", "strong"])] for li in element("li")
        ]
    rows = []
    for tr in element.select("tbody tr, tfoot tr"):
        cells = []
        for cell, column in zip(tr.find_all(["th", "td"]), table.columns, strict=False):
            value = cell.get_text(strip=True)
            if int(cell.get("colspan", 1)) > 1 and value == f"{FEWER_THAN_FIVE} people":
                cells += [FEWER_THAN_FIVE] * int(cell["colspan"])
            else:
                cells.append(
                    value.removesuffix(column.unit) if column.unit and value != column.empty else value
                )
        rows.append(cells)
    if rows and len(rows[0]) == 1 and not table.rows:  # "None." in a row of its own
        return []
    return rows


def api_rows(body, table):
    served = body["tables"][table.key]
    assert [c["heading"] for c in served["columns"]] == table.headings
    return [[row[column.key] for column in table.columns] for row in served["rows"] + served["footer"]]


def comparable(rows):
    return [[text(value) for value in row] for row in rows]


@pytest.fixture
def manager(client, staff, answered):  # noqa: F811
    course, housing, police = staff
    completed_last_month(housing + police)
    for n, completion in enumerate(Completion.objects.filter(learner__in=housing + police)):
        # Impact on practice: each completion followed up (and answered) when it was made.
        at = completion.completed_at
        FollowUp.objects.create(
            completion=completion,
            sent_at=at,
            answered_at=at,
            used="often",
            confidence_now=1 + n % 5,
            changes=["lead"],
        )
    user = make_learner("other")
    PartnershipManager.objects.create(user=user)
    client.force_login(user)
    return APIToken.create_token(user=user, name="walk")[1]


def test_every_table_holds_the_same_cells_on_the_page_in_csv_xlsx_and_the_api(client, manager):
    walked = []
    for tab in [tab for tab in report_tabs() if tab.tables]:
        params = month_params() if tab.key in ("what-staff-miss", "knowledge") else last_month_params()
        page = BeautifulSoup(client.get(tab.url, params).content, "html.parser")
        api = client.get(
            f"/api/v1/reports/{tab.key}",
            {"start": params["from"], "end": params["to"]},
            HTTP_AUTHORIZATION=f"Bearer {manager}",
        )
        assert api.status_code == 200, api.content
        body = api.json()
        # The manager sees every agency, so every table the tab declares is there.
        assert set(body["tables"]) == {table.key for table in tab.declared}, tab.key
        for declared in tab.declared:
            element = page.select_one(f"[data-table={declared.key}]")
            assert element is not None, (tab.key, declared.key)
            if element.name == "table":
                assert [th.get_text(strip=True) for th in element.select("thead th")] == declared.headings
            shown = comparable(page_rows(element, declared))
            assert shown == comparable(api_rows(body, declared)), (tab.key, declared.key)
            for kind in ("csv", "xlsx"):
                export = read_export(client.get(tab.url, {**params, "export": kind, "table": declared.key}))
                headings, *rows = export["tables"][declared.title]
                assert headings == declared.headings, (tab.key, declared.key, kind)
                assert comparable(rows) == shown, (tab.key, declared.key, kind)
            walked.append((tab.key, declared.key, len(shown)))
    assert {tab for tab, _, _ in walked} == {
        "training",
        "confidence",
        "what-staff-miss",
        "knowledge",
        "sessions",
        "impact",
    }
    assert all(rows for _, _, rows in walked), walked  # real figures compared, not empty tables
    # 19, the training tab's numbers by delivery mode, the sessions tab's and impact's four
    assert len(walked) == 25


def test_the_staff_and_refresher_lists_match_their_downloads(client, manager):
    page = BeautifulSoup(client.get("/leads/reports/", last_month_params()).content, "html.parser")
    for table, params in [(reports.STAFF, {"table": "staff"}), (reports.REFRESHERS, {"table": "refreshers"})]:
        element = page.select_one(f"table[data-table={table.key}]")
        assert [th.get_text(strip=True) for th in element.select("thead th")] == table.headings
        shown = [
            [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in element.select("tbody tr")
        ]
        for kind in ("csv", "xlsx"):
            export = read_export(
                client.get("/leads/reports/", {**last_month_params(), **params, "export": kind})
            )
            ((headings, *rows),) = export["tables"].values()
            assert headings == table.headings
            if table is reports.STAFF:
                assert 0 < len(shown) == len(rows)
                none = table.columns[-1].empty  # the page says so where the download is blank
                assert [[v or none for v in row] for row in rows] == shown
            else:
                assert rows == shown or (not rows and len(shown) == 1)


def test_a_column_declared_once_reaches_every_output():
    """A new column is one `Column` in the declaration: headings, rows, page cells and API
    records all follow it."""
    table = Table("t", "Test", (Column("name", "Name"), Column("people", "People", type=int)))
    wider = Table("t", "Test", (*table.columns, Column("share", "Share (%)", type=float, unit="%")))
    items = [{"name": "Housing", "people": 6, "share": 50.0}, {"name": "Police", "people": 3, "share": None}]
    filled = wider.fill(items)
    assert filled.headings == ["Name", "People", "Share (%)"]
    assert filled.lines() == [["Housing", 6, 50.0], ["Police", 3, None]]
    assert filled.api_records() == items
    assert [(cell.value, cell.unit, cell.missing) for cell in filled.page_rows[1]] == [
        ("Police", "", False),
        ("3", "", False),
        (None, "%", True),
    ]
    assert table.fill(items).lines() == [["Housing", 6], ["Police", 3]]


def test_the_page_separates_thousands_and_keeps_decimal_places_while_downloads_keep_numbers():
    """At a hundred thousand staff "58592" is hard to read, and an effect size of 0.80 shown as
    0.8 beside 0.77 looks less precise than it is."""
    table = Table(
        "t",
        "Test",
        (
            Column("name", "Name"),
            Column("people", "People", type=int),
            Column("mean", "Mean", type=float),
            Column("r", "Effect size r", type=float, places=2),
            Column("code", "Code"),  # text, even when it is a number
        ),
    ).fill([{"name": "All", "people": 58592, "mean": 1234.5, "r": 0.8, "code": 2026}])
    assert [cell.value for cell in table.page_rows[0]] == ["All", "58,592", "1,234.5", "0.80", 2026]
    assert table.lines() == [["All", 58592, 1234.5, 0.8, 2026]]
    assert table.api_records()[0]["people"] == 58592
