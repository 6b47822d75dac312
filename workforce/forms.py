"""Forms for a lead's workforce: the staff list file and the headcount per job role."""

from django import forms
from django.db import transaction

from courses.models import JobRole
from workforce.models import Headcount
from workforce.staff_lists import MAX_BYTES, MAX_ROWS

MOST_STAFF = 1_000_000


class StaffListUploadForm(forms.Form):
    file = forms.FileField(
        label="Staff list file",
        help_text=(
            f"A CSV or Excel (XLSX) file of up to {MAX_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} people, with the template's columns."
        ),
        error_messages={
            "required": "Choose a CSV or Excel (XLSX) file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a CSV or Excel (XLSX) file to upload",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class HeadcountForm(forms.Form):
    """How many staff of each job role the agency employs: blank or 0 for none."""

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        counts = dict(Headcount.objects.filter(agency=agency).values_list("job_role", "staff"))
        super().__init__(*args, initial=counts, **kwargs)
        for code, label in JobRole.choices:
            message = f"Enter the number of staff who are “{label}” as a whole number from 0 to 1,000,000"
            self.fields[code] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MOST_STAFF,
                error_messages={"invalid": message, "min_value": message, "max_value": message},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def save(self, user) -> int:
        """Replace the agency's headcount in one transaction; the total staff counted."""
        counts = {code: self.cleaned_data.get(code) or 0 for code, _ in JobRole.choices}
        with transaction.atomic():
            Headcount.objects.filter(agency=self.agency).delete()
            Headcount.objects.bulk_create(
                [
                    Headcount(agency=self.agency, job_role=code, staff=staff, updated_by=user)
                    for code, staff in counts.items()
                    if staff
                ]
            )
        return sum(counts.values())
