"""`seed_load_accounts`: the accounts the production stack's load test signs in as, made on the
production path (no demo data), able to do what the load test asks of them."""

import io

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cms.models import Agency
from courses.models import AgencyLead, LearnerProfile, PartnershipManager
from identity.views import email_confirmed

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPLOADTESTSECRETAB"


@pytest.fixture
def load_env(monkeypatch):
    monkeypatch.setenv("LOAD_PASSWORD", "a-load-test-password")
    monkeypatch.setenv("LOAD_TOTP_SECRET", SECRET)


def seed(**options):
    out = io.StringIO()
    call_command("seed_load_accounts", stdout=out, **options)
    return out.getvalue()


def test_learners_can_start_a_course_and_the_lead_and_manager_have_an_authenticator(load_env):
    assert seed(learners=12) == "Created 12 learners; 0 were there already.\n"
    User = get_user_model()
    learners = User.objects.filter(username__startswith="load.learner.")
    assert sorted(learners.values_list("username", flat=True)) == sorted(
        f"load.learner.{n}@example.org" for n in range(1, 13)
    )
    one = learners.get(username="load.learner.7@example.org")
    assert one.check_password("a-load-test-password")
    assert email_confirmed(one)
    # Spread over the agencies, every profile valid for starting a course.
    assert LearnerProfile.objects.filter(user__in=learners).values("agency").distinct().count() == min(
        12, Agency.objects.count()
    )

    lead = User.objects.get(username="load.lead.housing@example.org")
    assert list(AgencyLead.objects.get(user=lead).agencies.values_list("code", flat=True)) == ["housing"]
    manager = User.objects.get(username="load.manager@example.org")
    assert PartnershipManager.objects.filter(user=manager).exists()
    for user in (lead, manager):
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
        assert EmailAddress.objects.filter(user=user, verified=True, primary=True).count() == 1


def test_the_lead_signs_in_with_a_code_from_the_secret(client, load_env):
    seed(learners=1)
    asked = client.post(
        "/accounts/sign-in/",
        {"username": "load.lead.housing@example.org", "password": "a-load-test-password"},
    )
    assert asked.status_code == 302 and asked.url == "/accounts/2fa/authenticate/"
    done = client.post(asked.url, {"code": pyotp.TOTP(SECRET).now()})
    assert done.status_code == 302
    assert client.get("/leads/reports/").status_code == 200


def test_running_again_adds_only_the_missing_accounts(load_env):
    seed(learners=3)
    assert seed(learners=5) == "Created 2 learners; 3 were there already.\n"
    assert get_user_model().objects.filter(username__startswith="load.").count() == 5 + 2
    assert Authenticator.objects.filter(user__username__startswith="load.").count() == 2


def test_without_the_password_and_secret_nothing_is_made(monkeypatch):
    monkeypatch.delenv("LOAD_PASSWORD", raising=False)
    monkeypatch.setenv("LOAD_TOTP_SECRET", SECRET)
    with pytest.raises(CommandError, match="LOAD_PASSWORD and LOAD_TOTP_SECRET"):
        seed(learners=3)
    assert not get_user_model().objects.filter(username__startswith="load.").exists()
