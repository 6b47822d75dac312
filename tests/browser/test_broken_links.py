"""An editor finds the broken links from the admin dashboard and sees where each is used."""

import json

from selenium.webdriver.common.by import By

from tests.browser.test_approval_journey import admin_sign_in

DEMO_ROWS = """
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from cms.models import Resource
from links.models import Link, LinkUse, Status

# The demo's broken link, made here too in case seed_demo has none yet.
resource = Resource.objects.filter(live=True).exclude(url="").order_by("title").first()
link = Link.objects.filter(status__in=[Status.BROKEN, Status.TIMED_OUT, Status.REFUSED]).first()
if link is None:
    link = Link.objects.create(
        url="https://example.org/demo-broken-link", status=Status.BROKEN, http_code=404,
        error="The website answered 404", last_checked=timezone.now(), failing_since=timezone.now(),
    )
    LinkUse.objects.get_or_create(
        link=link, content_type=ContentType.objects.get_for_model(Resource),
        object_id=str(resource.pk), field="link",
    )
import json
print(json.dumps({"url": link.url, "count": Link.objects.failing().count()}))
"""


def test_an_editor_opens_broken_links_from_the_dashboard(browser, live_site, on_site, screenshot):
    demo = json.loads(on_site(DEMO_ROWS).splitlines()[-1])
    admin_sign_in(browser, live_site, "editor@example.org")

    panel = browser.find_element(By.ID, "broken-links-section")
    assert f"Broken links: {demo['count']}" in panel.text
    screenshot("broken-links-dashboard-360", width=360)
    # Follow the panel's link (after the phone screenshot the admin's layout may not settle
    # enough for the pointer to reach it).
    browser.get(panel.find_element(By.PARTIAL_LINK_TEXT, "broken link").get_attribute("href"))

    assert browser.find_element(By.TAG_NAME, "h1").text.strip() == "Broken links"
    table = browser.find_element(By.CSS_SELECTOR, "table").text
    assert demo["url"] in table
    assert "Check again" in table
    assert "Failing since" in table
    screenshot("broken-links-report-1280", width=1280)
    screenshot("broken-links-report-360", width=360)
