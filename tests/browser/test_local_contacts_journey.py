"""Local contacts in the browser: the dashboard tells an editor the LADO is not set; she adds
it from there and submits it; the Local contacts page still says "not set" until an approver
approves it, and then shows the number staff can ring."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_approval_journey import admin_sign_in, admin_sign_out, open_dropdown
from tests.browser.test_learning_journey import fill
from tests.browser.waiting import click_and_wait

SET_UP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from cms.models import LocalContact
from cms.roles import CONTENT_APPROVERS
approver, _ = get_user_model().objects.get_or_create(
    username="approver.contacts@example.org",
    defaults={"email": "approver.contacts@example.org", "first_name": "Abi", "last_name": "Approver"},
)
approver.set_password("browser-demo-password")
approver.save()
approver.groups.add(Group.objects.get(name=CONTENT_APPROVERS))
LocalContact.objects.filter(kind="lado").delete()
"""

LADO = "Local Authority Designated Officer (LADO)"
NAME = "Test Borough LADO (journey)"


def lado_on_the_contacts_page(browser, live_site):
    browser.get(live_site + "/local-contacts/")
    heading = browser.find_element(By.XPATH, f"//h2[normalize-space()='{LADO}']")
    return heading.find_element(By.XPATH, "..").text


def test_an_editor_adds_a_local_contact_that_staff_see_once_approved(browser, live_site, on_site, screenshot):
    on_site(SET_UP)
    assert "has not added this contact yet" in lado_on_the_contacts_page(browser, live_site)

    admin_sign_in(browser, live_site, "editor@example.org")
    panel = browser.find_element(By.ID, "local-contacts-unset-section")
    assert f"Local contacts not yet set: {LADO}." in panel.text
    screenshot("local-contacts-dashboard-1280", width=1280)
    click_and_wait(browser, panel.find_element(By.LINK_TEXT, "Add a local contact"))

    Select(browser.find_element(By.ID, "id_kind")).select_by_value("lado")
    fill(browser, "id_name", NAME)
    fill(browser, "id_phone", "01632 960 333")
    toggle = browser.find_element(By.CSS_SELECTOR, "footer .w-dropdown__toggle")
    submit = browser.find_element(By.CSS_SELECTOR, "button[name=action-submit]")
    open_dropdown(browser, toggle, submit)
    screenshot("local-contacts-editor-submit-1280", width=1280)
    screenshot("local-contacts-editor-submit-360", width=360)
    click_and_wait(browser, submit)
    assert "submitted" in browser.find_element(By.CSS_SELECTOR, ".messages").get_attribute("textContent").lower()
    admin_sign_out(browser, live_site)
    assert NAME not in lado_on_the_contacts_page(browser, live_site)

    admin_sign_in(browser, live_site, "approver.contacts@example.org")
    panel = browser.find_element(By.CSS_SELECTOR, "[id^=awaiting-review]")
    row = panel.find_element(By.XPATH, f".//tr[contains(., '{NAME}')]")
    approve = row.find_element(By.XPATH, ".//button[normalize-space()='Approve']")
    open_dropdown(browser, row.find_element(By.CSS_SELECTOR, ".w-dropdown__toggle"), approve)
    click_and_wait(browser, approve)
    admin_sign_out(browser, live_site)

    text = lado_on_the_contacts_page(browser, live_site)
    assert NAME in text and "01632 960 333" in text
    screenshot("local-contacts-page-approved-360", width=360)
