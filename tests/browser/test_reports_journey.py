"""An agency lead signs in, opens each report, changes the period and exports to Excel."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_learning_journey import click_and_wait, fill, sign_out
from tests.browser.test_toolkit_journey import axe_problems


def test_a_lead_reads_and_exports_her_reports(browser, live_site, screenshot):
    browser.get(live_site + "/accounts/sign-in/")
    fill(browser, "id_username", "lead.housing@example.org")
    fill(browser, "id_password", "browser-demo-password")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Reports"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Training numbers"
    assert axe_problems(browser) == []

    Select(browser.find_element(By.ID, "period")).select_by_visible_text("This year")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".report-filters button"))
    assert "period=this_year" in browser.current_url
    figures = browser.find_element(By.CSS_SELECTOR, ".figures").text
    assert "Staff who completed a course" in figures
    export = browser.find_element(By.PARTIAL_LINK_TEXT, "Download these figures as Excel").get_attribute(
        "href"
    )
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type')]));",
        export,
    )
    assert result == [200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Confidence before and after"))
    assert "period=this_year" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".chart__svg svg rect")
    assert axe_problems(browser) == []
    screenshot("report-confidence")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "What staff miss"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "What staff miss"
    assert axe_problems(browser) == []
    sign_out(browser)
