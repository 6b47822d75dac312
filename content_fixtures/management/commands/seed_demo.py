import os
import random
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from cms.dates import add_months
from cms.models import Agency, ChapterPage, LocalContact, PartnershipSettings, Resource
from cms.roles import ensure_content_approvers, ensure_content_editors
from courses import services
from courses.models import (
    AgencyLead,
    CoursePage,
    JobRole,
    LearnerProfile,
    LessonPage,
    PartnershipManager,
    SurveyItem,
)
from links.models import Link, LinkUse, Status
from quizzes import services as quiz_services
from quizzes.management.commands.rebuild_summaries import rebuild_all
from quizzes.models import Quiz
from quizzes.scoring import model_answer
from training import booking as places
from training.models import TRAINERS, Booking, TrainingSession
from workforce.models import Headcount, StaffListEntry, StaffListUpload

DEVELOPMENT_PASSWORD = "safeguarding-demo"  # noqa: S105 (documented, development only)
# The authenticator secret of every privileged demo account (base32; README: how to get a code).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPDEMOSLHUB2FACTOR"  # noqa: S105 (documented, demo only)
DEMO_REGISTERED_BEFORE = timedelta(days=400)  # demo training goes back at most about 350 days

STAFF = [
    {"email": "admin@example.org", "first_name": "Ada", "last_name": "Admin", "role": "admin"},
    {"email": "editor@example.org", "first_name": "Eddie", "last_name": "Editor", "role": "editor"},
    {"email": "approver@example.org", "first_name": "Abi", "last_name": "Approver", "role": "approver"},
]
EDITOR_EMAIL = "editor@example.org"

# A resource that exists only to show the "Broken links" report and the listing's link
# column: example.org is reserved for examples, so the page is plainly not a real one.
DEMO_BROKEN_RESOURCE = {
    "key": "demo-moved-page",
    "title": "Demo: a moved page (example)",
    "provider": "Example (demo)",
    "url": "https://example.org/moved-page",
    "description": "A demonstration resource whose link no longer works. It is on no chapter.",
}

# An example data controller for the demo site's privacy notice (example.org: plainly not real).
DEMO_PRIVACY = {
    "controller_name": "Example Borough Council (demo)",
    "controller_address": "Town Hall\nHigh Street\nExampletown EX1 1AA",
    "controller_email": "information.governance@example.org",
    "dpo_name": "The council's data protection officer (demo)",
    "dpo_email": "dpo@example.org",
}

# One learner per agency: (agency code, first name, last name, job role, how far they got).
LEARNERS = [
    ("health", "Hana", "Hughes", JobRole.HEALTH_VISITOR, "both"),
    ("police", "Priya", "Patel", JobRole.POLICE, "both"),
    ("education", "Eve", "Evans", JobRole.SAFEGUARDING_LEAD, "both"),
    ("housing", "Holly", "Harris", JobRole.HOUSING, "core"),
    ("probation", "Paul", "Price", JobRole.PROBATION, "core"),
    ("yos", "Yusuf", "Young", JobRole.YOUTH_JUSTICE, "core"),
    ("vcs", "Vera", "Vaughan", JobRole.VOLUNTEER, "in_progress"),
    ("csc", "Callum", "Cole", JobRole.SOCIAL_WORKER, "core"),
    ("adult", "Alia", "Ahmed", JobRole.ADULT_SERVICES, "in_progress"),
    ("carers", "Cara", "Carter", JobRole.FOSTER_CARER, "core"),
    ("other", "Olly", "Owen", JobRole.MANAGER, "none"),
]


# Plainly fictional local contacts for the demo: numbers from Ofcom's range kept for drama
# (01632 960 000 to 960 999), addresses on example.org. A real partnership enters its own
# under Settings > Local contacts; `load_content` never sets any.
DEMO_LOCAL_CONTACTS = {
    "front_door": {
        "name": "Example Borough Children's Front Door (demo)",
        "description": "Referrals when you are worried about a child's safety or welfare.",
        "phone": "01632 960 001",
        "url": "https://example.org/demo/front-door/",
        "email": "front.door@example.org",
        "hours": "Monday to Friday, 9am to 5pm",
    },
    "out_of_hours": {
        "name": "Example Borough Emergency Duty Team (demo)",
        "description": "Urgent worries about a child when the front door is closed.",
        "phone": "01632 960 002",
        "hours": "Evenings, weekends and bank holidays",
    },
    "lado": {
        "name": "Example Borough LADO service (demo)",
        "description": "Concerns about an adult who works or volunteers with children.",
        "phone": "01632 960 003",
        "email": "lado@example.org",
        "hours": "Monday to Friday, 9am to 5pm",
    },
    "police_non_emergency": {
        "name": "Example Constabulary (demo)",
        "description": "When no one is in immediate danger. In an emergency, call 999.",
        "phone": "01632 960 004",
        "url": "https://example.org/demo/police/",
        "hours": "24 hours, every day",
    },
    "sarc": {
        "name": "Example Sexual Assault Referral Centre (demo)",
        "description": "Medical care, forensic examination and support after sexual assault.",
        "phone": "01632 960 005",
        "url": "https://example.org/demo/sarc/",
        "hours": "24 hours, every day",
    },
    "adult_safeguarding": {
        "name": "Example Borough Adult Safeguarding Team (demo)",
        "description": "Concerns that an adult with care and support needs is being abused or exploited.",
        "phone": "01632 960 008",
        "email": "adult.safeguarding@example.org",
        "hours": "Monday to Friday, 9am to 5pm",
    },
    "procedures": {
        "name": "Example Partnership Safeguarding Procedures (demo)",
        "phone": "01632 960 006",
        "url": "https://example.org/demo/procedures/",
    },
    "training": {
        "name": "Example Partnership Learning and Development Team (demo)",
        "phone": "01632 960 007",
        "email": "training@example.org",
        "hours": "Monday to Friday, 9am to 4pm",
    },
}


# People on Housing's demo staff list who have not registered.
NOT_REGISTERED = [
    ("sam.okafor@example.org", "Sam Okafor", JobRole.HOUSING, "Tenancy support"),
    ("rita.walsh@example.org", "Rita Walsh", JobRole.HOUSING, "Homelessness prevention"),
    ("tom.birch@example.org", "Tom Birch", JobRole.MANAGER, "Tenancy support"),
    ("nadia.karim@example.org", "Nadia Karim", JobRole.OTHER, "Repairs"),
]
POLICE_HEADCOUNT = [
    (JobRole.POLICE, 120),
    (JobRole.MANAGER, 15),
    (JobRole.SAFEGUARDING_LEAD, 4),
    (JobRole.OTHER, 11),
]


# The demo trainer and the sessions she runs: (days from today, UK time, minutes, mode,
# places, who books). One next month face to face, one online, one past with a register to take.
TRAINER_EMAIL = "trainer@example.org"
DEMO_SESSIONS = [
    (35, (9, 30), 180, TrainingSession.Mode.IN_PERSON, 16, ["housing", "police", "health", "education"]),
    (21, (14, 0), 90, TrainingSession.Mode.ONLINE, 30, ["vcs", "adult"]),
    (-10, (9, 30), 180, TrainingSession.Mode.IN_PERSON, 12, ["csc", "yos", "probation", "carers"]),
]
DEMO_VENUE = {
    "venue": "Example Civic Centre, Committee Room 2 (demo)",
    "address": "Town Hall\nHigh Street\nExampletown EX1 1AA",
    "accessibility": "Step-free entrance on Market Street; hearing loop; accessible toilet on this floor.",
}
DEMO_JOINING_LINK = "https://example.org/demo/join-session"


def learner_email(code):
    return f"learner.{code}@example.org"


class Command(BaseCommand):
    help = (
        "Create the demo accounts: an administrator, a content editor and a learner for each "
        "agency, with some courses completed and surveys answered. Passwords come from "
        f"DEMO_PASSWORD; in development the default is '{DEVELOPMENT_PASSWORD}'. Existing "
        "accounts are left as they are. The administrator, editors, approvers, leads and manager "
        "sign in in two steps: their authenticator secret is DEMO_TOTP_SECRET (a fixed demo default)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--extra-learners",
            type=int,
            default=8,
            help="More demo learners per agency (learner.<code>.<n>@example.org), so that the "
            "reports have groups of six or more. Default 8; 0 for none.",
        )

    def handle(self, *args, extra_learners=8, **options):
        password = os.environ.get("DEMO_PASSWORD")
        if not password:
            if not settings.DEBUG:
                raise CommandError("Set DEMO_PASSWORD: there is no default outside development.")
            password = DEVELOPMENT_PASSWORD
        secret = os.environ.get("DEMO_TOTP_SECRET")
        if not secret:
            if not settings.DEBUG:
                raise CommandError("Set DEMO_TOTP_SECRET: there is no default outside development.")
            secret = DEMO_TOTP_SECRET
        with transaction.atomic():
            groups = {"editor": ensure_content_editors(), "approver": ensure_content_approvers()}
            for account in STAFF:
                user = self._user(
                    account["email"],
                    account["first_name"],
                    account["last_name"],
                    password,
                    superuser=account["role"] == "admin",
                )
                if user and account["role"] in groups:
                    user.groups.add(groups[account["role"]])
                if user:
                    self._two_step(user, secret)
            self._learners(password)
            self._extra_learners(password, max(0, min(extra_learners, 200)))
            self._leads(password, secret)
            self._workforce()
            self._local_contacts()
            self._privacy_settings()
            self._sessions(password, secret)
            editor = get_user_model().objects.filter(username=EDITOR_EMAIL).first()
            if editor is not None:
                self._editor_owns(editor)
                self._broken_link(editor)
            # The demo attempts and completions were moved into past months round the model
            # layer: recount them.
            rebuild_all()

    def _sessions(self, password, secret):
        """The demo trainer (in the Trainers group, two-step like the leads) and three
        published sessions of the core course she runs, with bookings; made once (the
        sessions are left alone once the trainer has any)."""
        trainer = self._user(TRAINER_EMAIL, "Tariq", "Trainer", password)
        if trainer is not None:
            trainer.groups.add(Group.objects.get(name=TRAINERS))
            self._two_step(trainer, secret)
        trainer = get_user_model().objects.get(username=TRAINER_EMAIL)
        core = CoursePage.objects.live().filter(agency__isnull=True).order_by("path").first()
        if core is None or TrainingSession.objects.filter(trainers=trainer).exists():
            return
        today = timezone.localdate()
        for days, (hour, minute), minutes, mode, capacity, codes in DEMO_SESSIONS:
            starts = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour, minute)))
            place = {"joining_link": DEMO_JOINING_LINK} if mode == TrainingSession.Mode.ONLINE else DEMO_VENUE
            session = TrainingSession.objects.create(
                course=core,
                starts_at=starts,
                duration_minutes=minutes,
                mode=mode,
                capacity=capacity,
                live=False,
                **place,
            )
            session.trainers.add(trainer)
            session.save()
            session.save_revision().publish()
            for code in codes:
                person = get_user_model().objects.filter(username=learner_email(code)).first()
                if person is None:
                    continue
                if days > 0:
                    places.book(session, person)
                else:  # booked before it happened: the register is the trainer's to take
                    profile = LearnerProfile.objects.get(user=person)
                    Booking.objects.create(
                        session=session, person=person, agency_id=profile.agency_id, job_role=profile.job_role
                    )

    def _local_contacts(self):
        """Fill in the demo local contacts for every site, published and reviewed today, leaving
        any kind that already has a contact (live or draft) alone."""
        today = timezone.localdate()
        for site in Site.objects.all():
            have = set(LocalContact.objects.filter(site=site).values_list("kind", flat=True))
            for kind, values in DEMO_LOCAL_CONTACTS.items():
                if kind not in have:
                    contact = LocalContact.objects.create(
                        site=site, kind=kind, live=False, last_reviewed=today, **values
                    )
                    contact.save_revision().publish()

    def _privacy_settings(self):
        """Fill in an example data controller for every site's privacy notice, leaving any
        setting already made alone: production's come from an administrator."""
        for site in Site.objects.all():
            partnership = PartnershipSettings.for_site(site)
            for field, value in DEMO_PRIVACY.items():
                if not getattr(partnership, field):
                    setattr(partnership, field, value)
            partnership.save()

    def _editor_owns(self, editor):
        """The demo editor owns the first three chapters and resources; one of each is overdue
        for review and one resource falls due within the month, so the "Due for review"
        report, the dashboard and the digest have rows. Dates move with today's date."""
        today = timezone.localdate()
        dates = [add_months(today, -14), add_months(today, -12) + timedelta(days=20), today]
        chapters = ChapterPage.objects.live().order_by("path")[:3]
        resources = (
            Resource.objects.filter(live=True).exclude(key=DEMO_BROKEN_RESOURCE["key"]).order_by("pk")[:3]
        )
        for rows in (chapters, resources):
            model = rows.model
            for obj, day in zip(rows, dates, strict=False):
                model.objects.filter(pk=obj.pk).update(owner_person=editor, last_reviewed=day)

    def _broken_link(self, editor):
        """A live demo resource, owned by the demo editor, whose link the checker found broken
        three days ago; created once, and its link left alone afterwards (the nightly check
        may find otherwise)."""
        now = timezone.now()
        resource = Resource.objects.filter(key=DEMO_BROKEN_RESOURCE["key"]).first()
        if resource is None:
            resource = Resource.objects.create(
                **DEMO_BROKEN_RESOURCE, live=False, owner_person=editor, last_reviewed=timezone.localdate()
            )
            resource.save_revision(user=editor).publish()
        link, _ = Link.objects.get_or_create(
            url=resource.url,
            defaults={
                "status": Status.BROKEN,
                "http_code": 404,
                "error": "Page not found (404)",
                "failing_since": now - timedelta(days=3),
                "last_checked": now,
            },
        )
        LinkUse.objects.get_or_create(
            link=link,
            content_type=ContentType.objects.get_for_model(Resource),
            object_id=str(resource.pk),
            field=str(Resource._meta.get_field("url").verbose_name),
        )

    def _user(self, email, first_name, last_name, password, superuser=False):
        """Create the account if it is missing; return it only when it was created."""
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=email,
            defaults={
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if not created:
            return None
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self.stdout.write(f"Created {email}.")
        return user

    def _two_step(self, user, secret):
        """A privileged demo account signs in in two steps like a real one: its authenticator
        is the demo secret (documented), added through allauth's own activation."""
        TOTP.activate(user, secret)

    def _leads(self, password, secret):
        """An agency lead for each agency (lead.<code>@example.org) and a partnership manager."""
        manager = self._user("manager@example.org", "Morgan", "Manager", password)
        if manager is not None:
            PartnershipManager.objects.create(user=manager)
            self._two_step(manager, secret)
        for agency in Agency.objects.all():
            user = self._user(f"lead.{agency.code}@example.org", "Lead", agency.name, password)
            if user is not None:
                AgencyLead.objects.create(user=user).agencies.add(agency)
                self._two_step(user, secret)

    def _workforce(self):
        """Housing gives a staff list (its registered demo learners and a few people who have
        not registered); Police a headcount per job role. Left alone once there."""
        housing = Agency.objects.filter(code="housing").first()
        if housing is not None and not StaffListEntry.objects.filter(agency=housing).exists():
            registered = (
                LearnerProfile.objects.filter(agency=housing).select_related("user").order_by("user__email")
            )
            entries = [
                StaffListEntry(
                    agency=housing,
                    email=profile.user.email.lower(),
                    name=profile.user.get_full_name(),
                    job_role=profile.job_role,
                    team=profile.team,
                )
                for profile in registered
            ] + [
                StaffListEntry(agency=housing, email=email, name=name, job_role=role, team=team)
                for email, name, role, team in NOT_REGISTERED
            ]
            StaffListEntry.objects.bulk_create(entries)
            StaffListUpload.objects.create(
                agency=housing,
                uploaded_by=get_user_model().objects.filter(username="lead.housing@example.org").first(),
                file_name="housing-staff-list.xlsx",
                status=StaffListUpload.Status.APPLIED,
                applied_at=timezone.now(),
                joined=len(entries),
            )
        police = Agency.objects.filter(code="police").first()
        if police is not None and not Headcount.objects.filter(agency=police).exists():
            Headcount.objects.bulk_create(
                Headcount(agency=police, job_role=role, staff=staff) for role, staff in POLICE_HEADCOUNT
            )

    def _learners(self, password):
        agencies = {a.code: a for a in Agency.objects.all()}
        courses = list(CoursePage.objects.live().order_by("path"))
        core = next((c for c in courses if c.agency_id is None), None)
        items = list(SurveyItem.objects.filter(active=True))
        rng = random.Random(2026)  # the same demo data every time
        for code, first, last, role, progress in LEARNERS:
            if code not in agencies:
                continue
            user = self._user(learner_email(code), first, last, password)
            if user is None:
                continue
            self._register(user, agencies[code], role)
            if core is None or progress == "none":
                continue
            module = next((c for c in courses if c.agency_id == agencies[code].pk), None)
            plan = [core] + ([module] if module and progress == "both" else [])
            for number, course in enumerate(plan):
                finish = progress != "in_progress"
                # A module requires the core course: it is taken after it.
                days_ago = 30 + 60 * (len(plan) - 1 - number) + rng.randrange(60)
                self._take(user, course, items, rng, finish, days_ago=days_ago)

    def _extra_learners(self, password, count):
        """A crowd per agency with a spread of roles, dates and answers."""
        roles = {code: [role for c, _, _, role, _ in LEARNERS if c == code] for code, *_ in LEARNERS}
        courses = list(CoursePage.objects.live().order_by("path"))
        core = next((c for c in courses if c.agency_id is None), None)
        items = list(SurveyItem.objects.filter(active=True))
        rng = random.Random(1989)
        for agency in Agency.objects.all():
            module = next((c for c in courses if c.agency_id == agency.pk), None)
            for n in range(1, count + 1):
                user = self._user(f"learner.{agency.code}.{n}@example.org", f"Demo{n}", agency.name, password)
                if user is None:
                    continue
                role = rng.choice(roles.get(agency.code) or [JobRole.OTHER]) if n % 3 else JobRole.MANAGER
                self._register(user, agency, role)
                if core is None or n == count:
                    continue  # one in each agency has not started
                core_days = rng.randrange(5, 330)
                self._take(user, core, items, rng, finish=n % 4 != 0, days_ago=core_days)
                if module and n % 2:
                    # After the core course, which it requires.
                    days_ago = min(rng.randrange(5, 200), core_days - 1)
                    self._take(user, module, items, rng, finish=True, days_ago=days_ago)

    def _register(self, user, agency, role):
        """A profile registered before any demo training (which goes back up to a year), so
        that no report shows more staff starting a course than are on the agency's register."""
        profile = LearnerProfile.objects.create(
            user=user, agency=agency, job_role=role, privacy_accepted_at=timezone.now()
        )
        registered = timezone.now() - DEMO_REGISTERED_BEFORE
        LearnerProfile.objects.filter(pk=profile.pk).update(created_at=registered)

    def _answer(self, attempt, rng, right_share):
        """Answers right about `right_share` of the time, with how sure she was: mostly
        sure when right; now and then very sure when wrong (the misconceptions report)."""
        answers, certainties = [], []
        for question in attempt.questions:
            right = rng.random() < right_share
            answers.append(model_answer(question) if right else {})
            certainties.append(rng.choice([2, 3, 3]) if right else rng.choice([1, 1, 2, 3]))
        return quiz_services.submit_attempt(attempt, answers, certainties)

    def _knowledge_check(self, user, quiz, rng):
        """The check before the lessons: she knows less than she will at the end."""
        if quiz is not None and quiz.knowledge_check_size:
            self._answer(quiz_services.start_check(user, quiz), rng, right_share=0.5)

    def _pass_quiz(self, user, quiz, rng):
        """A first attempt with some slips (sometimes a fail), then full marks if needed."""
        if not self._answer(quiz_services.start_attempt(user, quiz), rng, right_share=0.75).passed:
            retake = quiz_services.start_attempt(user, quiz)
            quiz_services.submit_attempt(retake, [model_answer(q) for q in retake.questions])

    def _take(self, user, course, items, rng, finish, days_ago):
        enrolment = services.enrol(user, course)
        before = {item.pk: rng.randint(1, 3) for item in items}
        services.submit_survey(enrolment, "before", [(item, "before", before[item.pk]) for item in items])
        quiz = Quiz.objects.filter(course=course).first()
        self._knowledge_check(user, quiz, rng)
        lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
        for lesson in lessons if finish else lessons[: len(lessons) // 2]:
            services.open_lesson(enrolment, lesson)  # as her GET of the lesson page does
            services.complete_lesson(enrolment, lesson)
        if not finish:
            return
        if quiz is not None:
            self._pass_quiz(user, quiz, rng)
        ratings = []
        for item in items:
            # Most rate themselves higher after the course; a few the same or lower.
            after = min(5, max(1, before[item.pk] + rng.choice([-1, 0, 0, 1, 1, 1, 2])))
            ratings += [
                (item, "after", after),
                (item, "retrospective", max(1, before[item.pk] - rng.randint(0, 1))),
            ]
        with transaction.atomic():
            # Demo completions are spread over the last few months.
            services.submit_survey(enrolment, "after", ratings)
            completion = enrolment.completion
            when = timezone.now() - timedelta(days=days_ago)
            type(completion).objects.filter(pk=completion.pk).update(
                completed_at=when,
                expires_on=completion.expires_on - timedelta(days=days_ago),
            )
            started = when - timedelta(days=rng.randint(0, 21), hours=rng.randint(1, 8))
            type(enrolment).objects.filter(pk=enrolment.pk).update(started_at=started, completed_at=when)
            # The knowledge check was done when she started; the quiz on the day she finished.
            enrolment.quiz_attempts.filter(purpose="check").update(started_at=started, submitted_at=started)
            enrolment.quiz_attempts.filter(purpose="quiz").update(started_at=when, submitted_at=when)
