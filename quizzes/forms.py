from django import forms
from django.utils.translation import gettext_lazy as _
from parler.forms import TranslatableBaseInlineFormSet

from .grading import choice_set_errors

ANSWER_PREFIX = "q-"


class AttemptAnswersForm(forms.Form):
    """Parses the posted answers (`q-<question id>` → choice ids). It only checks the
    shape; which answers are acceptable is the service's business (never trust the
    form: grading and the rules run on the server from the attempt's snapshot)."""

    def __init__(self, data, *, question_ids: list[int]):
        super().__init__(data)
        self.question_ids = question_ids

    def clean(self):
        answers: dict[int, list[int]] = {}
        for key in self.data:
            if not key.startswith(ANSWER_PREFIX):
                continue
            try:
                question_id = int(key.removeprefix(ANSWER_PREFIX))
                answers[question_id] = [int(value) for value in self.data.getlist(key)]
            except ValueError:
                raise forms.ValidationError(
                    _("Your answers could not be read. Reload the page and try again."),
                    code="malformed",
                ) from None
        self.cleaned_data["answers"] = answers
        return self.cleaned_data


class ChoiceInlineFormSet(TranslatableBaseInlineFormSet):
    """Admin: the choices (or spot-the-risk segments) of a question must fit its kind
    (see `grading.choice_set_errors`)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = choice_set_errors(
            self.instance.kind,
            [bool(data.get("is_correct")) for data in kept],
            [data.get("segment_kind") or "" for data in kept],
        )
        if errors:
            raise forms.ValidationError(errors)
