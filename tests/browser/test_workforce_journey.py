"""Housing's lead uploads a new staff list: a bad file first (the rows to fix), then a good one;
she checks who joins, leaves and changes, applies it and sees the counts on her workforce page."""

import json

from selenium.webdriver.common.by import By

from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

HEADINGS = "Work email,Name,Job role,Team\n"


def the_list(on_site):
    """Housing's staff list on the served site: {email: [name, job role, team]}."""
    return json.loads(
        on_site(
            "import json; from workforce.models import StaffListEntry as E; "
            "print(json.dumps({e.email: [e.name, e.job_role, e.team] "
            "for e in E.objects.filter(agency__code='housing')}))"
        )
    )


def without_accounts(on_site, emails):
    """How many of `emails` have no account on the served site."""
    registered = json.loads(
        on_site(
            "import json; from django.contrib.auth import get_user_model as U; "
            f"print(json.dumps(list(U().objects.filter(email__in={sorted(emails)!r}).values_list('email', flat=True))))"
        )
    )
    return len({email.lower() for email in emails} - {email.lower() for email in registered})


def upload(browser, path):
    browser.find_element(By.ID, "id_file").send_keys(str(path))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def test_a_lead_uploads_previews_and_applies_a_staff_list(browser, live_site, on_site, screenshot, tmp_path):
    before = the_list(on_site)
    kept, changed, *_ = sorted(before)
    sign_in(browser, live_site, "lead.housing@example.org")
    browser.get(live_site + "/leads/workforce/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your workforce"
    assert f"staff list of {len(before)} people" in browser.find_element(By.TAG_NAME, "main").text
    assert axe_problems(browser) == []

    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Upload a staff list"))
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADINGS + "nobody,No One,Housing officer,\n")
    upload(browser, bad)
    problems = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "Row 2, Work email: enter an email address like name@example.org" in problems
    assert axe_problems(browser) == []
    screenshot("workforce-upload-errors")
    assert the_list(on_site) == before

    name, role, team = before[kept]
    good = tmp_path / "housing-staff.csv"
    good.write_text(
        HEADINGS
        + f"{kept},{name},{role},{team}\n"
        + f"{changed},{before[changed][0]},Manager,New team\n"
        + "new.starter@example.org,New Starter,Housing officer,Lettings\n"
    )
    unregistered = without_accounts(on_site, [kept, changed, "new.starter@example.org"])
    upload(browser, good)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Check the staff list for")
    figures = {
        f.get_attribute("data-figure"): f.text
        for f in browser.find_elements(By.CSS_SELECTOR, "[data-figure]")
    }
    assert figures == {
        "joined": "1",
        "left": str(len(before) - 2),
        "changed": "1",
        "unchanged": "1",
        # Other journeys may have changed the list: count the file's people with no account there.
        "not_registered": str(unregistered),
    }
    assert "New Starter" in browser.find_element(By.TAG_NAME, "main").text
    assert axe_problems(browser) == []
    screenshot("workforce-preview")
    screenshot("workforce-preview-360", width=360)
    browser.refresh()

    click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Apply this staff list']"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your workforce"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert f"1 joined, {len(before) - 2} left, 1 changed and 1 unchanged" in main
    assert "staff list of 3 people" in main
    assert f"{unregistered} of them {'is' if unregistered == 1 else 'are'} not registered" in main
    assert the_list(on_site) == {
        kept: before[kept],
        changed: [before[changed][0], "manager", "New team"],
        "new.starter@example.org": ["New Starter", "housing", "Lettings"],
    }
    assert axe_problems(browser) == []
    screenshot("workforce-index")
    screenshot("workforce-index-360", width=360)
    assert sideways_overflow(browser, live_site + "/leads/workforce/") == 0
