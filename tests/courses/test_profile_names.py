"""A profile keeps a copy of its account's names (for reading an agency's staff in name order
from an index): copied when the profile is made, followed when the account's names change
(the account page, anonymisation), untouched by a sign-in, and filled in for existing
profiles by the migration that added them."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import LearnerProfile
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def names(user):
    return tuple(LearnerProfile.objects.filter(user=user).values_list("first_name", "last_name").get())


def test_a_new_profile_takes_its_accounts_names():
    user = make_learner("housing", email="hana@example.org", first_name="Hana", last_name="Hughes")
    assert names(user) == ("Hana", "Hughes")


def test_a_name_changed_on_the_account_page_follows(client):
    user = make_learner("housing", email="hana@example.org", first_name="Hana", last_name="Hughes")
    client.force_login(user)
    profile = user.learner_profile
    form = {"first_name": "Hana", "last_name": "Hill", "agency": profile.agency_id, "job_role": "housing"}
    assert client.post("/accounts/profile/", {**form, "job_role_other": "", "team": ""}).status_code == 302
    assert get_user_model().objects.get(pk=user.pk).last_name == "Hill"
    assert names(user) == ("Hana", "Hill")


def test_anonymising_an_account_blanks_the_copy_too():
    user = make_learner("housing", email="hana@example.org", first_name="Hana", last_name="Hughes")
    anonymise(user, by=None, reason=Anonymisation.Reason.REQUEST)
    account = get_user_model().objects.get(pk=user.pk)
    assert "Hughes" not in names(user)
    assert names(user) == (account.first_name, account.last_name)


def test_a_sign_in_does_not_touch_profiles(client):
    user = make_learner("housing", email="hana@example.org", first_name="Hana", last_name="Hughes")
    user.set_password("a long enough password 1")
    user.save()
    with CaptureQueriesContext(connection) as queries:
        user.save(update_fields=["last_login"])
    assert not [q for q in queries if "courses_learnerprofile" in q["sql"]]


def test_the_migration_copies_every_accounts_names():
    people = [
        make_learner("housing", email=f"p{n}@example.org", first_name=f"First{n}", last_name=f"Last{n}")
        for n in range(3)
    ]
    LearnerProfile.objects.update(first_name="", last_name="")
    importlib.import_module("courses.migrations.0023_profile_names").copy_names(apps, None)
    assert [names(user) for user in people] == [(f"First{n}", f"Last{n}") for n in range(3)]
