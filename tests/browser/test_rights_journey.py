"""A learner reads and downloads what the partnership holds about her, then anonymises her
account: she is signed out, cannot sign in again, and her certificate still verifies without
her name. Both pages pass axe at 360 and 1280 px."""

import json

from selenium.webdriver.common.by import By

from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

EMAIL = "learner.education.6@example.org"


def test_a_learner_sees_her_data_downloads_it_and_anonymises_her_account(
    browser, live_site, on_site, screenshot
):
    name, code = on_site(
        "from django.contrib.auth.models import User; from certificates.models import Certificate; "
        f"u = User.objects.get(username='{EMAIL}'); "
        "c = Certificate.objects.filter(completion__learner=u).order_by('pk').first(); "
        "print(u.get_full_name() + '|' + c.display_code)"
    ).split("|")
    browser.delete_all_cookies()
    sign_in(browser, live_site, EMAIL)
    browser.get(live_site + "/accounts/profile/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "See and download the data we hold about you"))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Your data" in page and name in page and EMAIL in page
    assert axe_problems(browser) == []
    screenshot("rights-my-data-360", width=360)
    screenshot("rights-my-data-1280")

    href = browser.find_element(By.PARTIAL_LINK_TEXT, "Download your data").get_attribute("href")
    status, kind, body = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));",
        href,
    )
    assert status == 200 and kind.startswith("application/json")
    data = json.loads(body)
    assert data["account"]["email"] == EMAIL
    assert code in json.dumps(data["completions"])  # each completion with its certificate

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "anonymise your account"))
    assert axe_problems(browser) == []
    screenshot("rights-anonymise-360", width=360)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "Tick the box" in summary  # nothing happens without the tick
    browser.find_element(By.ID, "id_confirm").click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    assert "Your account has been anonymised" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot("rights-anonymised-1280")

    sign_in(browser, live_site, EMAIL)
    assert "/accounts/sign-in/" in browser.current_url  # still on the sign-in page, refused
    assert "not right" in browser.find_element(By.TAG_NAME, "main").text

    browser.get(f"{live_site}/certificates/verify/{code}/")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Name withheld" in page and name not in page
