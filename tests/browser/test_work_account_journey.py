"""A member of NHS staff signs in with her work account for the first time: the site sends her
to a real OpenID Connect provider (started here, on 127.0.0.1), she comes back to a short form
with her agency already chosen from her email's domain, and lands on My learning."""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_learning_journey import sign_out
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait
from tests.identity.oidc_provider import Provider

PROVIDER_ID = "nhswork"
BUTTON = "NHS or council work account (Microsoft)"
DOMAIN = "trust.example.nhs.uk"  # no demo account has it


@pytest.fixture
def work_account_provider(live_site, on_site):
    """The provider, set up on the served site as Settings → Work accounts would; the agency
    "Health" takes staff with DOMAIN addresses. All undone afterwards, for the other journeys."""
    provider = Provider()
    client_id, secret = provider.register_client(f"{live_site}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    app = {
        "provider": "openid_connect",
        "provider_id": PROVIDER_ID,
        "name": BUTTON,
        "client_id": client_id,
        "secret": secret,
        "settings": {"server_url": provider.url},
    }
    agency = on_site(
        "from allauth.socialaccount.models import SocialApp; from cms.models import Agency; "
        f"SocialApp.objects.create(**{json.dumps(app)}); "
        "a = Agency.objects.get(name='Health'); print(a.allowed_email_domains); "
        f"a.allowed_email_domains = {DOMAIN!r}; a.save()"
    )
    try:
        yield provider
    finally:
        on_site(
            "from allauth.socialaccount.models import SocialApp; from cms.models import Agency; "
            f"SocialApp.objects.filter(provider_id={PROVIDER_ID!r}).delete(); "
            f"Agency.objects.filter(name='Health').update(allowed_email_domains={agency!r})"
        )
        provider.stop()


def test_a_first_sign_in_with_a_work_account(browser, live_site, screenshot, work_account_provider):
    email = f"nia.adeyemi@{DOMAIN}"
    work_account_provider.set_user(
        "nia-adeyemi",
        email=email,
        email_verified=True,
        given_name="Nia",
        family_name="Adeyemi",
    )
    browser.get(live_site + "/accounts/sign-in/")
    assert axe_problems(browser) == []
    screenshot("work-account-sign-in-360", width=360)
    screenshot("work-account-sign-in")
    click_and_wait(browser, browser.find_element(By.XPATH, f"//button[normalize-space()={BUTTON!r}]"))

    # The provider's own sign-in page.
    assert browser.current_url.startswith(work_account_provider.url)
    browser.find_element(By.NAME, "sub").send_keys("nia-adeyemi")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]:not([value=deny])"))

    assert browser.find_element(By.TAG_NAME, "h1").text == "Finish setting up your account"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert email in main
    assert browser.find_element(By.ID, "id_first_name").get_attribute("value") == "Nia"
    assert browser.find_element(By.ID, "id_last_name").get_attribute("value") == "Adeyemi"
    assert Select(browser.find_element(By.ID, "id_agency")).first_selected_option.text == "Health"
    Select(browser.find_element(By.ID, "id_job_role")).select_by_value("nurse")
    browser.find_element(By.ID, "id_accept_privacy").click()
    assert axe_problems(browser) == []
    screenshot("work-account-first-sign-in-360", width=360)
    screenshot("work-account-first-sign-in")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))

    assert browser.find_element(By.TAG_NAME, "h1").text == "My learning"
    screenshot("work-account-my-learning")
    sign_out(browser)
