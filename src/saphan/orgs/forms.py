from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saphan.core.forms import DateInput
from saphan.geo.models import Province
from saphan.orgs.models import OrganisationKind, TrainingTopic


class OrganisationForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_th = forms.CharField(label=_("Thai name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces worked in"),
        queryset=Province.objects.order_by("name_th"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TrainingForm(forms.Form):
    """Parses the training form; ``orgs.services.training_record`` decides what is valid."""

    attendee = forms.ChoiceField(label=_("Staff member"), choices=(), required=False)
    title = forms.CharField(label=_("Training title"), max_length=200, required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", "—"), *TrainingTopic.choices], required=False
    )
    provider = forms.CharField(label=_("Provider or organiser"), max_length=200, required=False)
    attended_on = forms.DateField(
        label=_("Date attended"),
        required=False,
        # The browser's date picker sends the Common Era; pages show the Buddhist Era.
        widget=DateInput(),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "training-%s")
        super().__init__(*args, **kwargs)
        self.fields["attendee"].choices = [("", "—"), *staff]  # type: ignore[attr-defined]


class CapacityPeriodForm(forms.Form):
    """The period of the capacity view (default: the last 90 days)."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
    )
