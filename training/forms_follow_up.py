"""The impact follow-up survey: three questions and an optional note."""

from django import forms

from courses.forms import clean_free_text
from courses.services import CONFIDENCE_SCALE
from training.follow_up import EMAIL, PHONE
from training.models import FollowUp

NOTE_LIMIT = 300
NO_CONTACT_DETAILS = "Do not include anyone's contact details."
NOTE_HINT = (
    "Optional. Describe what you did in general terms. Do not include names or details of "
    "children, families or cases."
)


class FollowUpForm(forms.Form):
    used = forms.ChoiceField(
        label="Have you used what you learned?",
        choices=FollowUp.Used.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you have used what you learned.",
            "invalid_choice": "Choose one of the answers about using what you learned.",
        },
    )
    confidence_now = forms.TypedChoiceField(
        label="How confident are you now in recognising and responding to concerns about child sexual abuse?",
        choices=[(str(n), label) for n, label in enumerate(CONFIDENCE_SCALE, 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how confident you are now.",
            "invalid_choice": "Choose one of the five answers about how confident you are now.",
        },
    )
    changes = forms.MultipleChoiceField(
        label="What have you done differently?",
        help_text="Select all that apply.",
        choices=FollowUp.Change.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what you have done differently, or “Nothing has changed yet”.",
            "invalid_choice": "Select from the list what you have done differently.",
        },
    )
    note = forms.CharField(
        label="Anything else you want to tell us about what you did differently?",
        help_text=NOTE_HINT,
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The note must be {NOTE_LIMIT} characters or fewer."},
    )

    def clean_changes(self):
        changes = self.cleaned_data["changes"]
        if FollowUp.Change.NOTHING in changes and len(changes) > 1:
            raise forms.ValidationError(
                "Select “Nothing has changed yet” on its own, or only the things you have done differently."
            )
        return changes

    def clean_note(self):
        note = clean_free_text(self.cleaned_data["note"])
        if EMAIL.search(note):
            raise forms.ValidationError(f"Remove the email address from the note. {NO_CONTACT_DETAILS}")
        if PHONE.search(note):
            raise forms.ValidationError(f"Remove the phone number from the note. {NO_CONTACT_DETAILS}")
        if len(note) > NOTE_LIMIT:
            raise forms.ValidationError(f"The note must be {NOTE_LIMIT} characters or fewer.")
        return note
