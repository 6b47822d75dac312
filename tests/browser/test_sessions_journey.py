"""A learner on a 360 px phone finds a face-to-face session, signs in from its page to
book, sees that she has a place, and gives it up. The pages pass axe."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.test_learning_journey import fill, sign_out
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

LEARNER = "learner.housing.5@example.org"


def main_text(browser):
    return browser.find_element(By.TAG_NAME, "main").text


def test_a_learner_on_a_phone_books_a_session_and_cancels(browser, live_site, screenshot):
    browser.delete_all_cookies()
    browser.set_window_size(360, 800)
    try:
        browser.get(live_site + "/sessions/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Training sessions"
        Select(browser.find_element(By.ID, "id_mode")).select_by_visible_text("Face to face")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".filter-form button"))
        assert axe_problems(browser) == []
        screenshot("sessions-list-360", width=360)
        screenshot("sessions-list-1280")
        browser.set_window_size(360, 800)
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".course-card h2 a"))
        assert "Step-free entrance" in main_text(browser)
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Sign in to book"))

        fill(browser, "id_username", LEARNER)
        fill(browser, "id_password", "browser-demo-password")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
        assert "/sessions/" in browser.current_url  # back to the session
        click_and_wait(browser, browser.find_element(By.XPATH, "//main//button[text()='Book a place']"))
        assert "You have a place" in main_text(browser)
        assert axe_problems(browser) == []
        screenshot("session-booked-360", width=360)
        screenshot("session-booked-1280")
        browser.set_window_size(360, 800)

        click_and_wait(browser, browser.find_element(By.XPATH, "//main//button[text()='Cancel my place']"))
        assert "You have given up your place." in main_text(browser)
        assert browser.find_elements(By.XPATH, "//main//button[text()='Book a place']")
        browser.get(live_site + "/sessions/mine/")
        label = browser.find_element(By.CSS_SELECTOR, ".course-card__label")
        assert label.get_attribute("textContent").strip() == "You gave up this place"
        assert axe_problems(browser) == []
        screenshot("sessions-mine-360", width=360)
        sign_out(browser)
    finally:
        browser.set_window_size(1280, 900)
