"""Retention: an account whose last activity (sign-in, joining or any training) is older
than the partnership's retention period is listed by the dry run and anonymised by the run,
once; the cut-off is a calendar day in Europe/London, 29 February included."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import PartnershipSettings
from courses import services
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from privacy.retention import expired, retention_years, years_before
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*parts):
    return datetime(*parts, tzinfo=LONDON)


def joined(when, **names):
    with time_machine.travel(when, tick=False):
        return make_learner(**names)


def expired_on(day):
    with time_machine.travel(at(day.year, day.month, day.day, 10), tick=False):
        return set(expired().values_list("pk", flat=True))


def test_the_cut_off_is_the_same_day_six_years_before_in_london():
    # Six years before 1 December 2026 is 1 December 2020; 23:30 UTC on 30 November is
    # still 30 November in London (GMT), and 00:00 London on 1 December is kept.
    before = joined(at(2020, 11, 30, 23, 30))
    on_the_day = joined(at(2020, 12, 1, 0, 0))
    assert before.pk in expired_on(date(2026, 12, 1))
    assert on_the_day.pk not in expired_on(date(2026, 12, 1))
    assert on_the_day.pk in expired_on(date(2026, 12, 2))
    assert before.pk not in expired_on(date(2026, 11, 30))


def test_29_february_counts_back_to_28_february():
    assert years_before(date(2028, 2, 29), 6) == date(2022, 2, 28)
    assert years_before(date(2024, 2, 29), 4) == date(2020, 2, 29)
    day_before = joined(at(2022, 2, 27, 12))
    on_the_day = joined(at(2022, 2, 28, 12))
    found = expired_on(date(2028, 2, 29))
    assert day_before.pk in found and on_the_day.pk not in found


def test_any_recent_activity_keeps_an_account():
    old = at(2019, 6, 1, 12)
    signed_in, enrolled, lesson, untouched = (joined(old) for _ in range(4))
    get_user_model().objects.filter(pk=signed_in.pk).update(last_login=at(2021, 1, 5, 9))
    course = make_course(lessons=1)
    with time_machine.travel(at(2021, 2, 1, 9), tick=False):
        services.enrol(enrolled, course)
    with time_machine.travel(old, tick=False):
        enrolment = services.enrol(lesson, course)
        services.submit_survey(enrolment, "before", survey_ratings("before"))
    with time_machine.travel(at(2021, 3, 1, 9), tick=False):
        finish_lesson(enrolment, lessons_of(course)[0])
    found = expired_on(date(2026, 12, 1))
    assert untouched.pk in found
    assert not {signed_in.pk, enrolled.pk, lesson.pk} & found
    assert {signed_in.pk, enrolled.pk, lesson.pk, untouched.pk} <= expired_on(date(2027, 3, 2))


def test_superusers_and_anonymised_accounts_are_never_listed():
    boss, gone = joined(at(2015, 1, 1, 9)), joined(at(2015, 1, 1, 9))
    get_user_model().objects.filter(pk=boss.pk).update(is_superuser=True)
    anonymise(gone, None, Anonymisation.Reason.REQUEST)
    assert not {boss.pk, gone.pk} & expired_on(date(2026, 12, 1))


def test_the_period_comes_from_the_partnership_settings():
    two_years_ago = joined(at(2024, 6, 1, 9))
    assert two_years_ago.pk not in expired_on(date(2026, 12, 1))
    settings = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.retention_years = 2
    settings.save()
    assert two_years_ago.pk in expired_on(date(2026, 12, 1))


def test_without_a_default_site_the_default_period_applies():
    Site.objects.update(is_default_site=False)
    assert retention_years() == 6


def test_listing_is_one_query():
    joined(at(2015, 1, 1, 9))
    with CaptureQueriesContext(connection) as queries:
        expired_on(date(2026, 12, 1))
    assert len([q for q in queries if "auth_user" in q["sql"]]) == 1


def run(*args):
    out = io.StringIO()
    with time_machine.travel(at(2026, 12, 1, 3), tick=False):
        call_command("anonymise_expired", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_and_changes_nothing_then_the_run_anonymises_once():
    old = joined(at(2018, 5, 1, 9), first_name="Olive", last_name="Old")
    recent = joined(at(2025, 5, 1, 9))
    dry = run("--dry-run")
    assert f"{old.pk} {old.email}" in dry and "Dry run: nothing was changed." in dry
    assert f"{recent.pk} " not in dry
    assert not Anonymisation.objects.filter(user=old).exists()

    done = run()
    assert "Accounts with no activity since 1 December 2020: 1" in done
    assert "Anonymised: 1. Already anonymised: 0." in done
    old.refresh_from_db()
    assert old.first_name == "Anonymised"
    assert Anonymisation.objects.get(user=old).reason == Anonymisation.Reason.RETENTION
    recent.refresh_from_db()
    assert recent.first_name == "Lee"

    again = run()
    assert "Accounts with no activity since 1 December 2020: 0" in again
    assert "Anonymised: 0" in again


def test_a_run_with_nothing_to_do_says_so():
    out = run()
    assert "Accounts with no activity since 1 December 2020: 0" in out
    assert "Anonymised: 0. Already anonymised: 0." in out
