"""An agency lead signs in, opens each report, changes the period and exports to Excel;
the partnership manager sees the agencies side by side."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import second_step
from tests.browser.test_learning_journey import fill, sign_out
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

REPORTS = ["/leads/reports/", "/leads/reports/confidence/", "/leads/reports/quiz/"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sign_in(browser, live_site, email):
    """Sign in through the site's page, with a code from the authenticator app when asked."""
    browser.get(live_site + "/accounts/sign-in/")
    fill(browser, "id_username", email)
    fill(browser, "id_password", "browser-demo-password")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    second_step(browser, email)


def download(browser, link_text):
    """Fetch a download link as the signed-in browser: [status, content type]."""
    href = browser.find_element(By.PARTIAL_LINK_TEXT, link_text).get_attribute("href")
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type')]));",
        href,
    )


def test_a_lead_reads_and_exports_her_reports(browser, live_site, screenshot):
    sign_in(browser, live_site, "lead.housing@example.org")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Reports"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Training numbers"
    assert axe_problems(browser) == []

    Select(browser.find_element(By.ID, "period")).select_by_visible_text("This year")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".report-filters button"))
    assert "period=this_year" in browser.current_url
    figures = browser.find_element(By.CSS_SELECTOR, ".figures").text
    assert "Staff who completed a course" in figures
    assert download(browser, "Download these figures as Excel") == [200, XLSX]

    staff_link = browser.find_element(By.CSS_SELECTOR, "a[href^='/leads/reports/staff/']")
    name = staff_link.text
    click_and_wait(browser, staff_link)
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    assert axe_problems(browser) == []
    screenshot("report-staff-member")
    staff_record = browser.current_url
    browser.back()

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Confidence before and after"))
    assert "period=this_year" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".chart__svg svg rect")
    assert axe_problems(browser) == []
    assert download(browser, "Download as Excel") == [200, XLSX]
    screenshot("report-confidence")
    screenshot("report-confidence-phone", width=390)

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "What staff miss"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "What staff miss"
    assert axe_problems(browser) == []
    assert download(browser, "Download “Questions, hardest first” as Excel") == [200, XLSX]
    screenshot("report-what-staff-miss")

    # On a phone nothing pushes the page sideways (wide tables scroll inside themselves).
    for url in [staff_record, *(live_site + path for path in REPORTS)]:
        assert sideways_overflow(browser, url) == 0, url
    sign_out(browser)


def test_the_manager_sees_agencies_side_by_side(browser, live_site, screenshot):
    sign_in(browser, live_site, "manager@example.org")
    browser.get(live_site + "/leads/reports/confidence/?period=this_year")
    assert "Overall, by agency" in [c.text for c in browser.find_elements(By.TAG_NAME, "caption")]
    assert axe_problems(browser) == []
    screenshot("report-confidence-manager")
    browser.get(live_site + "/leads/reports/quiz/?period=this_year")
    assert browser.find_elements(By.CSS_SELECTOR, "table[data-table=agencies] tbody tr")
    assert axe_problems(browser) == []
    sign_out(browser)
