"""An agency's workforce, as its lead gives it, and what the partnership does with it.

The workforce is the denominator of coverage: the share of the people an agency employs (not
the people who happened to register) with a current completion of every course required of
them. A lead gives it either as a staff list (one row per person, so the people who have not
registered can be named and invited) or, where a list cannot be shared, as a headcount per
job role. A staff list wins when an agency has both.

The staff list is personal data about people who may never use the site: it holds only work
details, is seen only by the agency's leads and the partnership manager, and a person taken
off the list is deleted from it (their training records are history and stay).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from courses.models import JobRole


class StaffListEntry(models.Model):
    """One person on an agency's staff list. The email (stored lower-case) is how the list is
    matched to accounts: registration lower-cases addresses too."""

    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="staff_list")
    email = models.EmailField("work email", max_length=254)
    name = models.CharField(max_length=120)
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    team = models.CharField(max_length=100, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "email"], name="one_staff_list_entry_per_email"),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="staff_list_email_lower_case"
            ),
        ]
        indexes = [
            models.Index(fields=["email"]),
            # An agency's list in name order, a page at a time (`reports.people_not_covered`).
            models.Index(fields=["agency", "name", "email"], name="staff_list_names"),
        ]
        verbose_name_plural = "staff list entries"

    def __str__(self):
        return f"{self.name} <{self.email}> ({self.agency_id})"


class StaffListUpload(models.Model):
    """A staff list file a lead uploaded: first checked and previewed, then applied (or not).

    While it waits for her to confirm, `rows` holds the checked rows; applying replaces the
    agency's list in one transaction and empties `rows`, leaving a log of who uploaded what
    and how many people joined and left. Previews never confirmed are deleted after a day."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Waiting to be applied"
        APPLIED = "applied", "Applied"

    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="staff_list_uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    joined = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.file_name} for {self.agency_id} ({self.get_status_display()})"


class Headcount(models.Model):
    """How many staff of a job role an agency employs, for an agency that cannot share a list."""

    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="headcounts")
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    staff = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "job_role"], name="one_headcount_per_job_role"),
            models.CheckConstraint(condition=models.Q(staff__gte=1), name="headcount_at_least_one"),
        ]

    def __str__(self):
        return f"{self.agency_id}: {self.staff} × {self.job_role}"


class CoverageTarget(models.Model):
    """What the partnership asks of an agency: `share` per cent of its workforce (or of the
    job roles listed, e.g. frontline staff) covered by `due_on`. One per agency."""

    agency = models.OneToOneField("cms.Agency", on_delete=models.CASCADE, related_name="coverage_target")
    share = models.PositiveSmallIntegerField("target (%)")
    due_on = models.DateField("to reach by")
    job_roles = models.JSONField(
        default=list,
        blank=True,
        help_text="The job roles the target is about; none means the whole workforce.",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gte=1, share__lte=100), name="target_share_1_to_100"
            )
        ]

    def __str__(self):
        return f"{self.agency_id}: {self.share}% by {self.due_on}"


class Reminder(models.Model):
    """A reminder (or, to someone not yet registered, an invitation) a lead sent: the log of
    who chased whom and when. A person gets at most one in any 7 days, whoever sends it
    (`ReminderWindow`)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        INVITATION = "invitation", "Invitation to register"

    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="reminders")
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=20, help_text="The person's state when the reminder was sent.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "sent_at"]), models.Index(fields=["email", "sent_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} on {self.sent_at:%d %B %Y}"


class ReminderWindow(models.Model):
    """When each address was last sent a reminder: claimed with a conditional update (or an
    insert the primary key guards), so two leads pressing "Send" at once send one email."""

    email = models.EmailField(max_length=254, primary_key=True)
    last_sent_at = models.DateTimeField()

    def __str__(self):
        return f"{self.email}: {self.last_sent_at:%d %B %Y %H:%M}"


class CoverageMark(models.Model):
    """One span of days over which one person held a measure (a course, all her required
    courses, or a place in the workforce), counted in the tallies from `counted_from`: what a
    recount takes away again before counting her anew (`workforce.tallies`). A person is a staff list entry or
    a registered person's profile (`source`). Marks are found by the person's email (lower-case,
    as counted) and, for a profile, by its account: not by a foreign key, so that deleting the
    entry or profile leaves its marks for the recount to take away."""

    class Source(models.TextChoices):
        LIST = "list", "Staff list"
        PROFILE = "profile", "Registered staff"

    source = models.CharField(max_length=7, choices=Source.choices)
    email = models.CharField(max_length=254)
    user = models.PositiveIntegerField(null=True)  # a profile's account
    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="+")
    job_role = models.CharField(max_length=30)
    team = models.CharField(max_length=100, blank=True)
    measure = models.CharField(max_length=20)  # "people", "covered" or "c<course id>"
    start = models.DateField()  # the first day she held it
    end = models.DateField()  # the first day she no longer held it (far in the future if never)
    # Counted from this day only: a profile's registration (a staff list entry counts always).
    counted_from = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["email"]), models.Index(fields=["user"])]

    def __str__(self):
        return f"{self.email} {self.measure} {self.start} to {self.end}"


class StateMark(models.Model):
    """One span of days over which one person of staff progress is in one state, from which
    the page lists and counts people (`workforce.standing`). A person is a staff list entry
    (`source` "list") or a registered person's profile not on her agency's list ("registered"),
    `person` its id; found again by email and account, as a coverage mark is, so that deleting
    the entry or profile leaves its marks for the recount to take away. The name and email are
    the page's order."""

    source = models.CharField(max_length=10)
    person = models.PositiveIntegerField()
    email = models.CharField(max_length=254)
    user = models.PositiveIntegerField(null=True)  # a profile's account
    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="+")
    job_role = models.CharField(max_length=30)
    team = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=301)
    state = models.CharField(max_length=14)
    stuck = models.BooleanField(default=False)
    start = models.DateField()  # the first day in the state
    end = models.DateField()  # the first day no longer in it (far in the future if never)

    class Meta:
        indexes = [
            models.Index(fields=["email"], name="state_mark_email"),
            models.Index(fields=["user"], name="state_mark_user"),
            models.Index(fields=["source", "person"], name="state_mark_people"),  # a page's people
            # A page of everyone, or of one state, in name order without sorting everyone.
            models.Index(fields=["name", "email", "source", "person"], name="state_mark_names"),
            models.Index(
                fields=["state", "name", "email", "source", "person"], name="state_mark_state_names"
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.person} {self.state} {self.start} to {self.end}"


class CoverageTally(models.Model):
    """How many people start (`change` +1 each) or stop (-1) counting in a measure on a day or
    in a month (`span`), per agency at one level of detail: the agency (`level` 0), its job roles
    (1), or its job roles and teams (2). A count on day d is the sum of the month rows before
    d's month and the day rows from its first day to d: about 90 rows per measure and group,
    however many people."""

    source = models.CharField(max_length=7, choices=CoverageMark.Source.choices)
    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    job_role = models.CharField(max_length=30, blank=True)
    team = models.CharField(max_length=100, blank=True)
    measure = models.CharField(max_length=20)
    span = models.CharField(max_length=5)  # "day" or "month" (`on` its first day)
    on = models.DateField()
    change = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "agency", "level", "job_role", "team", "measure", "span", "on"],
                name="one_coverage_tally_cell",
            )
        ]
        # The rows a count on a day reads (`tallies.grouped`): the month rows before its month and
        # the day rows of its month, without passing over the day rows of every other month.
        indexes = [
            models.Index(fields=["source", "agency", "level", "span", "on"], name="coverage_tally_days")
        ]
        verbose_name_plural = "coverage tallies"

    def __str__(self):
        return f"{self.agency_id} {self.measure} {self.span} {self.on}: {self.change:+d}"


class CoverageBasis(models.Model):
    """The required courses (id and refresher months) an agency's marks were counted against.
    When they differ from today's (a course published, withdrawn or given new refresher months)
    the tallies are out of date, and coverage is counted from the records until they are
    counted again."""

    agency = models.OneToOneField("cms.Agency", on_delete=models.CASCADE, related_name="+")
    courses = models.JSONField(default=list)

    def __str__(self):
        return f"{self.agency_id}: {self.courses}"
