"""An editor finds what she owns that is due for review on her dashboard, opens the "Due
for review" report filtered to her, and confirms one item "Reviewed, no change"."""

import json

from selenium.webdriver.common.by import By

from tests.browser.test_approval_journey import admin_sign_in
from tests.browser.waiting import click_and_wait

SET_UP = """
import datetime, json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from cms.models import Resource
from cms.roles import CONTENT_APPROVERS
owner, _ = get_user_model().objects.get_or_create(
    username="reviewer.journey@example.org",
    defaults={"email": "reviewer.journey@example.org", "first_name": "Rhiannon", "last_name": "Reviewer"},
)
owner.set_password("browser-demo-password")
owner.save()
owner.groups.add(Group.objects.get(name=CONTENT_APPROVERS))
rows = list(Resource.objects.filter(live=True).exclude(key__startswith="demo").order_by("-pk")[:2])
Resource.objects.filter(pk=rows[0].pk).update(owner_person=owner, owner_team=None, last_reviewed=None)
Resource.objects.filter(pk=rows[1].pk).update(
    owner_person=owner, owner_team=None, last_reviewed=datetime.date.today() - datetime.timedelta(days=400)
)
print(json.dumps({"never": rows[0].title, "overdue": rows[1].title, "pk": rows[1].pk}))
"""


def test_an_editor_marks_an_item_reviewed_from_the_report(browser, live_site, on_site, screenshot):
    made = json.loads(on_site(SET_UP))
    admin_sign_in(browser, live_site, "reviewer.journey@example.org")

    panel = browser.find_element(By.ID, "due-for-review-section")
    titles = [link.text for link in panel.find_elements(By.CSS_SELECTOR, "tbody a")]
    assert titles == [made["never"], made["overdue"]]
    assert "You own 2 items overdue or due within 30 days (2 overdue)" in panel.text
    screenshot("review-dashboard")
    screenshot("review-dashboard-phone", width=360)

    # After the phone screenshot the admin's layout may still be settling: follow the link.
    browser.get(panel.find_element(By.PARTIAL_LINK_TEXT, "See everything").get_attribute("href"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Due for review"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.listing tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "td a").text for row in rows] == [
        made["never"],
        made["overdue"],
    ]
    assert "Overdue since" in rows[1].text
    screenshot("review-report")
    screenshot("review-report-phone", width=360)

    browser.get(browser.current_url)  # afresh at desktop width: the admin's layout may not settle
    rows = browser.find_elements(By.CSS_SELECTOR, "table.listing tbody tr")
    click_and_wait(browser, rows[1].find_element(By.CSS_SELECTOR, "button[type=submit]"))
    message = browser.find_element(By.CSS_SELECTOR, ".messages").get_attribute("textContent")
    assert f"“{made['overdue']}” marked as reviewed, no change, today." in message
    rows = browser.find_elements(By.CSS_SELECTOR, "table.listing tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "td a").text for row in rows] == [made["never"]]
    screenshot("review-report-after")

    reviewed = on_site(
        "from django.utils import timezone; from cms.models import Resource; "
        f"r = Resource.objects.get(pk={made['pk']}); "
        "print(r.last_reviewed_by.email, r.last_reviewed == timezone.localdate())"
    )
    assert reviewed == "reviewer.journey@example.org True"
