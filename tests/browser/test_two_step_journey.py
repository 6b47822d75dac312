"""A new agency lead sets up two-step sign-in in the browser: the site sends her to set up an
authenticator app before anything else opens, shows the QR code (an inline image the page's
Content Security Policy allows) and the key as text, then her recovery codes. She signs out and
back in with a code from the app (pyotp, as her phone makes it), and then with a recovery code,
which works once."""

from selenium.webdriver.common.by import By

from tests.browser.conftest import TOTP_SECRETS, totp_code
from tests.browser.test_learning_journey import fill, sign_out
from tests.browser.test_toolkit_journey import axe_problems, sideways_overflow
from tests.browser.waiting import click_and_wait

EMAIL = "lead.twostep@example.org"
SET_UP = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from cms.models import Agency
from courses.models import AgencyLead
user = get_user_model().objects.create_user(
    username="{EMAIL}", email="{EMAIL}", password="browser-demo-password", first_name="Tara", last_name="Lead"
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code="housing"))
"""


def submit(browser):
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def password_step(browser, live_site):
    browser.get(live_site + "/accounts/sign-in/")
    fill(browser, "id_username", EMAIL)
    fill(browser, "id_password", "browser-demo-password")
    submit(browser)


def h1(browser):
    return browser.find_element(By.TAG_NAME, "h1").text


def test_a_new_lead_sets_up_two_step_sign_in_and_signs_in_with_a_code_then_a_recovery_code(
    browser, live_site, on_site, screenshot
):
    on_site(SET_UP)
    password_step(browser, live_site)
    assert browser.current_url == live_site + "/accounts/two-step-sign-in/"
    browser.get(live_site + "/leads/reports/")  # nothing else opens yet
    assert browser.current_url == live_site + "/accounts/two-step-sign-in/"
    assert h1(browser) == "Set up two-step sign-in"
    assert axe_problems(browser) == []
    screenshot("two-step-required-360", width=360)

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Set up an authenticator app"))
    assert h1(browser) == "Confirm it is you"
    fill(browser, "id_password", "browser-demo-password")
    submit(browser)

    assert h1(browser) == "Set up an authenticator app"
    qr = browser.find_element(By.CSS_SELECTOR, "main img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr)
    assert axe_problems(browser) == []
    screenshot("two-step-activate-1280")
    screenshot("two-step-activate-360", width=360)
    assert sideways_overflow(browser, browser.current_url) == 0  # opens the page afresh: a new key
    secret = browser.find_element(By.ID, "authenticator_secret").text
    assert len(secret) == 32

    fill(browser, "id_code", "000000")  # a mistyped code (one in a million is right: not today)
    submit(browser)
    assert "There is a problem" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    TOTP_SECRETS[EMAIL] = secret
    fill(browser, "id_code", totp_code(EMAIL))
    submit(browser)

    assert h1(browser) == "Your recovery codes"
    codes = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#recovery_codes code")]
    assert len(codes) == 10
    assert browser.find_element(By.LINK_TEXT, "Download the codes")
    assert axe_problems(browser) == []
    screenshot("two-step-recovery-codes-360", width=360)
    browser.get(live_site + "/leads/reports/")  # this session gave a code, so the reports open
    assert h1(browser) == "Training numbers"
    sign_out(browser)

    password_step(browser, live_site)
    assert h1(browser) == "Enter a code to sign in"
    assert axe_problems(browser) == []
    screenshot("two-step-code-1280")
    screenshot("two-step-code-360", width=360)
    fill(browser, "id_code", totp_code(EMAIL))
    submit(browser)
    assert browser.current_url == live_site + "/my/"
    sign_out(browser)

    password_step(browser, live_site)
    fill(browser, "id_code", codes[0])
    submit(browser)
    assert browser.current_url == live_site + "/my/"
    sign_out(browser)

    password_step(browser, live_site)
    fill(browser, "id_code", codes[0])  # used already
    submit(browser)
    assert "That code did not work" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    screenshot("two-step-code-refused-360", width=360)
    fill(browser, "id_code", codes[1])
    submit(browser)
    assert browser.current_url == live_site + "/my/"
