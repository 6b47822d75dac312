"""Forms of the Wagtail admin (as ONS dis-wagtail keeps them): the models name these as their
`base_form_class`, so this module imports nothing from courses.models."""

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from courses import activities


class CoursePageForm(WagtailAdminPageForm):
    required_activities = forms.MultipleChoiceField(
        label="Required to complete",
        help_text="What a learner must do before the course counts as complete.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one required activity."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is built, after every app has registered its activities.
        self.fields["required_activities"].choices = activities.choices()
