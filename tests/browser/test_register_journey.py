"""A trainer takes the register on a tablet (768 px) and on a phone (360 px): she marks three
people, saves, closes the register after the confirmation page, and the closed register shows
the totals. Screenshots of each width are kept for a person to look at."""

import json

from selenium.webdriver.common.by import By

from tests.browser.conftest import PASSWORD
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait

MAKE = """
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from cms.models import Agency
from courses.models import CoursePage, LearnerProfile
from training.models import TRAINERS, Booking, TrainingSession

def person(email, first, last, agency):
    user = get_user_model().objects.create_user(username=email, email=email, password={password!r},
                                                first_name=first, last_name=last)
    LearnerProfile.objects.create(user=user, agency=Agency.objects.get(code=agency), job_role="other",
                                  job_role_other="Support worker", privacy_accepted_at=timezone.now())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user

trainer = person("trainer.{width}@example.org", "Tess", "Trainer", "health")
trainer.groups.add(Group.objects.get(name=TRAINERS))
session = TrainingSession.objects.create(course=CoursePage.objects.live().first(), live=True, capacity=20,
                                         starts_at=timezone.now() - timedelta(hours=1), duration_minutes=180,
                                         venue="Civic Centre, Room 2", short_code="WMWMW{width_digit}")
session.trainers.add(trainer)
session.save()
ids = []
for n, (first, last, agency) in enumerate([("Ayesha", "Khan", "housing"), ("Ben", "Morris", "police"),
                                           ("Carys", "Evans", "education")]):
    someone = person(f"attendee{{n}}.{width}@example.org", first, last, agency)
    ids.append(Booking.objects.create(session=session, person=someone, agency=someone.learner_profile.agency,
                                      job_role="other").pk)
print(json.dumps({{"session": session.pk, "bookings": ids}}))
"""


def take_register(browser, live_site, on_site, screenshot, width):
    # The survey code in the widest letters (W and M), which must still fit a phone's width.
    made = json.loads(on_site("import json\n" + MAKE.format(password=PASSWORD, width=width, width_digit=str(width)[0])))
    sign_in(browser, live_site, f"trainer.{width}@example.org")
    browser.set_window_size(width, 1000)
    browser.get(live_site + "/sessions/running/")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Take the register"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Register:")
    assert (
        browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )
    screenshot(f"register-{width}-open", width=width)
    browser.set_window_size(width, 1000)  # the screenshot leaves the window wide
    for booking, mark in zip(made["bookings"], ["attended", "late", "no_show"], strict=True):
        radio = browser.find_element(By.ID, f"mark-{booking}-{mark}")
        label = browser.find_element(By.CSS_SELECTOR, f"label[for=mark-{booking}-{mark}]")
        assert label.size["height"] >= 40  # a large target for a finger
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
        assert radio.is_selected()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Save the register']"))
    assert "Register saved: 3 marks changed." in browser.find_element(By.TAG_NAME, "main").text
    screenshot(f"register-{width}-marked", width=width)
    browser.set_window_size(width, 1000)  # the screenshot leaves the window wide
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Close the register"))
    assert "left early" in browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(
        browser, browser.find_element(By.XPATH, "//button[normalize-space()='Yes, close the register']")
    )
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Register closed: 2 people have a completion and a certificate." in main
    assert "This register is closed" in main
    totals = {
        row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
        for row in browser.find_elements(By.CSS_SELECTOR, "main table:first-of-type tr")
    }
    assert totals == {"Attended": "1", "Arrived late": "1", "Left early": "0", "Did not attend": "1"}
    assert axe_problems(browser) == []
    screenshot(f"register-{width}-closed", width=width)
    browser.set_window_size(width, 1000)  # the screenshot leaves the window wide
    browser.set_window_size(1280, 900)


def test_a_trainer_takes_the_register_on_a_tablet(browser, live_site, on_site, screenshot):
    take_register(browser, live_site, on_site, screenshot, 768)


def test_a_trainer_takes_the_register_on_a_phone(browser, live_site, on_site, screenshot):
    take_register(browser, live_site, on_site, screenshot, 360)
