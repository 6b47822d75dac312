"""A housing officer takes the Housing module's quiz by keyboard only: she fails, reads why,
retakes, passes, and the course completes. axe checks the quiz and feedback pages."""

from selenium.webdriver.common.by import By

from tests.browser.quiz_helpers import answer_all
from tests.browser.test_learning_journey import answer_survey, register, sign_out
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait, press_enter


def test_housing_quiz_by_keyboard_fail_retake_pass_and_complete(browser, live_site, mailbox, screenshot):
    register(
        browser,
        live_site,
        mailbox,
        "Harriet",
        "Hall",
        "harriet.hall@homes.example.org",
        "Housing",
        "Housing officer",
    )
    browser.get(live_site + "/courses/housing/")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Start the course']"))
    answer_survey(browser, 3)
    while "/quizzes/" not in browser.current_url:
        click_and_wait(
            browser, browser.find_element(By.XPATH, "//button[text()='Finish this lesson and continue']")
        )

    # From here on, keyboard only.
    press_enter(browser, browser.find_element(By.XPATH, "//button[text()='Start the quiz']"))
    assert axe_problems(browser) == []
    words = {
        " ".join(label.text.split())
        for label in browser.find_elements(By.CSS_SELECTOR, ".choice--colour label")
    }
    assert words and words <= {"● Green", "▲ Amber", "■ Red"}  # a word and a shape, not colour alone
    screenshot("quiz-housing-attempt")
    press_enter(browser, browser.find_element(By.CSS_SELECTOR, "form.quiz-form button[type=submit]"))

    summary = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Not passed yet" in summary and "0%" in summary
    whys = browser.find_elements(By.CSS_SELECTOR, ".feedback__why")
    assert len(whys) == len(browser.find_elements(By.CSS_SELECTOR, ".feedback"))
    assert all("Why:" in why.text for why in whys)
    assert browser.find_elements(By.CSS_SELECTOR, ".feedback__why a[href^='/toolkit/']")
    assert axe_problems(browser) == []
    screenshot("quiz-housing-feedback")

    press_enter(browser, browser.find_element(By.XPATH, "//button[text()='Try again']"))
    answer_all(browser, "housing-quiz", keyboard=True)
    press_enter(browser, browser.find_element(By.CSS_SELECTOR, "form.quiz-form button[type=submit]"))
    summary = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Passed" in summary and "100%" in summary
    assert axe_problems(browser) == []

    press_enter(browser, browser.find_element(By.LINK_TEXT, "Continue the course"))
    assert "/survey/after/" in browser.current_url
    answer_survey(browser, 4)
    card = browser.find_element(By.CSS_SELECTOR, ".course-card--highlight").text
    assert "Completed" in card
    sign_out(browser)
