"""An agency module requires the core course (`requires: core` in its data file): a volunteer
still on the core course finds the way to it from her module instead of a Start button; a
probation officer who has completed the core course starts his module."""

from selenium.webdriver.common.by import By

from tests.browser.test_learning_journey import sign_out
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

CORE = "Recognising and responding to child sexual abuse"


def start_buttons(browser):
    return browser.find_elements(By.XPATH, "//main//button[normalize-space()='Start the course']")


def test_a_module_waits_for_the_core_course_and_opens_once_it_is_completed(browser, live_site):
    sign_in(browser, live_site, "learner.vcs@example.org")  # the demo volunteer: core course in progress
    browser.get(live_site + "/courses/vcs/")
    requirement = browser.find_element(By.CSS_SELECTOR, "main .status__requirement")
    assert CORE in requirement.text
    assert start_buttons(browser) == []
    assert axe_problems(browser) == []

    browser.get(live_site + "/my/")
    cards = browser.find_elements(By.CSS_SELECTOR, ".course-card")
    module = next(card for card in cards if card.find_element(By.TAG_NAME, "h3").text.startswith("Voluntary"))
    assert CORE in module.find_element(By.CSS_SELECTOR, ".status__requirement").text
    click_and_wait(browser, module.find_element(By.CSS_SELECTOR, ".status__requirement a"))
    assert browser.current_url == live_site + "/courses/core/"
    assert browser.find_element(By.TAG_NAME, "h1").text == CORE
    sign_out(browser)

    sign_in(browser, live_site, "learner.probation@example.org")  # completed the core course
    browser.get(live_site + "/courses/probation/")
    assert browser.find_elements(By.CSS_SELECTOR, "main .status__requirement") == []
    click_and_wait(browser, start_buttons(browser)[0])
    assert "/survey/before/" in browser.current_url
