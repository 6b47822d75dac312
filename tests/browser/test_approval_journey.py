"""Two-person approval in the browser: an editor retitles a resource and submits it; the
public chapter keeps the old title until an approver, who finds it on her dashboard under
"Awaiting your review", approves it."""

import json

from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import SCREENSHOTS, second_step
from tests.browser.test_learning_journey import fill
from tests.browser.waiting import click_and_wait

SET_UP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from cms.models import ChapterPage, Resource, ToolkitIndexPage
from cms.roles import CONTENT_APPROVERS
approver, _ = get_user_model().objects.get_or_create(
    username="approver.journey@example.org",
    defaults={"email": "approver.journey@example.org", "first_name": "Abi", "last_name": "Approver"},
)
approver.set_password("browser-demo-password")
approver.save()
approver.groups.add(Group.objects.get(name=CONTENT_APPROVERS))
resource = Resource.objects.filter(live=True).exclude(url="").order_by("pk").first()
toolkit = ToolkitIndexPage.objects.get()
chapter = ChapterPage(
    title="Where to read more", slug="approval-journey", introduction="Resources.", source="Test",
    key_messages=[("message", "Read more.")],
    body=[("section", {"heading": "Read more", "content": [("resources", {"heading": "Resources", "items": [resource]})]})],
)
toolkit.add_child(instance=chapter)
chapter.save_revision().publish()
import json
print(json.dumps({"pk": resource.pk, "title": resource.title, "chapter": chapter.url}))
"""

NEW_TITLE = "Working Together to Safeguard Children (checked by an editor)"


def admin_sign_in(browser, live_site, email):
    """Into Wagtail's admin through the site's sign-in page (Wagtail's own takes no code),
    with a code from the authenticator app."""
    browser.get(live_site + "/accounts/sign-in/?next=/admin/")
    fill(browser, "id_username", email)
    fill(browser, "id_password", "browser-demo-password")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    second_step(browser, email)
    if not browser.current_url.startswith(live_site + "/admin/"):  # after setting up an app
        browser.get(live_site + "/admin/")


def admin_sign_out(browser, live_site):
    browser.delete_all_cookies()


def phone_shot(browser, element, name):
    """A 360px screenshot with `element` in view: the admin scrolls inside its own panes,
    so the page-height shot would show only the top of the screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(360, 1400)
    browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", element)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    browser.set_window_size(1280, 900)


def public_resources(browser, live_site, chapter_url):
    """The resource list on the public chapter, as staff read it."""
    browser.get(live_site + chapter_url)
    return " ".join(link.text for link in browser.find_elements(By.CSS_SELECTOR, ".resource__title a"))


def open_dropdown(browser, toggle, item):
    """Open a Wagtail dropdown menu (unless it is open) and wait for `item` in it. The toggle
    is pressed by script when the pointer cannot reach it (after the window has been resized
    for a phone screenshot the admin's layout does not always settle)."""
    if not item.is_displayed():
        try:
            toggle.click()
        except ElementClickInterceptedException:
            browser.execute_script("arguments[0].click()", toggle)
    WebDriverWait(browser, 5).until(lambda b: item.is_displayed())


def test_an_editor_submits_and_an_approver_approves_a_resource(browser, live_site, on_site, screenshot):
    demo = json.loads(on_site(SET_UP).splitlines()[-1])
    assert demo["title"] in public_resources(browser, live_site, demo["chapter"])

    admin_sign_in(browser, live_site, "editor@example.org")
    browser.get(f"{live_site}/admin/snippets/cms/resource/edit/{demo['pk']}/")
    title = browser.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys(NEW_TITLE)
    toggle = browser.find_element(By.CSS_SELECTOR, "footer .w-dropdown__toggle")
    submit = browser.find_element(By.CSS_SELECTOR, "button[name=action-submit]")
    open_dropdown(browser, toggle, submit)
    screenshot("approval-editor-submit-1280", width=1280)
    phone_shot(browser, toggle, "approval-editor-submit-360")
    open_dropdown(browser, toggle, submit)
    click_and_wait(browser, submit)
    assert "submitted" in browser.find_element(By.CSS_SELECTOR, ".messages").get_attribute("textContent").lower()
    admin_sign_out(browser, live_site)
    assert NEW_TITLE not in public_resources(browser, live_site, demo["chapter"])

    admin_sign_in(browser, live_site, "approver.journey@example.org")
    panel = browser.find_element(By.CSS_SELECTOR, "[id^=awaiting-review]")
    assert "Awaiting your review" in panel.text and NEW_TITLE in panel.text
    screenshot("approval-approver-dashboard-1280", width=1280)
    row = panel.find_element(By.XPATH, f".//tr[contains(., '{NEW_TITLE}')]")
    phone_shot(browser, row, "approval-approver-dashboard-360")
    # Back at desktop width, the dashboard afresh (the admin's layout does not always
    # settle after the window grows again).
    browser.get(live_site + "/admin/")
    panel = browser.find_element(By.CSS_SELECTOR, "[id^=awaiting-review]")
    row = panel.find_element(By.XPATH, f".//tr[contains(., '{NEW_TITLE}')]")
    approve = row.find_element(By.XPATH, ".//button[normalize-space()='Approve']")
    open_dropdown(browser, row.find_element(By.CSS_SELECTOR, ".w-dropdown__toggle"), approve)
    click_and_wait(browser, approve)
    admin_sign_out(browser, live_site)
    assert NEW_TITLE in public_resources(browser, live_site, demo["chapter"])
