"""Everything the partnership holds about one person, as plain data: the learner's own
download (UK GDPR right of access), the page that shows it, and the export an administrator
makes for a request received by post all read this one function, so they cannot differ.

Every model that holds personal data about an account is read here: the account and its
learner profile, changes of agency, enrolments with lesson progress and survey ratings,
quiz attempts and answers, completions and certificates, places on training sessions with
the register's mark, impact follow-up surveys, single-agency training lists that name her,
reminders and staff-list entries (matched by email, as the leads' lists are), API tokens,
email addresses, work accounts and two-step methods, review digests, and the audit log of
who viewed or exported her record.
Secrets never leave: API token keys, passwords, two-step secrets and recovery codes, work
account tokens. Each part is one query (nested parts are prefetched), so the number of
queries does not grow with the number of records."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.models import APIToken

from cms.models.reviews import ReviewDigest
from courses.models import AgencyChangeRequest, AgencyLead, Completion, Enrolment, LearnerProfile
from courses.models.records import LessonProgress, SurveyResponse, SurveySubmission
from privacy.audit import ACTIONS, entries_about
from privacy.models import Anonymisation
from quizzes.models import Attempt, Response
from training.models import Booking, FollowUp, ReturnAttendee
from workforce.models import Reminder, ReminderWindow, StaffListEntry


def when(value):
    """A date or time as ISO 8601 text, times in the partnership's time (Europe/London)."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def number(value):
    return None if value is None else float(value)


def _account(user):
    anonymisation = Anonymisation.objects.filter(user=user).first()
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "username": user.username,
        "joined": when(user.date_joined),
        "last_sign_in": when(user.last_login),
        "active": user.is_active,
        "anonymised": when(anonymisation.at) if anonymisation else None,
        "anonymised_because": anonymisation.get_reason_display() if anonymisation else None,
    }


def _profile(user):
    profile = LearnerProfile.objects.filter(user=user).select_related("agency").first()
    if profile is None:
        return None
    return {
        "agency": profile.agency.name,
        "job_role": profile.get_job_role_display(),
        "job_role_other": profile.job_role_other,
        "team": profile.team,
        "privacy_notice_accepted": when(profile.privacy_accepted_at),
        "created": when(profile.created_at),
    }


def _roles(user):
    leads = AgencyLead.objects.filter(user=user).prefetch_related("agencies")
    return {
        "agency_lead_of": [agency.name for lead in leads for agency in lead.agencies.all()],
        "partnership_manager": hasattr(user, "partnership_manager"),
    }


def _agency_changes(user):
    requests = (
        AgencyChangeRequest.objects.filter(learner=user)
        .select_related("from_agency", "agency")
        .order_by("requested_at", "pk")
    )
    return [
        {
            "from_agency": request.from_agency.name,
            "to_agency": request.agency.name,
            "job_role": request.get_job_role_display(),
            "job_role_other": request.job_role_other,
            "status": request.get_status_display(),
            "requested": when(request.requested_at),
            "decided": when(request.decided_at),
        }
        for request in requests
    ]


def _enrolments(user):
    enrolments = (
        Enrolment.objects.filter(learner=user)
        .select_related("course", "agency")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=LessonProgress.objects.select_related("lesson").order_by("completed_at", "pk"),
            ),
            Prefetch(
                "surveys",
                queryset=SurveySubmission.objects.order_by("submitted_at", "pk"),
            ),
            Prefetch(
                "responses",
                queryset=SurveyResponse.objects.select_related("item").order_by("phase", "item__sort_order"),
            ),
        )
        .order_by("started_at", "pk")
    )
    return [
        {
            "course": enrolment.course.title,
            "agency": enrolment.agency.name,
            "cycle": enrolment.cycle,
            "how": enrolment.get_delivery_mode_display(),
            "started": when(enrolment.started_at),
            "completed": when(enrolment.completed_at),
            "lessons_done": [
                {"lesson": done.lesson.title, "done": when(done.completed_at)}
                for done in enrolment.progress.all()
            ],
            "surveys": [
                {"survey": survey.get_phase_display(), "submitted": when(survey.submitted_at)}
                for survey in enrolment.surveys.all()
            ],
            "survey_ratings": [
                {"question": rating.item.text, "phase": rating.get_phase_display(), "rating": rating.rating}
                for rating in enrolment.responses.all()
            ],
        }
        for enrolment in enrolments
    ]


def _quiz_attempts(user):
    attempts = (
        Attempt.objects.filter(learner=user)
        .select_related("quiz")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.select_related("version")))
        .order_by("started_at", "pk")
    )
    return [
        {
            "quiz": attempt.quiz.title,
            "purpose": attempt.get_purpose_display(),
            "number": attempt.number,
            "started": when(attempt.started_at),
            "submitted": when(attempt.submitted_at),
            "score_percent": number(attempt.score),
            "passed": attempt.passed,
            "answers": [
                {
                    "position": response.position,
                    "question": response.shown_snapshot.get("text", ""),
                    "answer": response.answer,
                    "marks_fraction": number(response.score),
                    "certainty": response.get_certainty_display() if response.certainty else None,
                }
                for response in attempt.responses.all()
            ],
        }
        for attempt in attempts
    ]


def _completions(user):
    completions = (
        Completion.objects.filter(learner=user).select_related("certificate").order_by("completed_at", "pk")
    )
    rows = []
    for completion in completions:
        certificate = getattr(completion, "certificate", None)
        rows.append(
            {
                "course": completion.course_title,
                "agency": completion.agency_name,
                "job_role": completion.job_role_label,
                "completed": when(completion.completed_at),
                "expires": when(completion.expires_on),
                "quiz_score_percent": number(completion.quiz_score),
                "certificate": certificate
                and {
                    "code": certificate.display_code,
                    "holder_name": certificate.holder_name,
                    "issued": when(certificate.issued_at),
                    "status": certificate.status(),
                    "revoked_because": certificate.revoked_reason,
                },
            }
        )
    return rows


def _reminders(user, email):
    reminders = Reminder.objects.filter(user=user) | Reminder.objects.filter(email=email)
    return [
        {
            "kind": reminder.get_kind_display(),
            "agency": reminder.agency.name,
            "sent": when(reminder.sent_at),
            "your_state_then": reminder.state,
        }
        for reminder in reminders.select_related("agency").order_by("sent_at", "pk")
    ]


def _staff_lists(email):
    entries = StaffListEntry.objects.filter(email=email).select_related("agency").order_by("agency__name")
    return [
        {
            "agency": entry.agency.name,
            "name": entry.name,
            "email": entry.email,
            "job_role": entry.get_job_role_display(),
            "team": entry.team,
            "added": when(entry.added_at),
        }
        for entry in entries
    ]


def _sessions(user):
    bookings = Booking.objects.filter(person=user).select_related("session__course", "agency")
    return [
        {
            "course": booking.session.course.title,
            "starts": when(booking.session.starts_at),
            "agency": booking.agency.name,
            "status": booking.get_status_display(),
            "walk_in": booking.walk_in,
            "booked": when(booking.booked_at),
            "register": booking.get_attendance_display() or None,
        }
        for booking in bookings.order_by("session__starts_at", "pk")
    ]


def _follow_ups(user):
    follow_ups = FollowUp.objects.filter(completion__learner=user).order_by("sent_at", "pk")
    changes = dict(FollowUp.Change.choices)
    return [
        {
            "course": follow_up.completion.course_title,
            "sent": when(follow_up.sent_at),
            "reminded": when(follow_up.reminded_at),
            "answered": when(follow_up.answered_at),
            "used_what_you_learned": follow_up.get_used_display() or None,
            "confidence_now": follow_up.confidence_now,
            "what_changed": [changes.get(code, code) for code in follow_up.changes],
            "note": follow_up.note,
        }
        for follow_up in follow_ups.select_related("completion")
    ]


def _single_agency_lists(email):
    attendees = ReturnAttendee.objects.filter(email__iexact=email).select_related(
        "training_return__agency", "training_return__course"
    )
    return [
        {
            "agency": attendee.training_return.agency.name,
            "training": attendee.training_return.course.title
            if attendee.training_return.course
            else attendee.training_return.topic,
            "delivered": when(attendee.training_return.delivered_on),
            "name": attendee.name,
            "email": attendee.email,
            "job_role": attendee.get_job_role_display(),
        }
        for attendee in attendees.order_by("training_return__delivered_on", "pk")
    ]


def _sign_in(user):
    return {
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "work_accounts": [
            {
                "provider": account.provider,
                "linked": when(account.date_joined),
                "last_used": when(account.last_login),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_step_methods": [
            {
                "type": method.get_type_display(),
                "added": when(method.created_at),
                "last_used": when(method.last_used_at),
            }
            for method in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "created": when(token.created),
                "last_used": when(token.last_used_at),
                "revoked": when(token.revoked_at),
            }
            for token in APIToken.objects.filter(user=user).order_by("created", "pk")
        ],
    }


def _audit(user):
    return [
        {
            "when": when(entry.timestamp),
            "who": (entry.user.get_full_name() or entry.user.email) if entry.user else "Not recorded",
            "what": ACTIONS[entry.action][0],
            "details": (entry.data or {}).get("what", ""),
        }
        for entry in entries_about(user)
    ]


def personal_data(user) -> dict:
    """What the partnership holds about `user`, as JSON-able data (dates as ISO 8601 text)."""
    email = user.email.lower()
    window = ReminderWindow.objects.filter(email=email).first()
    return {
        "account": _account(user),
        "learner_profile": _profile(user),
        "roles": _roles(user),
        "agency_change_requests": _agency_changes(user),
        "enrolments": _enrolments(user),
        "quiz_attempts": _quiz_attempts(user),
        "completions": _completions(user),
        "training_sessions": _sessions(user),
        "impact_follow_ups": _follow_ups(user),
        "single_agency_training_lists": _single_agency_lists(email),
        "reminders": _reminders(user, email),
        "last_reminder": when(window.last_sent_at) if window else None,
        "staff_list_entries": _staff_lists(email),
        "sign_in": _sign_in(user),
        "review_digests": [
            {"week_starting": when(digest.week_starting), "sent": when(digest.sent_at)}
            for digest in ReviewDigest.objects.filter(recipient=user).order_by("week_starting")
        ],
        "audit_log": _audit(user),
    }
