"""A professional reads the toolkit in a real browser, and axe checks each page."""

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.waiting import press_enter

BLOCKING = {"serious", "critical"}


def axe_problems(browser):
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def test_home_to_toolkit_to_chapter_to_resource(browser, live_site, screenshot):
    browser.get(live_site + "/")
    assert "Safeguarding Learning Hub" in browser.title
    assert axe_problems(browser) == []
    screenshot("home")

    browser.find_element(By.LINK_TEXT, "Toolkit").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Child sexual abuse toolkit"
    assert axe_problems(browser) == []
    screenshot("toolkit")

    browser.find_element(By.PARTIAL_LINK_TEXT, "Protection procedures").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Protection procedures"
    assert axe_problems(browser) == []
    screenshot("chapter-protection-procedures")

    link = browser.find_element(By.CSS_SELECTOR, ".resource__title a")
    assert link.get_attribute("target") in (None, "")
    assert "external website" in link.get_attribute("textContent")
    href = link.get_attribute("href")
    assert href.startswith("http") and "127.0.0.1" not in href


def test_search_results_are_accessible(browser, live_site, screenshot):
    browser.get(live_site + "/toolkit/")
    box = browser.find_element(By.ID, "toolkit-search")
    press_enter(browser, box, "SARC")
    first = browser.find_element(By.CSS_SELECTOR, ".search-results h3 a")
    assert first.text == "Protection procedures"
    assert axe_problems(browser) == []
    screenshot("search-sarc")


def test_every_chapter_passes_axe(browser, live_site):
    browser.get(live_site + "/toolkit/")
    urls = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".chapter-list__title a")]
    assert len(urls) >= 23
    problems = {}
    for url in urls:
        browser.get(url)
        found = axe_problems(browser)
        if found:
            problems[url] = found
    assert problems == {}


def test_keyboard_user_can_skip_to_content(browser, live_site):
    browser.get(live_site + "/toolkit/referral-pathway/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to main content"
    active.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def sideways_overflow(browser, url):
    """How many pixels wider than a 360px phone the page at `url` is (0 when it fits)."""
    browser.set_window_size(360, 740)
    try:
        browser.get(url)
        return browser.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
        )
    finally:
        browser.set_window_size(1280, 900)


def test_chapter_fits_a_360px_phone(browser, live_site, screenshot):
    assert sideways_overflow(browser, live_site + "/toolkit/referral-pathway/") == 0
    screenshot("phone-referral-pathway", width=360)
