"""The partnership manager sets each agency's coverage target, and sees where each agency
stands against it under the rule of `workforce.targets`. Leads read their agencies' targets
and statuses on the Trends tab."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from cms.models import Agency
from courses.decorators import report_view
from courses.models import JobRole, PartnershipManager
from workforce.models import CoverageTarget
from workforce.targets import RULE, STANDINGS, standings, target_text, targets_for


class TargetForm(forms.Form):
    """One agency's target. The share and date are text boxes, as GOV.UK asks, so that what
    was typed comes back with a message saying what to put right."""

    share = forms.CharField(required=False, max_length=10)
    day = forms.CharField(required=False, max_length=10)
    month = forms.CharField(required=False, max_length=10)
    year = forms.CharField(required=False, max_length=10)
    job_roles = forms.MultipleChoiceField(
        required=False, choices=JobRole.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agency: Agency, target: CoverageTarget | None, **kwargs):
        self.agency, self.target = agency, target
        initial = {}
        if target:
            due = target.due_on
            initial = {
                "share": target.share,
                "day": due.day,
                "month": due.month,
                "year": due.year,
                "job_roles": target.job_roles,
            }
        super().__init__(*args, prefix=agency.code, initial=initial, **kwargs)

    def clean_share(self) -> int | None:
        text = self.cleaned_data["share"].strip().removesuffix("%").strip()
        if not text:
            return None
        name = self.agency.name
        if not text.isdigit():
            raise forms.ValidationError(f"Enter the target for {name} as a whole number, like 80")
        share = int(text)
        if not 1 <= share <= 100:
            raise forms.ValidationError(f"The target for {name} must be between 1% and 100%")
        return share

    def clean(self):
        data = super().clean()
        if data.get("share") is None:
            return data  # no target (or a share to put right): the date is not asked for
        data["due_on"] = self._due_on(data)
        return data

    def _due_on(self, data) -> date | None:
        """The date from its three boxes, with the GOV.UK date input's messages, each on the
        first box that is wrong."""
        name = self.agency.name
        parts = {part: (data.get(part) or "").strip() for part in ("day", "month", "year")}
        missing = [part for part, text in parts.items() if not text]
        if len(missing) == 3:
            self.add_error("day", f"Enter the date {name} should reach its target by")
            return None
        if missing:
            self.add_error(missing[0], f"The date for {name} must include a {' and '.join(missing)}")
            return None
        for part, text in parts.items():
            if not text.isdigit():
                self.add_error(part, f"The date for {name} must be a real date")
                return None
        if len(parts["year"]) != 4:
            self.add_error("year", "Year must include 4 numbers")
            return None
        try:
            due = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error("day", f"The date for {name} must be a real date")
            return None
        unchanged = self.target is not None and self.target.due_on == due
        if due < timezone.localdate() and not unchanged:
            self.add_error("day", f"The date for {name} must be today or in the future")
            return None
        return due

    @property
    def error_target(self) -> dict[str, str]:
        """The id each of the form's errors links to from the error summary."""
        return {field: f"{self.prefix}-{field}" for field in ("share", "day", "month", "year")} | {
            "job_roles": f"{self.prefix}-job_roles-0"
        }

    def problems(self) -> list[tuple[str, str]]:
        return [
            (message, self.error_target.get(field, f"{self.prefix}-share"))
            for field, errors in self.errors.items()
            for message in errors
        ]

    @property
    def ticked(self) -> list[str]:
        value = self["job_roles"].value() or []
        return [str(role) for role in value]

    def save(self, user) -> str:
        """Write (or remove) the target; what was done, in words."""
        if f"{self.prefix}-share" not in self.data:
            return ""  # this agency was not on the form sent: its target stays as it is
        share = self.cleaned_data["share"]
        if share is None:
            if self.target is None:
                return ""
            self.target.delete()
            return f"{self.agency.name}: target removed"
        target = self.target or CoverageTarget(agency=self.agency)
        changed = self.target is None or (target.share, target.due_on, sorted(target.job_roles)) != (
            share,
            self.cleaned_data["due_on"],
            sorted(self.cleaned_data["job_roles"]),
        )
        if not changed:
            return ""
        target.share = share
        target.due_on = self.cleaned_data["due_on"]
        target.job_roles = sorted(self.cleaned_data["job_roles"])
        target.set_by = user
        target.save()
        return f"{self.agency.name}: {target_text(target)}"


def require_manager(user) -> None:
    if not PartnershipManager.objects.filter(user=user).exists():
        raise PermissionDenied("Targets are set by the partnership manager.")


@report_view
def targets(request):
    """Every agency's target in one form, saved together or not at all."""
    require_manager(request.user)
    agencies = Agency.objects.order_by("sort_order", "name")
    current = targets_for(agencies)
    data = request.POST if request.method == "POST" else None
    target_forms = [TargetForm(data, agency=agency, target=current.get(agency.pk)) for agency in agencies]
    if data is not None and all(form.is_valid() for form in target_forms):
        with transaction.atomic():
            done = [text for form in target_forms if (text := form.save(request.user))]
        messages.success(request, "Targets saved. " + "; ".join(done) if done else "No target was changed.")
        return redirect("workforce:targets")
    problems = [problem for form in target_forms for problem in form.problems()]
    today = timezone.localdate()
    return render(
        request,
        "workforce/targets.html",
        {
            "target_forms": target_forms,
            "problems": problems,
            "job_roles": JobRole.choices,
            "table": STANDINGS.fill(standings(agencies, today)),
            "rule": RULE,
            "today": today,
        },
        status=400 if problems else 200,
    )
