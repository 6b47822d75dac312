"""The lead's form for a single-agency return. Numbers and dates are text boxes, as GOV.UK
asks, so that what was typed comes back with a message saying what to put right; the rules
themselves are in `training.returns`."""

import secrets
from datetime import date

from django import forms
from django.template.defaultfilters import pluralize

from courses.forms import clean_free_text
from courses.models import CoursePage, JobRole
from training import returns
from training.models import MaterialsDistributed, SingleAgencyReturn
from workforce.staff_lists import MAX_BYTES

NUMBERS, LIST = "numbers", "list"
IMPACT_HINT = (
    "Describe the impact on practice in general terms. "
    "Do not include names or details of children, families or cases."
)
MOST_MATERIALS = 1_000_000
MATERIAL_ROWS = 3


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _role_field(code: str) -> str:
    return f"role_{code}"


class ReturnForm(forms.Form):
    """What was taught, when, how and by whom, and who was trained: numbers by job role or a
    list of the people, never both.

    A list is checked row by row when it is uploaded; the view shows it for checking and keeps
    it (`previewed`) under the form's token until the form is sent again to save it."""

    token = forms.CharField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose the agency",
        error_messages={
            "required": "Choose the agency that delivered the training",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.none(),
        required=False,
        label="Partnership course it covered",
        empty_label="None: I will give the topic",
        error_messages={"invalid_choice": "Choose a course from the list"},
    )
    topic = forms.CharField(
        required=False,
        max_length=200,
        label="Topic",
        help_text="What the training covered, if it was not a partnership course, or to say more.",
        error_messages={"max_length": "The topic must be 200 characters or fewer"},
    )
    day = forms.CharField(required=False, max_length=10)
    month = forms.CharField(required=False, max_length=10)
    year = forms.CharField(required=False, max_length=10)
    delivery_format = forms.ChoiceField(
        label="How it was delivered",
        choices=SingleAgencyReturn.Format.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the training was delivered",
            "invalid_choice": "Choose how the training was delivered",
        },
    )
    trainer = forms.CharField(
        max_length=120,
        label="Trainer",
        help_text="The trainer's name, or the team that delivered it.",
        error_messages={
            "required": "Enter the trainer's name or team",
            "max_length": "The trainer must be 120 characters or fewer",
        },
    )
    impact = forms.CharField(
        required=False,
        max_length=500,
        label="Impact on practice (optional)",
        help_text=IMPACT_HINT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The impact on practice must be 500 characters or fewer"},
    )
    counted_as = forms.ChoiceField(
        label="How will you give who was trained?",
        choices=[(NUMBERS, "Numbers by job role"), (LIST, "A list of the people (CSV or Excel file)")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose numbers by job role or a list of the people",
            "invalid_choice": "Choose numbers by job role or a list of the people",
        },
    )
    file = forms.FileField(
        required=False,
        label="List of the people trained",
        help_text=(
            f"A CSV or Excel (XLSX) file of up to {MAX_BYTES // (1024 * 1024)} MB and "
            f"{returns.MAX_ATTENDEES:,} people, with the headings Name, Email (optional) and Job role."
        ),
        error_messages={"invalid": "Choose a CSV or Excel (XLSX) file", "empty": "The file is empty"},
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, agencies, instance=None, previewed=None, **kwargs):
        self.instance = instance or SingleAgencyReturn()
        self.previewed = previewed  # the list checked when it was uploaded, if any
        self.uploaded: list[dict] | None = None  # a list uploaded with this sending, once checked
        self.list_problems: list[str] = []
        initial = kwargs.pop("initial", {}) | self._initial()
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        if self.instance.pk or agencies.count() == 1:
            self.fixed_agency = self.instance.agency if self.instance.pk else agencies.get()
            del self.fields["agency"]
        else:
            self.fixed_agency = None
            self.fields["agency"].queryset = agencies.order_by("sort_order", "name")
        for code, label in JobRole.choices:
            self.fields[_role_field(code)] = forms.CharField(required=False, max_length=10, label=label)

    def _initial(self) -> dict:
        saved = self.instance
        if not saved.pk:
            return {"token": new_token()}
        initial = {
            "token": new_token(),
            "course": saved.course_id,
            "topic": saved.topic,
            "day": saved.delivered_on.day,
            "month": saved.delivered_on.month,
            "year": saved.delivered_on.year,
            "delivery_format": saved.delivery_format,
            "trainer": saved.trainer,
            "impact": saved.impact,
            "counted_as": LIST if saved.attendees.exists() else NUMBERS,
        }
        for headcount in saved.headcounts.all():
            initial[_role_field(headcount.job_role)] = headcount.number
        return initial

    @property
    def role_fields(self) -> list[forms.BoundField]:
        return [self[_role_field(code)] for code, _ in JobRole.choices]

    @property
    def has_saved_list(self) -> bool:
        return bool(self.instance.pk) and self.instance.attendees.exists()

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not (20 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
            raise forms.ValidationError("The form could not be read: open it again and re-enter the return")
        return token

    def clean_topic(self) -> str:
        return clean_free_text(self.cleaned_data["topic"]).strip()

    def clean_trainer(self) -> str:
        trainer = clean_free_text(self.cleaned_data["trainer"]).strip()
        if not trainer:
            raise forms.ValidationError("Enter the trainer's name or team")
        return trainer

    def clean_impact(self) -> str:
        return clean_free_text(self.cleaned_data["impact"]).strip()

    def clean(self):
        data = super().clean()
        if not data.get("course") and not data.get("topic") and "course" not in self.errors:
            self.add_error("course", "Choose the partnership course it covered, or enter the topic")
        data["delivered_on"] = self._delivered_on(data)
        data["headcounts"] = self._headcounts(data)
        upload = data.get("file")
        if upload and data.get("counted_as") == LIST:
            try:
                self.uploaded = returns.check_attendees(upload)
            except returns.ListProblem as problem:
                self.list_problems = problem.problems
                count = len(problem.problems)
                self.add_error(
                    "file",
                    f"The file has {count:,} problem{pluralize(count)}: nothing was saved. "
                    f"Fix {'it' if count == 1 else 'them'} and upload it again",
                )
        self._one_way_of_counting(data)
        return data

    def _delivered_on(self, data) -> date | None:
        """The date from its three boxes, with the GOV.UK date input's messages."""
        parts = {part: (data.get(part) or "").strip() for part in ("day", "month", "year")}
        missing = [part for part, text in parts.items() if not text]
        if len(missing) == 3:
            self.add_error("day", "Enter the date the training was delivered")
            return None
        if missing:
            self.add_error(missing[0], f"The date delivered must include a {' and '.join(missing)}")
            return None
        if not all(text.isdigit() for text in parts.values()) or len(parts["year"]) != 4:
            self.add_error("day", "The date delivered must be a real date, like 21 11 2026")
            return None
        try:
            delivered_on = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error("day", "The date delivered must be a real date, like 21 11 2026")
            return None
        problem = returns.date_problem(delivered_on)
        if problem:
            self.add_error("day", problem)
            return None
        return delivered_on

    def _headcounts(self, data) -> dict[str, int]:
        """{job role: number} for every role given a number (blank or 0 for none)."""
        counts = {}
        for code, label in JobRole.choices:
            field = _role_field(code)
            text = (data.get(field) or "").strip().replace(",", "")
            if not text:
                continue
            if not text.isdigit() or int(text) > returns.MOST_TRAINED:
                self.add_error(
                    field,
                    f"Enter the number of “{label}” staff trained as a whole number from 1 to "
                    f"{returns.MOST_TRAINED:,}, or leave it blank",
                )
                continue
            if int(text):
                counts[code] = int(text)
        return counts

    def _one_way_of_counting(self, data) -> None:
        """Numbers by job role or a list of the people: the one chosen, and only that one."""
        counted_as, counts = data.get("counted_as"), data["headcounts"]
        numbers_typed = any(
            (data.get(_role_field(code)) or "").strip() not in ("", "0") for code, _ in JobRole.choices
        )
        if counted_as == NUMBERS:
            if data.get("file"):
                self.add_error(
                    "file", "You chose numbers by job role: remove the file, or choose a list of the people"
                )
            elif not counts and not any(field.errors for field in self.role_fields):
                self.add_error(
                    _role_field(JobRole.choices[0][0]), "Enter the number trained in at least one job role"
                )
        elif counted_as == LIST:
            if numbers_typed:
                self.add_error(
                    "counted_as",
                    "You chose a list of the people: clear the numbers by job role, "
                    "or choose numbers by job role",
                )
            elif "file" not in self.errors and not (
                data.get("file") or self.previewed or self.has_saved_list
            ):
                self.add_error("file", "Choose a CSV or Excel (XLSX) file of the people trained")

    @property
    def attendees(self) -> list[dict] | None:
        """The list to save: the one uploaded now, or the one checked before; None keeps the
        return's saved list as it is."""
        return self.uploaded if self.uploaded is not None else self.previewed

    def filled_return(self, agency) -> SingleAgencyReturn:
        """The return with this form's answers (not saved)."""
        data = self.cleaned_data
        saved = self.instance
        if not saved.pk:
            saved.agency = agency
        saved.course = data["course"]
        saved.topic = data["topic"]
        saved.delivered_on = data["delivered_on"]
        saved.delivery_format = data["delivery_format"]
        saved.trainer = data["trainer"]
        saved.impact = data["impact"]
        return saved


class MaterialForm(forms.Form):
    """One kind of awareness material handed out; a row left blank is no material."""

    kind = forms.ChoiceField(
        required=False,
        label="Kind",
        choices=[("", "Choose")] + MaterialsDistributed.Kind.choices,
        error_messages={"invalid_choice": "Choose a kind of material from the list"},
    )
    description = forms.CharField(
        required=False,
        max_length=120,
        label="Description (optional)",
        error_messages={"max_length": "The description must be 120 characters or fewer"},
    )
    number = forms.CharField(
        required=False,
        max_length=10,
        label="Number handed out",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def clean_description(self) -> str:
        return clean_free_text(self.cleaned_data["description"]).strip()

    def clean(self):
        data = super().clean()
        kind, number = data.get("kind"), (data.get("number") or "").strip().replace(",", "")
        if not (kind or number or data.get("description")) or self.errors:
            return data
        if not kind:
            self.add_error("kind", "Choose the kind of material handed out")
        if not number:
            self.add_error("number", "Enter how many were handed out")
        elif not number.isdigit() or not 1 <= int(number) <= MOST_MATERIALS:
            self.add_error(
                "number", f"Enter how many were handed out as a whole number from 1 to {MOST_MATERIALS:,}"
            )
        else:
            data["number"] = int(number)
        return data

    @property
    def item(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return {"kind": data["kind"], "description": data["description"], "number": data["number"]}


class BaseMaterialFormSet(forms.BaseFormSet):
    def items(self) -> list[dict]:
        return [form.item for form in self.forms if form.item]


def material_formset(data=None, instance=None):
    """Rows for the materials: those saved, and blank rows to at least `MATERIAL_ROWS`."""
    initial = []
    if instance is not None and instance.pk:
        initial = [
            {"kind": item.kind, "description": item.description, "number": item.number}
            for item in instance.materials.order_by("pk")
        ]
    formset = forms.formset_factory(
        MaterialForm,
        formset=BaseMaterialFormSet,
        extra=max(MATERIAL_ROWS - len(initial), 1),
        max_num=20,
        validate_max=True,
    )
    return formset(data, initial=initial, prefix="materials")
