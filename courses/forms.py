from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone

from cms.models import Agency
from cms.sanitiser import clean_text
from cms.validators import refuse_direction_controls
from courses.models import JobRole

NO_CASE_DETAILS = "Work details only. Do not enter names or details of children, families or cases."


def clean_free_text(value):
    """What a learner types about themselves: plain text, with no direction controls."""
    refuse_direction_controls(value)
    return clean_text(value)


def clean_name(value, label):
    cleaned = clean_free_text(value)
    if cleaned != value.strip() or any(ch in value for ch in "<>{}"):
        raise forms.ValidationError(f"Your {label} can only contain letters, spaces and punctuation.")
    if not cleaned:
        raise forms.ValidationError(f"Enter your {label}.")
    return cleaned


class ProfileFieldsMixin(forms.Form):
    """The work details every learner gives: agency, job role and team."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        empty_label="Choose your agency",
        help_text="The agency you work or volunteer for. "
        "Foster carers and adopters choose “Foster carers and adopters”.",
        error_messages={
            "required": "Choose the agency you work for, or “Foster carers and adopters”.",
            "invalid_choice": "Choose an agency from the list.",
        },
    )
    job_role = forms.ChoiceField(
        choices=[("", "Choose your job role")] + JobRole.choices,
        error_messages={
            "required": "Choose your job role.",
            "invalid_choice": "Choose a job role from the list.",
        },
    )
    job_role_other = forms.CharField(
        label="Your job role, if other",
        max_length=80,
        required=False,
        help_text="Only if you chose “Other”.",
    )
    team = forms.CharField(
        label="Team or organisation (optional)",
        max_length=100,
        required=False,
        help_text=NO_CASE_DETAILS,
    )

    def clean_team(self):
        return clean_free_text(self.cleaned_data["team"])

    def clean_job_role_other(self):
        return clean_free_text(self.cleaned_data["job_role_other"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("job_role") == JobRole.OTHER and not cleaned.get("job_role_other"):
            self.add_error("job_role_other", "Tell us your job role.")
        email = cleaned.get("email") or getattr(self, "current_email", None)
        agency = cleaned.get("agency")
        if email and agency and not agency.accepts_email(email):
            domains = " or ".join(agency.email_domains)
            self.add_error(
                "email" if "email" in self.fields else "agency",
                f"{agency.name} staff must register with a work address ending {domains}.",
            )
        return cleaned


class RegistrationForm(ProfileFieldsMixin):
    first_name = forms.CharField(max_length=60, error_messages={"required": "Enter your first name."})
    last_name = forms.CharField(max_length=60, error_messages={"required": "Enter your last name."})
    email = forms.EmailField(
        label="Email address",
        max_length=200,
        help_text="Your work email address if you have one (foster carers and adopters can use their own). "
        "You will use it to sign in.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password and not all numbers.",
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type your password again."},
    )
    accept_privacy = forms.BooleanField(
        label="I have read the privacy notice and agree that my training records are kept as it describes.",
        error_messages={"required": "You need to agree to the privacy notice to register."},
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "agency",
        "job_role",
        "job_role_other",
        "team",
        "accept_privacy",
    ]

    def clean_first_name(self):
        return clean_name(self.cleaned_data["first_name"], "first name")

    def clean_last_name(self):
        return clean_name(self.cleaned_data["last_name"], "last name")

    def clean_email(self):
        # Whether the address has an account is never said here (that would tell anyone who
        # is registered); the registration view emails the owner instead.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            user = get_user_model()(
                username=cleaned.get("email") or "",
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def profile_values(self):
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "job_role": data["job_role"],
            "job_role_other": data["job_role_other"] if data["job_role"] == JobRole.OTHER else "",
            "team": data["team"],
            "privacy_accepted_at": timezone.now(),
        }


class ProfileForm(ProfileFieldsMixin):
    first_name = forms.CharField(max_length=60, error_messages={"required": "Enter your first name."})
    last_name = forms.CharField(max_length=60, error_messages={"required": "Enter your last name."})

    field_order = ["first_name", "last_name", "agency", "job_role", "job_role_other", "team"]

    def __init__(self, *args, current_email=None, **kwargs):
        self.current_email = current_email
        super().__init__(*args, **kwargs)

    def clean_first_name(self):
        return clean_name(self.cleaned_data["first_name"], "first name")

    def clean_last_name(self):
        return clean_name(self.cleaned_data["last_name"], "last name")


class SurveyForm(forms.Form):
    """A 5-point rating per item; the after survey adds a "looking back" rating per item."""

    def __init__(self, *args, items, scale, retrospective=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.retrospective = retrospective
        choices = [(str(n), label) for n, label in enumerate(scale, 1)]
        for item in self.items:
            about = item.text[:1].lower() + item.text[1:]  # each error names its item in the summary
            self.fields[f"item-{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how confident you feel about {about}.",
                    "invalid_choice": f"Choose one of the five answers for {about}.",
                },
            )
            if retrospective:
                self.fields[f"retro-{item.pk}"] = forms.TypedChoiceField(
                    label=f"Looking back, how confident were you before this course? ({item.text})",
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Choose how confident you were before the course about {about}.",
                        "invalid_choice": f"Choose one of the five answers for {about}, looking back.",
                    },
                )

    def ratings(self):
        """(item, phase, rating) for every answer."""
        for item in self.items:
            yield item, "after" if self.retrospective else "before", self.cleaned_data[f"item-{item.pk}"]
            if self.retrospective:
                yield item, "retrospective", self.cleaned_data[f"retro-{item.pk}"]

    def rows(self):
        """Bound fields per item, for the template."""
        for item in self.items:
            yield item, self[f"item-{item.pk}"], self[f"retro-{item.pk}"] if self.retrospective else None
