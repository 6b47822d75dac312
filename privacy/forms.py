from django import forms


class AnonymiseForm(forms.Form):
    """A tick, so one press of a button cannot erase an account by mistake."""

    confirm = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm that you understand this cannot be undone."},
    )
