from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saphan.accounts.roles import Role
from saphan.orgs.models import Organisation


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("At least 10 characters. Leave empty when editing to keep the password."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
