"""Forms of the rights pages: parsing only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.core.forms import DateInput
from saphan.rights.choices import RightStatus
from saphan.rights.selectors import scheme_list


class RightStatusForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"))
    status = forms.ChoiceField(label=_("Status"), choices=RightStatus.choices)
    status_on = forms.DateField(label=_("Since"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("Reason (required for a refusal)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, language: str = "th", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("status_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [(s.code, s.name(language)) for s in scheme_list()]  # type: ignore[attr-defined]


class GapFilterForm(forms.Form):
    province = forms.CharField(required=False, max_length=2)
    district = forms.CharField(required=False, max_length=4)
    scheme = forms.CharField(required=False, max_length=40)
    page = forms.IntegerField(required=False, min_value=1)
