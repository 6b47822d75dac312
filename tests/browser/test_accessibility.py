"""What a keyboard user, a phone user and a user who makes a mistake meet on every kind of page:
focus styles keep their text readable, and form errors are summarised at the top of the page,
focused, each linked to its field, in view on a 360px phone. (The quiz on a phone: see
test_quiz_attempts.)"""

import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

# Colours as the browser computed them, for the element Tab has just focused: its own text
# colour and the first opaque background behind it (its own, or an ancestor's).
FOCUSED_COLOURS = """
const el = document.activeElement;
const again = el.hasAttribute('data-tabbed');
el.setAttribute('data-tabbed', '');
let node = el, background = null;
while (node && node.nodeType === 1) {
  const colour = getComputedStyle(node).backgroundColor;
  if (!/^rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') { background = colour; break; }
  node = node.parentElement;
}
return [el.tagName + (el.className ? '.' + el.className : '') + ' ' + (el.textContent || el.value || '').trim().slice(0, 40),
        getComputedStyle(el).color, background || 'rgb(255, 255, 255)',
        again || el === document.body];
"""


def _channels(css):
    return [int(n) for n in re.findall(r"\d+", css)[:3]]


def relative_luminance(css):
    """WCAG 2 relative luminance of an `rgb(r, g, b)` colour."""

    def linear(channel):
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_pairs():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)"), 2) == 4.54  # the lightest AA grey
    assert round(contrast("rgb(255, 255, 255)", "rgb(255, 221, 0)"), 2) == 1.35  # the reported fault


def low_contrast_focus(browser, url, limit=400):
    """Tab through the page at `url`; every focused element whose text is below 4.5:1."""
    browser.get(url)
    problems = []
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        name, colour, background, done = browser.execute_script(FOCUSED_COLOURS)
        if done:
            break
        ratio = contrast(colour, background)
        if ratio < 4.5:
            problems.append(f"{name}: {colour} on {background} is {ratio:.1f}:1")
    return problems


# Every kind of link and button: the site's navigation, the green .button as a link and as a
# button, plain buttons, error-summary links, report tabs and tables. None means signed out.
FOCUS_PAGES = {
    None: [
        "/",
        "/toolkit/",
        "/toolkit/referral-pathway/",
        "/accounts/register/",
        "/accounts/sign-in/",
        "/practice/traffic-light/5-9/",
        "/certificates/verify/?code=ZZZZ-ZZZZ-ZZZZ",
    ],
    "learner.vcs@example.org": ["/my/", "/accounts/profile/"],
    "lead.housing@example.org": ["/leads/reports/", "/leads/certificates/"],
}


def test_focused_links_and_buttons_keep_their_text_readable(browser, live_site):
    problems = {}
    for account, paths in FOCUS_PAGES.items():
        browser.delete_all_cookies()
        if account:
            sign_in(browser, live_site, account)
        for path in paths:
            found = low_contrast_focus(browser, live_site + path)
            if found:
                problems[path] = found
    assert problems == {}


PHONE = (360, 740)


def test_registration_errors_are_summarised_in_view_and_focused_on_a_phone(browser, live_site, screenshot):
    browser.set_window_size(*PHONE)
    try:
        browser.get(live_site + "/accounts/register/")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        assert browser.title.startswith("Error: Register")
        summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
        WebDriverWait(browser, 5).until(lambda b: b.switch_to.active_element == summary)
        top, bottom = browser.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", summary
        )
        assert 0 <= top < PHONE[1] and bottom > 0, (top, bottom)  # on screen, not below the privacy notice
        screenshot("phone-register-errors", width=PHONE[0])
        browser.set_window_size(*PHONE)
        assert axe_problems(browser) == []

        summary.find_element(By.LINK_TEXT, "You need to agree to the privacy notice to register.").click()
        assert browser.switch_to.active_element.get_attribute("id") == "id_accept_privacy"
    finally:
        browser.set_window_size(1280, 900)


def test_refused_page_sign_out_and_favicon(browser, live_site):
    sign_in(browser, live_site, "learner.other@example.org")
    browser.get(live_site + "/leads/reports/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot open this page"
    assert browser.find_element(By.CSS_SELECTOR, "main a[href='/']")
    assert axe_problems(browser) == []

    browser.get(live_site + "/accounts/sign-out/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign out"
    assert axe_problems(browser) == []
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "You have signed out"
    assert browser.find_element(By.LINK_TEXT, "Sign in again")
    assert axe_problems(browser) == []

    icon = browser.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
    status, kind = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type')]));",
        icon,
    )
    assert (status, kind) == (200, "image/svg+xml")
