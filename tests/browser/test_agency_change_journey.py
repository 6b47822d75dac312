"""A learner asks to move to another agency on her profile; a lead of that agency approves
it on Changes of agency. Both pages pass axe."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_learning_journey import sign_out
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait


def test_a_learner_asks_to_move_and_the_new_agencys_lead_approves(browser, live_site, screenshot):
    browser.delete_all_cookies()
    sign_in(browser, live_site, "learner.probation.8@example.org")
    browser.get(live_site + "/accounts/profile/")
    agency = Select(browser.find_element(By.ID, "id_agency"))
    was = agency.first_selected_option.text
    yos = next(o.text for o in agency.options if o.text.startswith("Youth"))
    agency.select_by_visible_text(yos)
    Select(browser.find_element(By.ID, "id_job_role")).select_by_value("youth_justice")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert f"Your move to {yos} is waiting for approval" in page and f"you are in {was}" in page
    assert axe_problems(browser) == []
    screenshot("profile-move-waiting")
    sign_out(browser)

    sign_in(browser, live_site, "lead.yos@example.org")
    browser.get(live_site + "/leads/reports/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Changes of agency"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Changes of agency"
    assert axe_problems(browser) == []
    screenshot("lead-agency-changes")
    row = next(
        tr
        for tr in browser.find_elements(By.CSS_SELECTOR, "tbody tr")
        if "learner.probation.8@example.org" in tr.text
    )
    click_and_wait(browser, row.find_element(By.CSS_SELECTOR, "button[value=approve]"))
    assert f"is now in {yos}" in browser.find_element(By.TAG_NAME, "main").text
    assert "learner.probation.8@example.org" not in browser.find_element(By.TAG_NAME, "table").text
    sign_out(browser)
