"""An attempt a few questions to a page: by keyboard only with JavaScript off, leaving half
way and coming back to the same answers; with JavaScript on, answers saved as she answers
survive a reload; the summary before marking lists the unanswered questions and links to
each; on a 360px phone no page of any question type scrolls sideways.

Each test has an attempt that asks a case and every kind of question (see site_data)."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.quiz_helpers import answer_all, answer_every_page, go, press_button, submit
from tests.browser.test_quiz_journey import axe_clean
from tests.browser.test_reports_journey import sign_in
from tests.browser.waiting import click_and_wait

# What the page's form holds: ticked boxes, picked radio buttons and chosen options.
FILLED = """
return [...document.querySelectorAll('form.quiz-form input, form.quiz-form select')]
  .filter(e => e.tagName === 'SELECT' ? e.value : (e.type === 'radio' || e.type === 'checkbox') && e.checked)
  .map(e => e.name + '=' + e.value).sort();
"""
PHONE = (360, 740)
QUESTION_TYPES = {
    "single_choice", "multiple_response", "true_false", "traffic_light",
    "traffic_light_sort", "spot_indicators", "order", "matching",
}  # fmt: skip
FITS = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# The elements that stick out on the right, to say what makes a page scroll sideways.
STICKING_OUT = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`).slice(-5);
"""


def every_kind_attempt(on_site, email, slug):
    return on_site(
        f"from tests.browser.site_data import every_kind_attempt; every_kind_attempt({email!r}, {slug!r})"
    )


def continue_the_attempt(browser, live_site, slug, keyboard=False):
    browser.get(f"{live_site}/quizzes/{slug}/")
    link = browser.find_elements(By.LINK_TEXT, "Continue your attempt")
    assert link, browser.find_element(By.TAG_NAME, "main").text
    press_button(browser, link[0], keyboard)


def filled(browser):
    return browser.execute_script(FILLED)


def test_by_keyboard_without_javascript_leave_and_come_back(browser_without_javascript, live_site, on_site):
    browser = browser_without_javascript
    address = every_kind_attempt(on_site, "learner.csc@example.org", "csc-quiz")
    sign_in(browser, live_site, "learner.csc@example.org")
    continue_the_attempt(browser, live_site, "csc-quiz", keyboard=True)
    assert browser.current_url == live_site + address
    assert not browser.find_elements(By.CSS_SELECTOR, ".order__controls, .sort__zones")  # no script ran

    answer_all(browser, "csc-quiz", keyboard=True, certainty="Very sure")
    first_page = filled(browser)
    go(browser, "next", keyboard=True)
    assert "/page/2/" in browser.current_url
    answer_all(browser, "csc-quiz", keyboard=True, certainty="Very sure")
    # She leaves without saving page 2, and comes back from the quiz's page.
    browser.get(live_site + "/my/")
    continue_the_attempt(browser, live_site, "csc-quiz", keyboard=True)
    assert filled(browser) == first_page
    go(browser, "next", keyboard=True)
    assert filled(browser) == []  # without JavaScript, a page is saved when she leaves it by its buttons

    answer_every_page(browser, "csc-quiz", keyboard=True, certainty="Very sure")
    total = len(browser.find_elements(By.CSS_SELECTOR, "main tbody tr"))
    assert (
        f"{total} questions answered, 0 not yet answered"
        in browser.find_element(By.CSS_SELECTOR, ".lead").text
    )
    submit(browser, keyboard=True)
    result = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Passed" in result and "100%" in result


def wait_until_saved(browser):
    """The page's script saves half a second after the last change; then it says so."""
    time.sleep(1.5)
    WebDriverWait(browser, 10).until(
        lambda b: (
            b.find_element(By.CSS_SELECTOR, "[data-save-status]").text
            == "Your answers on this page are saved."
        )
    )


def test_answers_are_saved_as_she_answers_and_the_summary_links_the_unanswered(
    browser, live_site, on_site, screenshot
):
    address = every_kind_attempt(on_site, "learner.adult@example.org", "core-quiz")
    sign_in(browser, live_site, "learner.adult@example.org")
    browser.get(live_site + address)
    assert browser.find_elements(By.CSS_SELECTOR, "[data-save-status][role=status]")
    answer_all(browser, "core-quiz", keyboard=True, certainty="Fairly sure")
    wait_until_saved(browser)
    first_page = filled(browser)
    browser.refresh()  # no button pressed
    assert filled(browser) == first_page

    go(browser, "next")
    on_page_2 = [
        int(q.get_attribute("id").split("-")[1]) for q in browser.find_elements(By.CSS_SELECTOR, ".question")
    ]
    answer_all(browser, "core-quiz", certainty="Not sure", leave=on_page_2[-1:])
    wait_until_saved(browser)
    second_page = filled(browser)
    # She leaves, and comes back from the quiz's page: both pages as she left them.
    browser.get(live_site + "/my/")
    continue_the_attempt(browser, live_site, "core-quiz")
    assert filled(browser) == first_page
    go(browser, "next")
    assert filled(browser) == second_page

    click_and_wait(browser, browser.find_element(By.XPATH, "//button[@value='summary']"))
    rows = browser.find_elements(By.CSS_SELECTOR, "main tbody tr")
    unanswered = [row for row in rows if "Not yet answered" in row.text]
    answered = len(rows) - len(unanswered)
    assert answered and unanswered
    assert answered / len(rows) < 0.7  # so that the attempt fails
    lead = browser.find_element(By.CSS_SELECTOR, ".lead").text
    assert f"{answered} questions answered, {len(unanswered)} not yet answered" in lead
    for row in unanswered:
        position = row.get_attribute("id").removeprefix("summary-")
        href = row.find_element(By.TAG_NAME, "a").get_attribute("href")
        assert href.endswith(f"#question-{position}"), href
    assert f"Question {on_page_2[-1]}" in unanswered[0].text
    axe_clean(browser)
    screenshot("summary-1280")
    screenshot("summary-360", width=PHONE[0])

    # The link of an unanswered question opens its page, at the question.
    click_and_wait(browser, unanswered[0].find_element(By.TAG_NAME, "a"))
    assert "/page/2/" in browser.current_url
    assert browser.find_element(By.ID, f"question-{on_page_2[-1]}")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[@value='summary']"))

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    result = browser.find_element(By.CSS_SELECTOR, ".result-summary").text
    assert "Not passed yet" in result
    assert not browser.find_elements(By.CSS_SELECTOR, ".feedback__why")  # review: which were wrong
    assert len(browser.find_elements(By.CSS_SELECTOR, ".feedback")) == len(rows)
    axe_clean(browser)
    screenshot("result-failed-1280")
    screenshot("result-failed-360", width=PHONE[0])


def test_no_page_of_any_question_type_scrolls_sideways_on_a_360px_phone(
    browser, live_site, on_site, screenshot
):
    address = every_kind_attempt(on_site, "learner.yos@example.org", "yos-quiz")
    sign_in(browser, live_site, "learner.yos@example.org")
    browser.set_window_size(*PHONE)
    browser.get(live_site + address)
    kinds, shots = set(), set()
    try:
        while "/summary/" not in browser.current_url:
            here = browser.current_url
            kinds |= {
                q.get_attribute("data-type") for q in browser.find_elements(By.CSS_SELECTOR, ".question")
            }
            assert browser.execute_script(FITS), browser.execute_script(STICKING_OUT)
            for field in browser.find_elements(By.CSS_SELECTOR, ".question select, .certainty .choice"):
                assert field.rect["x"] >= 0 and field.rect["x"] + field.rect["width"] <= PHONE[0], here
            axe_clean(browser)
            shot = "case" if browser.find_elements(By.CSS_SELECTOR, ".vignette") else "certainty"
            if shot not in shots:
                shots.add(shot)
                screenshot(f"page-with-{shot}-360", width=PHONE[0])
                screenshot(f"page-with-{shot}-1280")
                browser.set_window_size(*PHONE)
            answer_all(browser, "yos-quiz", certainty="Very sure")
            last = not browser.find_elements(By.CSS_SELECTOR, "button[name=go][value=next]")
            go(browser, "summary" if last else "next")
        assert kinds == QUESTION_TYPES
        assert shots == {"case", "certainty"}
        assert browser.execute_script(FITS), "the summary scrolls sideways"

        submit(browser)
        assert "Passed" in browser.find_element(By.CSS_SELECTOR, ".result-summary").text
        assert browser.execute_script(FITS), "the result page scrolls sideways"
        whys = browser.find_elements(By.CSS_SELECTOR, "td[data-label=Why]")
        assert whys, "no traffic-light table on the result page"
        for cell in whys:
            assert cell.rect["x"] >= 0 and cell.rect["x"] + cell.rect["width"] <= PHONE[0]
            assert cell.text  # the reason is there to read, not cut off
        axe_clean(browser)
        screenshot("result-passed-360", width=PHONE[0])
        screenshot("result-passed-1280")
    finally:
        browser.set_window_size(1280, 900)
