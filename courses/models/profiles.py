from django.conf import settings
from django.db import models


class JobRole(models.TextChoices):
    """A short list, broad enough for every agency, so reports can group staff."""

    SAFEGUARDING_LEAD = "safeguarding_lead", "Designated or named safeguarding lead"
    TEACHER = "teacher", "Teacher or school staff"
    EARLY_YEARS = "early_years", "Early years practitioner"
    HEALTH_VISITOR = "health_visitor", "Health visitor, midwife or school nurse"
    DOCTOR = "doctor", "GP or doctor"
    NURSE = "nurse", "Nurse or other health professional"
    POLICE = "police", "Police officer or staff"
    SOCIAL_WORKER = "social_worker", "Social worker"
    FAMILY_SUPPORT = "family_support", "Family support or early help worker"
    HOUSING = "housing", "Housing officer"
    PROBATION = "probation", "Probation officer"
    YOUTH_JUSTICE = "youth_justice", "Youth offending service worker"
    YOUTH_WORKER = "youth_worker", "Youth worker"
    ADULT_SERVICES = "adult_services", "Adult services practitioner"
    RESIDENTIAL_CARE = "residential_care", "Residential children's home worker"
    FOSTER_CARER = "foster_carer", "Foster carer or adopter"
    VOLUNTEER = "volunteer", "Volunteer"
    MANAGER = "manager", "Manager"
    OTHER = "other", "Other"


class JobRoleLabel:
    """For models with `job_role` and `job_role_other`: the role as people should read it,
    the named role when "Other" was chosen."""

    @property
    def job_role_label(self) -> str:
        if self.job_role == JobRole.OTHER and self.job_role_other:
            return self.job_role_other
        return self.get_job_role_display()


class LearnerProfile(JobRoleLabel, models.Model):
    """What the partnership needs to know about a learner to count their training.

    Only work details: agency, job role and team. Enrolments and completions copy the
    agency when they are made, so a change of agency (approved through an
    `AgencyChangeRequest`) does not move past training to the new agency.

    The account's names are copied here (set when the profile is made, kept by
    `account_names_changed`) so that an agency's staff can be read in name order from one
    index, a page at a time, however many staff the agency has (who is not covered:
    `workforce.reports.people_not_covered`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="learners")
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    job_role_other = models.CharField("job role (if other)", max_length=80, blank=True)
    team = models.CharField("team or organisation", max_length=100, blank=True)
    privacy_accepted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    first_name = models.CharField(max_length=150, blank=True, editable=False)
    last_name = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(job_role="other") | ~models.Q(job_role_other=""),
                name="other_job_role_is_named",
            )
        ]
        indexes = [models.Index(fields=["agency", "last_name", "first_name", "user"], name="profile_names")]

    def __str__(self):
        return f"{self.user} ({self.agency})"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.first_name, self.last_name = self.user.first_name, self.user.last_name
        super().save(*args, **kwargs)


def account_names_changed(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """Keeps the copy of an account's names on its profile (`LearnerProfile`) the same as the
    account's whenever they may have changed (not on a sign-in, which saves `last_login` only,
    nor when the account is new: it has no profile yet)."""
    if created or raw or (update_fields is not None and not {"first_name", "last_name"} & set(update_fields)):
        return
    LearnerProfile.objects.filter(user_id=instance.pk).exclude(
        first_name=instance.first_name, last_name=instance.last_name
    ).update(first_name=instance.first_name, last_name=instance.last_name)


class AgencyChangeRequest(JobRoleLabel, models.Model):
    """A learner asking to move to another agency, with her job role there.

    A learner cannot move herself: the new agency's lead would count her as staff at once.
    The move waits for a lead of the requested agency or an administrator, and then
    applies to new records only. One request per learner waits at a time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_change_requests"
    )
    from_agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="change_requests")
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    job_role_other = models.CharField("job role (if other)", max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner"], condition=models.Q(status="pending"), name="one_pending_agency_change"
            ),
            models.CheckConstraint(
                condition=~models.Q(job_role="other") | ~models.Q(job_role_other=""),
                name="requested_other_job_role_is_named",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self):
        return f"{self.learner}: {self.from_agency} to {self.agency} ({self.get_status_display()})"
