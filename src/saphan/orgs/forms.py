from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saphan.geo.models import Province
from saphan.orgs.models import OrganisationKind


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
