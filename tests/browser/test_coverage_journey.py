"""The housing lead opens Coverage. The demo gives Housing a staff list (its registered demo
learners and four people who have not registered), so the page shows a share of it; the "who
is not covered" list downloads, under its header, from the signed-in browser, with the people
the page counts."""

import csv
import io

from selenium.webdriver.common.by import By

from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait


def fetch_text(browser, href):
    """Fetch a download with the browser's own cookies: [status, content type, text]."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));",
        href,
    )


def test_a_lead_opens_coverage_and_downloads_who_is_not_covered(browser, live_site, screenshot):
    sign_in(browser, live_site, "lead.housing@example.org")
    browser.get(live_site + "/leads/reports/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Coverage"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Coverage of your workforce"
    page = browser.find_element(By.TAG_NAME, "main").text
    assert (
        "Coverage: the share of the workforce holding a current completion of every required course" in page
    )
    assert "beside" in browser.find_element(By.CSS_SELECTOR, "[data-days]").text

    housing = browser.find_element(By.CSS_SELECTOR, "table[data-table=agencies] tbody tr")
    assert housing.text.startswith("Housing") and "Staff list" in housing.text
    assert "%" in housing.text  # a share of the workforce the staff list gives
    assert (
        "On track: coverage is at or above the target"
        in browser.find_element(By.CSS_SELECTOR, "[data-rule]").text
    )
    assert axe_problems(browser) == []

    xlsx = browser.find_element(By.PARTIAL_LINK_TEXT, "Download who is not covered as Excel")
    status, kind, _ = fetch_text(browser, xlsx.get_attribute("href"))
    assert status == 200 and kind.startswith("application/vnd.openxmlformats")
    links = [a.get_attribute("href") for a in browser.find_elements(By.PARTIAL_LINK_TEXT, "as CSV")]
    status, kind, text = fetch_text(browser, next(href for href in links if "table=not-covered" in href))
    assert status == 200 and kind.startswith("text/csv")
    lines = list(csv.reader(io.StringIO(text)))
    about = {
        line[0]: line[1] for line in lines if len(line) > 1 and line[0] in ("Report", "Agencies", "Made on")
    }
    assert about["Report"] == "Coverage: who is not covered" and about["Agencies"] == "Housing"
    assert ["Name", "Email", "Agency", "Job role", "Team", "Missing or expired"] in lines
    # The same people as the page counts (other journeys may have replaced the demo's list).
    shown = browser.find_element(By.CSS_SELECTOR, "table[data-table=not_covered] caption").text
    rows = lines[lines.index(["Name", "Email", "Agency", "Job role", "Team", "Missing or expired"]) + 1 :]
    assert shown == f"{len(rows)} {'person' if len(rows) == 1 else 'people'} not covered"
    assert all(row[2] == "Housing" and row[5] for row in rows)

    screenshot("coverage")
    screenshot("coverage-phone", width=360)
    browser.refresh()
    assert sideways_overflow(browser, browser.current_url) == 0
