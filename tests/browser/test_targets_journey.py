"""The partnership manager sets Housing's coverage target, reads its status in words, and
opens the Trends tab's chart and table."""

from datetime import date

from selenium.webdriver.common.by import By

from tests.browser.test_learning_journey import fill, sign_out
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

HEADCOUNT = (
    "from cms.models import Agency; from workforce.models import Headcount; "
    "Headcount.objects.update_or_create(agency=Agency.objects.get(code='housing'), job_role='housing', "
    "defaults={'staff': 40})"
)
TIDY = (
    "from workforce.models import Headcount, CoverageTarget; "
    "Headcount.objects.filter(agency__code='housing', job_role='housing', staff=40).delete(); "
    "CoverageTarget.objects.filter(agency__code='housing').delete()"
)


def row_of(browser, table, agency):
    for row in browser.find_elements(By.CSS_SELECTOR, f"table[data-table={table}] tbody tr"):
        cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        if cells[0] == agency:
            return cells
    raise AssertionError(f"no row for {agency}")


def test_the_manager_sets_a_target_and_reads_the_trends(browser, live_site, screenshot, on_site):
    on_site(HEADCOUNT)  # Housing's workforce: 40 housing officers
    try:
        sign_in(browser, live_site, "manager@example.org")
        browser.get(live_site + "/leads/targets/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Coverage targets"
        assert axe_problems(browser) == []
        screenshot("targets-phone", width=360)
        browser.refresh()

        # A date that is not real is caught, and nothing is saved.
        next_year = date.today().year + 1
        fill(browser, "housing-share", "80")
        fill(browser, "housing-day", "31")
        fill(browser, "housing-month", "2")
        fill(browser, "housing-year", str(next_year))
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
        assert "The date for Housing must be a real date" in summary.text
        assert axe_problems(browser) == []
        screenshot("targets-error")
        summary.find_element(By.TAG_NAME, "a").click()
        assert browser.switch_to.active_element.get_attribute("id") == "housing-day"

        fill(browser, "housing-month", "3")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        message = browser.find_element(By.CSS_SELECTOR, ".messages").text
        assert f"Housing: 80% of the workforce by 31 March {next_year}" in message
        cells = row_of(browser, "targets", "Housing")
        assert cells[2] == f"80% of the workforce by 31 March {next_year}"
        assert cells[3] in ("On track", "At risk", "Off track")  # a status in words, with the rule
        assert "On track: coverage is at or above the target." in browser.page_source
        assert axe_problems(browser) == []
        screenshot("targets")

        click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Trends over the last 8 quarters"))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Trends"
        assert len(browser.find_elements(By.CSS_SELECTOR, ".chart__svg svg rect")) == 8
        quarters = browser.find_elements(By.CSS_SELECTOR, "table[data-table=trend] tbody tr")
        assert len(quarters) == 8 and quarters[-1].text.split(" (so far)")[0]
        assert row_of(browser, "targets", "Housing")[3] == cells[3]
        assert axe_problems(browser) == []
        screenshot("trends")
        screenshot("trends-phone", width=360)
        browser.refresh()
        assert sideways_overflow(browser, live_site + "/leads/reports/trends/") == 0
        assert sideways_overflow(browser, live_site + "/leads/targets/") == 0
        sign_out(browser)
    finally:
        on_site(TIDY)
