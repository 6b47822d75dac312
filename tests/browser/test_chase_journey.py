"""The housing lead opens Staff progress, shows the people who have not started, sends them
reminders in one press (no JavaScript needed) and sees what was sent."""

import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

# Two housing staff with accounts and no course started, and one on the staff list only.
SET_UP = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from cms.models import Agency
from courses.models import LearnerProfile
from workforce.models import StaffListEntry
housing = Agency.objects.get(code="housing")
for n, (first, last) in enumerate([("Nia", "Newstart"), ("Omar", "Notyet")]):
    email = f"chase.{n}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password="x", first_name=first, last_name=last)
    LearnerProfile.objects.create(user=user, agency=housing, job_role="housing", privacy_accepted_at=timezone.now())
StaffListEntry.objects.create(agency=housing, email="chase.listed@example.org", name="Lia Listed", job_role="housing", team="North")
print(json.dumps(["chase.0@example.org", "chase.1@example.org"]))
"""


def test_a_lead_chases_everyone_not_started(browser, live_site, on_site, mailbox, screenshot):
    not_started = json.loads(on_site(SET_UP).splitlines()[-1])
    sign_in(browser, live_site, "lead.housing@example.org")
    browser.get(live_site + "/leads/reports/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Staff progress"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Staff progress"
    assert "people are stuck" in browser.page_source or "person is stuck" in browser.page_source
    assert axe_problems(browser) == []

    Select(browser.find_element(By.ID, "state")).select_by_visible_text("Not started")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".report-filters button"))
    assert "state=not_started" in browser.current_url
    shown = [
        row.get_attribute("data-email") for row in browser.find_elements(By.CSS_SELECTOR, "tr[data-email]")
    ]
    assert set(not_started) <= set(shown)
    assert axe_problems(browser) == []
    screenshot("staff-progress-not-started")
    screenshot("staff-progress-not-started-phone", width=360)
    browser.refresh()

    everyone = browser.find_element(By.CSS_SELECTOR, "button[name=everyone]")
    assert everyone.text.startswith("Send reminders to everyone not started")
    click_and_wait(browser, everyone)
    confirmation = browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert f"Reminders sent to {len(shown)} people." in confirmation
    for email in not_started:
        row = browser.find_element(By.CSS_SELECTOR, f'tr[data-email="{email}"]')
        assert "Last reminded" in row.text
        sent = [path.read_text() for path in mailbox.iterdir() if f"To: {email}" in path.read_text()]
        assert len(sent) == 1 and "/my/" in sent[0]
    assert axe_problems(browser) == []
    screenshot("staff-progress-sent")
    screenshot("staff-progress-sent-phone", width=360)
    browser.refresh()

    # A second press within 7 days sends no one anything.
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[name=everyone]"))
    assert "Reminders sent to 0 people" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert sideways_overflow(browser, live_site + "/leads/reports/staff-progress/") == 0
