"""A housing officer registers on a phone-sized screen, takes the core course from the
"before" survey and the knowledge check to the quiz and the "after" survey, and sees it
completed; a colleague from another
agency sees nothing of hers. axe checks every kind of learner page on the way."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.quiz_helpers import answer_every_page, submit
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait


def london_today():
    return datetime.now(ZoneInfo("Europe/London")).date()


def fill(browser, field_id, value):
    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def register(browser, live_site, mailbox, first, last, email, agency, role):
    """Register, then confirm the address through the link the site emailed."""
    browser.get(live_site + "/accounts/register/")
    fill(browser, "id_first_name", first)
    fill(browser, "id_last_name", last)
    fill(browser, "id_email", email)
    fill(browser, "id_password1", "a-long-unusual-passphrase")
    fill(browser, "id_password2", "a-long-unusual-passphrase")
    Select(browser.find_element(By.ID, "id_agency")).select_by_visible_text(agency)
    Select(browser.find_element(By.ID, "id_job_role")).select_by_visible_text(role)
    browser.find_element(By.ID, "id_accept_privacy").click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    assert "Check your email" in browser.find_element(By.TAG_NAME, "h1").text
    emails = [path.read_text() for path in sorted(mailbox.iterdir()) if f"To: {email}" in path.read_text()]
    browser.get(re.search(r"http://\S+/accounts/register/confirm/\S+/", emails[-1]).group(0))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))


def answer_survey(browser, choice):
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "fieldset.scale"):
        fieldset.find_elements(By.CSS_SELECTOR, "input[type=radio]")[choice - 1].click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.survey-form button[type=submit]"))


def sign_out(browser):
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".nav-form button"))


def test_register_take_the_core_course_and_complete_it(browser, live_site, mailbox, screenshot):
    browser.set_window_size(360, 800)
    try:
        browser.get(live_site + "/accounts/register/")
        assert axe_problems(browser) == []
        register(
            browser,
            live_site,
            mailbox,
            "Holly",
            "Harris",
            "holly.harris@council.example.org",
            "Housing",
            "Housing officer",
        )
        assert browser.current_url == live_site + "/my/"
        assert axe_problems(browser) == []
        highlighted = browser.find_element(By.CSS_SELECTOR, ".course-card--highlight h3").text
        assert highlighted.startswith("Housing")

        click_and_wait(
            browser, browser.find_element(By.LINK_TEXT, "Recognising and responding to child sexual abuse")
        )
        assert axe_problems(browser) == []
        click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Start the course']"))
        assert "/survey/before/" in browser.current_url
        assert axe_problems(browser) == []
        screenshot("phone-survey-before", width=360)
        answer_survey(browser, 2)

        # Before the lessons, a knowledge check: not pass or fail, its answers shown at the end.
        assert "/quizzes/core-quiz/knowledge-check/" in browser.current_url
        assert axe_problems(browser) == []
        click_and_wait(
            browser, browser.find_element(By.XPATH, "//button[text()='Start the knowledge check']")
        )
        answer_every_page(browser, "core-quiz", leave={1})
        submit(browser)
        assert "before the lessons" in browser.find_element(By.CSS_SELECTOR, ".result-summary").text
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Continue the course"))

        lessons_seen = 0
        while "/quizzes/" not in browser.current_url:
            assert "/courses/core/" in browser.current_url, browser.current_url
            if lessons_seen == 0:
                assert axe_problems(browser) == []
                screenshot("phone-first-lesson", width=360)
            lessons_seen += 1
            click_and_wait(
                browser, browser.find_element(By.XPATH, "//button[text()='Finish this lesson and continue']")
            )
            if lessons_seen == 2:
                # She leaves, and later resumes where she stopped from My learning.
                browser.get(live_site + "/my/")
                click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Continue:"))
        assert lessons_seen >= 6
        # The course quiz comes after the lessons; passing it opens the "after" survey.
        click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Start the quiz']"))
        answer_every_page(browser, "core-quiz", certainty="Fairly sure")
        submit(browser)
        assert "Passed" in browser.find_element(By.CSS_SELECTOR, ".result-summary").text
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Continue the course"))
        assert "/survey/after/" in browser.current_url
        assert axe_problems(browser) == []
        before = london_today()
        answer_survey(browser, 4)  # completes the course
        after = london_today()  # the same day, unless midnight passed while she finished

        assert browser.current_url == live_site + "/my/"
        card = browser.find_element(
            By.XPATH,
            "//li[contains(@class,'course-card')][.//a[text()="
            "'Recognising and responding to child sexual abuse']]",
        )
        text = card.text
        assert "Completed" in text
        assert any(f"Completed on {day.day} {day:%B %Y}" in text for day in {before, after})
        assert "Slightly confident → Fairly confident" in text
        assert axe_problems(browser) == []
        screenshot("phone-my-learning", width=360)

        # Her certificate is issued: the link is there, and anyone can check its code.
        assert card.find_element(By.PARTIAL_LINK_TEXT, "Download your certificate")
        code = text.split("code ")[1].split()[0]
        browser.get(live_site + "/certificates/verify/")
        browser.find_element(By.ID, "code").send_keys(code.lower())
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        assert "Valid certificate" in browser.find_element(By.TAG_NAME, "main").text
        assert "Holly Harris" in browser.find_element(By.TAG_NAME, "main").text
        assert axe_problems(browser) == []
        screenshot("phone-verify", width=360)
        sign_out(browser)
    finally:
        browser.set_window_size(1280, 900)


def test_a_colleague_from_another_agency_sees_nothing_of_hers(browser, live_site, mailbox):
    register(
        browser,
        live_site,
        mailbox,
        "Priya",
        "Shah",
        "priya.shah@police.example.org",
        "Police",
        "Police officer or staff",
    )
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Holly" not in page
    assert "Completed on" not in page
    assert browser.find_element(By.CSS_SELECTOR, ".course-card--highlight h3").text.startswith("Police")
    sign_out(browser)
