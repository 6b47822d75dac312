"""Forms of the Wagtail admin for quizzes: the models name these as their `base_form_class`,
so this module imports nothing from quizzes.models."""

from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.pools import pool_candidates


class QuizForm(WagtailAdminModelForm):
    """A quiz with its pools. A pool that cannot be filled from the bank is refused, since
    attempts would quietly ask fewer questions than the editor set."""

    def is_valid(self):
        valid = super().is_valid()
        pools = self.formsets.get("pools")
        if not valid or pools is None:
            return valid
        kept = [form for form in pools.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        kept.sort(key=lambda form: form.cleaned_data.get("ORDER") or 0)
        questions = (
            list(self.instance.questions.filter(live=True).select_related("vignette"))
            if self.instance.pk
            else []
        )
        available = [len(c) for c in pool_candidates([form.instance for form in kept], questions)]
        for form, can_draw in zip(kept, available, strict=True):
            count = form.cleaned_data["count"]
            if can_draw < count:
                form.add_error(
                    "count",
                    f"This pool can draw {can_draw} question{'' if can_draw == 1 else 's'} "
                    f"(questions an earlier pool matches are not counted), but asks for {count}. Lower the "
                    "count, widen the filters or add questions.",
                )
                valid = False
        return valid
