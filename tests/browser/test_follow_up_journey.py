"""A learner, on a 360px phone, follows the link in her follow-up email twelve weeks after a
course, signs in, answers the three questions and sees her thanks; a second visit says she has
already answered."""

import re

from selenium.webdriver.common.by import By

from tests.browser.conftest import second_step
from tests.browser.test_learning_journey import fill
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

EMAIL = "learner.health@example.org"
# A completion twelve weeks and an hour ago, then the daily command, as cron would run it.
SET_UP = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from courses.models import Completion, CoursePage, Enrolment
learner = get_user_model().objects.get(email="{EMAIL}")
course = CoursePage.objects.live().filter(follow_up_weeks=12).exclude(enrolments__learner=learner).first()
at = timezone.now() - timedelta(weeks=12, hours=1)
profile = learner.learner_profile
enrolment = Enrolment.objects.create(learner=learner, course=course, agency=profile.agency, completed_at=at)
completion = Completion.objects.create(
    enrolment=enrolment, learner=learner, course=course, agency=profile.agency, agency_name=profile.agency.name,
    job_role=profile.job_role, job_role_label=profile.job_role, course_title=course.title,
    completed_at=at, expires_on=(at + timedelta(days=1000)).date(),
)
call_command("send_follow_ups")
print(completion.follow_up.pk)
"""


def test_a_learner_answers_her_follow_up_on_a_phone(browser, live_site, on_site, mailbox, screenshot):
    path = f"/follow-up/{on_site(SET_UP).splitlines()[-1]}/"
    # Her demo training may be due a follow-up too: this is the email about the new completion.
    emails = [path_.read_text() for path_ in mailbox.iterdir() if f"To: {EMAIL}" in path_.read_text()]
    (email,) = [text for text in emails if "Answer the follow-up survey: " in text and path in text]
    assert re.search(rf"Answer the follow-up survey: http\S*{path}\n", email)

    browser.set_window_size(360, 740)
    browser.get(live_site + path)  # signed out: the link asks her to sign in first
    fill(browser, "id_username", EMAIL)
    fill(browser, "id_password", "browser-demo-password")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    second_step(browser, EMAIL)
    assert browser.current_url.endswith(path)
    assert browser.find_element(By.TAG_NAME, "h1").text == "How has the training changed your practice?"
    overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert browser.execute_script(overflow) <= 0  # nothing wider than the phone
    assert axe_problems(browser) == []

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.follow-up-form button[type=submit]"))
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "Choose whether you have used what you learned." in summary
    screenshot("follow-up-errors-phone", width=360)

    browser.set_window_size(360, 740)
    browser.find_element(By.CSS_SELECTOR, "input[name=used][value=once]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=confidence_now][value='4']").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=changes][value=lead]").click()
    fill(browser, "id_note", "I talked to our safeguarding lead the same day instead of waiting.")
    screenshot("follow-up-phone", width=360)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.follow-up-form button[type=submit]"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Thank you for your answers"
    screenshot("follow-up-thanks-phone", width=360)

    browser.get(live_site + path)
    assert browser.find_element(By.TAG_NAME, "h1").text == "You have already answered"
