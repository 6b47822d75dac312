"""A housing officer who has completed the core course takes the Housing module by keyboard
only, with JavaScript on: the knowledge check before the lessons, then the quiz, a few
questions to a page, with a summary before marking. She submits without answering and
fails, reads which questions she missed (not their answers), retakes, passes, and the
course completes. axe checks every page of both attempts, both summaries and each kind of
result."""

from selenium.webdriver.common.by import By

from tests.browser.quiz_helpers import answer_every_page, press_button, submit
from tests.browser.test_learning_journey import answer_survey, register, sign_out
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait


def axe_clean(browser):
    assert axe_problems(browser) == [], browser.current_url


def button(browser, text):
    return browser.find_element(By.XPATH, f"//main//*[self::button or self::a][normalize-space()='{text}']")


def test_housing_course_by_keyboard_check_fail_retake_pass_and_complete(
    browser, live_site, mailbox, on_site, screenshot
):
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
    # The module requires the core course, which she has completed.
    on_site(
        "from tests.browser.site_data import completed; completed('harriet.hall@homes.example.org', 'core-quiz')"
    )
    browser.get(live_site + "/courses/housing/")
    click_and_wait(browser, button(browser, "Start the course"))
    answer_survey(browser, 3)

    # From here on, keyboard only: the knowledge check comes before the lessons.
    assert "/quizzes/housing-quiz/knowledge-check/" in browser.current_url, browser.current_url
    axe_clean(browser)
    press_button(browser, button(browser, "Start the knowledge check"), keyboard=True)
    answered = answer_every_page(
        browser, "housing-quiz", keyboard=True, certainty="Fairly sure", on_each_page=axe_clean
    )
    assert len(answered) == 8
    summary = browser.find_element(By.CSS_SELECTOR, "main .lead").text
    assert "8 questions answered, 0 not yet answered" in summary
    axe_clean(browser)
    submit(browser, keyboard=True)
    assert "Your knowledge check" in browser.find_element(By.TAG_NAME, "h1").text
    assert "100% right before the lessons" in browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".feedback")  # the answers wait for the end
    axe_clean(browser)
    press_button(browser, button(browser, "Continue the course"), keyboard=True)

    while "/quizzes/" not in browser.current_url:
        assert "/courses/housing/" in browser.current_url, browser.current_url
        press_button(browser, button(browser, "Finish this lesson and continue"), keyboard=True)

    axe_clean(browser)
    press_button(browser, button(browser, "Start the quiz"), keyboard=True)
    labels = browser.find_elements(By.CSS_SELECTOR, ".choice--colour label")
    colours = {" ".join(words.text.split()) for words in labels}  # however the line wraps
    assert colours <= {"● Green", "▲ Amber", "■ Red"}  # a word and a shape, not colour alone
    screenshot("quiz-housing-attempt")
    # She leaves every question unanswered and goes straight to the summary.
    pages = 0
    while "/summary/" not in browser.current_url:
        axe_clean(browser)
        pages += 1
        last = not browser.find_elements(By.CSS_SELECTOR, "button[name=go][value=next]")
        press_button(
            browser,
            browser.find_element(By.CSS_SELECTOR, f"button[name=go][value={'summary' if last else 'next'}]"),
            keyboard=True,
        )
    assert pages > 1
    rows = browser.find_elements(By.CSS_SELECTOR, "main tbody tr")
    assert rows and all("Not yet answered" in row.text for row in rows)
    assert (
        f"0 questions answered, {len(rows)} not yet answered"
        in browser.find_element(By.CSS_SELECTOR, ".lead").text
    )
    axe_clean(browser)
    submit(browser, keyboard=True)

    result = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Not passed yet" in result and "0%" in result
    # Review "wrong": which questions she missed and what to read, but no right answers.
    feedback = browser.find_elements(By.CSS_SELECTOR, ".feedback")
    assert len(feedback) == len(rows)
    assert not browser.find_elements(By.CSS_SELECTOR, ".feedback__why")
    assert browser.find_elements(By.CSS_SELECTOR, ".feedback a[href^='/toolkit/']")
    axe_clean(browser)
    screenshot("quiz-housing-feedback")

    press_button(browser, button(browser, "Try again"), keyboard=True)
    answer_every_page(browser, "housing-quiz", keyboard=True, certainty="Very sure")
    assert "not yet answered" in browser.find_element(By.CSS_SELECTOR, ".lead").text
    assert not browser.find_elements(By.XPATH, "//tbody//*[normalize-space()='Not yet answered']")
    submit(browser, keyboard=True)
    result = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Passed" in result and "100%" in result
    assert "3.00" in result  # right and very sure every time: the top certainty-based mark
    # Review "everything" once passed: every answer and why, with the toolkit to read.
    whys = browser.find_elements(By.CSS_SELECTOR, ".feedback__why")
    assert whys and len(whys) == len(browser.find_elements(By.CSS_SELECTOR, ".feedback"))
    assert all("Why:" in why.text for why in whys)
    axe_clean(browser)

    press_button(browser, button(browser, "Continue the course"), keyboard=True)
    assert "/survey/after/" in browser.current_url
    answer_survey(browser, 4)
    card = browser.find_element(By.CSS_SELECTOR, ".course-card--highlight").text
    assert "Completed" in card
    sign_out(browser)
