"""Housing's lead records, on a 360px phone, the training her agency ran itself, with the
number trained in each job role: a mistake is caught first, then the return is saved and
listed with its number trained."""

from selenium.webdriver.common.by import By

from tests.browser.test_learning_journey import fill, sign_out
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

TOPIC = "Spotting grooming: team briefing (browser test)"
TODAY = "from django.utils import timezone; d = timezone.localdate(); print(d.day, d.month, d.year)"
TIDY = f"from training.models import SingleAgencyReturn; SingleAgencyReturn.objects.filter(topic={TOPIC!r}).delete()"


def test_a_lead_records_a_return_on_her_phone(browser, live_site, screenshot, on_site):
    day, month, year = on_site(TODAY).split()
    try:
        sign_in(browser, live_site, "lead.housing@example.org")
        browser.set_window_size(360, 800)
        browser.get(live_site + "/returns/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Single-agency returns"
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Record training"))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Record training your agency delivered"
        assert axe_problems(browser) == []
        screenshot("return-form-phone", width=360)
        browser.set_window_size(360, 800)

        fill(browser, "id_topic", TOPIC)
        fill(browser, "id_day", day)
        fill(browser, "id_month", month)
        fill(browser, "id_year", year)
        browser.find_element(By.CSS_SELECTOR, "input[name=delivery_format][value=briefing]").click()
        fill(browser, "id_trainer", "Tenancy support team")
        browser.find_element(By.CSS_SELECTOR, "input[name=counted_as][value=numbers]").click()
        fill(browser, "id_role_housing", "twelve")  # a slip, caught
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
        assert "Enter the number of “Housing officer” staff trained as a whole number" in summary.text
        assert axe_problems(browser) == []
        screenshot("return-form-error-phone", width=360)
        browser.set_window_size(360, 800)
        summary.find_element(By.TAG_NAME, "a").click()
        assert browser.switch_to.active_element.get_attribute("id") == "id_role_housing"

        fill(browser, "id_role_housing", "12")
        fill(browser, "id_role_manager", "2")
        browser.find_element(By.CSS_SELECTOR, "#id_materials-0-kind option[value=leaflet]").click()
        fill(browser, "id_materials-0-number", "40")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Single-agency return"
        assert "The return is recorded." in browser.find_element(By.CSS_SELECTOR, ".messages").text
        headcounts = browser.find_element(By.CSS_SELECTOR, "table[data-table=headcounts]").text
        assert "Housing officer 12" in headcounts and "Manager 2" in headcounts
        assert axe_problems(browser) == []
        screenshot("return-detail-phone", width=360)
        detail = browser.current_url

        browser.get(live_site + "/returns/")
        first = browser.find_element(By.CSS_SELECTOR, "table[data-table=returns] tbody tr").text
        assert TOPIC in first and "14" in first
        screenshot("returns-list", width=1280)
        screenshot("returns-list-phone", width=360)
        assert sideways_overflow(browser, live_site + "/returns/new/") == 0
        assert sideways_overflow(browser, detail) == 0
        sign_out(browser)
    finally:
        browser.set_window_size(1280, 900)
        on_site(TIDY)
