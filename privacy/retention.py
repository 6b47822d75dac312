"""Records are kept no longer than needed (UK GDPR storage limitation): an account is
anonymised once its last activity is older than the partnership's retention period
(Settings › Partnership settings, "keep records for"), by the daily `anonymise_expired`.

Last activity is the latest of the account's sign-in, its joining and its training:
enrolments started or completed, lessons opened or finished, surveys, quiz attempts,
completions, places booked on sessions and follow-up surveys answered. Superusers are never
listed: the administrators who run the site would otherwise lose their own accounts after a
quiet spell; an administrator anonymises one by hand when it is no longer needed."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.models import Site

from cms.models import PartnershipSettings
from courses.models import Completion, Enrolment
from courses.models.records import LessonOpened, LessonProgress, SurveySubmission
from privacy.models import Anonymisation
from quizzes.models import Attempt
from training.models import Booking, FollowUp


def retention_years() -> int:
    """The default site's setting; its default (6) before any site exists."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return PartnershipSettings._meta.get_field("retention_years").default
    return PartnershipSettings.for_site(site).retention_years


def years_before(day: date, years: int) -> date:
    """The same day `years` calendar years earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def cut_off(today: date | None = None, years: int | None = None) -> datetime:
    """The start (in Europe/London) of the first day still kept: activity before it has expired."""
    today = today or timezone.localdate()
    day = years_before(today, retention_years() if years is None else years)
    return timezone.make_aware(datetime.combine(day, time.min))


def expired(today: date | None = None):
    """The accounts past the retention period on `today`, not yet anonymised and not
    superusers, in one query: each kind of activity since the cut-off is one NOT EXISTS."""
    since = cut_off(today)
    mine = OuterRef("pk")
    recent = [
        Enrolment.objects.filter(Q(started_at__gte=since) | Q(completed_at__gte=since), learner=mine),
        LessonProgress.objects.filter(enrolment__learner=mine, completed_at__gte=since),
        LessonOpened.objects.filter(enrolment__learner=mine, opened_at__gte=since),
        SurveySubmission.objects.filter(enrolment__learner=mine, submitted_at__gte=since),
        Attempt.objects.filter(Q(started_at__gte=since) | Q(submitted_at__gte=since), learner=mine),
        Completion.objects.filter(learner=mine, completed_at__gte=since),
        Booking.objects.filter(Q(booked_at__gte=since) | Q(changed_at__gte=since), person=mine),
        FollowUp.objects.filter(completion__learner=mine, answered_at__gte=since),
    ]
    users = (
        get_user_model()
        .objects.filter(is_superuser=False, date_joined__lt=since)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
        .exclude(Exists(Anonymisation.objects.filter(user=mine)))
    )
    for activity in recent:
        users = users.exclude(Exists(activity))
    return users.order_by("pk")
