"""Forms of the outcomes pages. They only parse input; the services decide what is valid
(and their ValidationErrors are shown on these fields by ``apply_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saphan.core.forms import DateInput
from saphan.outcomes.choices import Decision, DisputeOutcome

_BLANK: list[tuple[str, Any]] = [("", "—")]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    # The browser's date picker sends the Common Era; pages show dates in the Buddhist Era.
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
    )


def _text(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _money(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=14, decimal_places=2
    )


class _Form(forms.Form):
    """Pages show several forms at once: ids carry the form's name (``verify-reason``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__.removesuffix("Form").lower()
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


EVIDENCE_HELP = _("PDF, PNG or JPEG, up to 10 MB each, at most 10 files.")


class EnrolForm(_Form):
    person = forms.UUIDField(
        label=_("Person ID"),
        help_text=_("The person's ID in the registry, or choose a person from the search."),
    )
    enrolled_on = _date(_("Enrolled on"), required=False, help_text=_("Empty: today."))
    comparison_group = forms.BooleanField(label=_("In the comparison group"), required=False)


class ClaimForm(_Form):
    participant = forms.ChoiceField(label=_("Participant"), required=False, choices=())
    cohort = forms.ChoiceField(label=_("Or a cohort"), required=False, choices=())
    metric = forms.ChoiceField(label=_("Outcome metric"), choices=())
    achieved_on = _date(_("Date achieved"))
    value = forms.DecimalField(
        label=_("Value"),
        initial=1,
        max_digits=14,
        decimal_places=4,
        help_text=_("1: achieved. For a cohort metric: the measured result."),
    )
    evidence = MultipleFileField(label=_("Evidence"), required=False, help_text=EVIDENCE_HELP)
    note = _text(_("Note"), rows=2)

    def __init__(
        self,
        *args: Any,
        participants: list[tuple[str, str]],
        cohorts: list[tuple[str, str]],
        metrics: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = _BLANK + participants  # type: ignore[attr-defined]
        self.fields["cohort"].choices = _BLANK + cohorts  # type: ignore[attr-defined]
        self.fields["metric"].choices = metrics  # type: ignore[attr-defined]
        if not cohorts:
            del self.fields["cohort"]


class EvidenceForm(_Form):
    evidence = MultipleFileField(label=_("More evidence"), help_text=EVIDENCE_HELP)
    note = _text(_("Answer to the query"), rows=2)


class VerifyForm(_Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = _text(
        _("Reason"),
        rows=2,
        required=False,  # the service requires it and says so in both languages
    )


class DisputeForm(_Form):
    reason = _text(_("What is disputed and why"), rows=3)
    due_on = _date(_("To be resolved by"), required=False, help_text=_("Empty: in 30 days."))


class ResolveForm(_Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DisputeOutcome.choices, widget=forms.RadioSelect
    )
    resolution = _text(_("Resolution"), rows=2)


class PrepareForm(_Form):
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("A quarter such as 2026-Q1, or 2026-03.")
    )


class PaymentForm(_Form):
    paid_on = _date(_("Paid on"))
    amount = _money(_("Amount received (THB)"))


class DrawdownForm(_Form):
    on = _date(_("Date"))
    amount = _money(_("Amount (THB)"))


class DisbursementForm(_Form):
    provider = forms.ChoiceField(label=_("Service provider"), choices=())
    on = _date(_("Date"))
    amount = _money(_("Amount (THB)"))

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = _BLANK + providers  # type: ignore[attr-defined]


class RepaymentForm(_Form):
    on = _date(_("Distribute payments received up to"))


# -- setting a project up (views_setup.py) ---------------------------------------------


class ProjectForm(_Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("2 to 40 letters, digits and hyphens; the contract uses the same code."),
    )
    name_th = forms.CharField(label=_("Name in Thai"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    description = _text(_("Description"))
    target_population = _text(_("Target population"), rows=2)
    participant_prefix = forms.CharField(
        label=_("Participant code prefix"),
        max_length=6,
        required=False,
        help_text=_("2 to 6 Latin capital letters, e.g. HHH. Empty: from the code."),
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces"), required=False, choices=(), widget=forms.SelectMultiple
    )
    eligible_groups = forms.MultipleChoiceField(
        label=_("Eligible population groups"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = _date(_("Starts on"), required=False)
    ends_on = _date(_("Ends on"), required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        from saphan.people.choices import PopulationGroup

        super().__init__(*args, **kwargs)
        self.fields["provinces"].choices = provinces  # type: ignore[attr-defined]
        self.fields["eligible_groups"].choices = PopulationGroup.choices  # type: ignore[attr-defined]


class PartyForm(_Form):
    organisation = forms.ChoiceField(label=_("Organisation"), choices=())
    role = forms.ChoiceField(label=_("Role"), choices=())
    spec_code = forms.CharField(
        label=_("Code in the contract"),
        max_length=40,
        required=False,
        help_text=_("The payer's or investor's code in the contract, e.g. dsdw."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        from saphan.outcomes.choices import PartyRole

        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _BLANK + organisations  # type: ignore[attr-defined]
        self.fields["role"].choices = _BLANK + list(PartyRole.choices)  # type: ignore[attr-defined]


class ContractForm(_Form):
    spec = forms.CharField(
        label=_("Contract (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        help_text=_("Paste the contract, or upload it as a JSON file below."),
    )
    spec_file = forms.FileField(
        label=_("Or a JSON file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    reason = _text(_("Reason for the amendment"), rows=2)
    valid_from = _date(
        _("Valid from"), required=False, help_text=_("Empty: the contract's start, or today.")
    )

    MAX_BYTES = 1_000_000

    def clean(self) -> dict[str, Any]:
        import json

        data = super().clean() or {}
        raw: Any = data.get("spec") or ""
        upload = data.get("spec_file")
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error("spec_file", _("The file is larger than 1 MB."))
                return data
            try:
                raw = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("spec_file", _("The file is not UTF-8 text."))
                return data
        if not str(raw).strip():
            self.add_error("spec", _("Paste the contract or upload its JSON file."))
            return data
        try:
            # Money written as a JSON number stays a float here: the engine refuses it
            # with its path (amounts are strings such as "10000.00").
            parsed = json.loads(raw)
        except json.JSONDecodeError as error:
            self.add_error(
                "spec",
                _("Not valid JSON: %(message)s (line %(line)s, column %(column)s).")
                % {"message": error.msg, "line": error.lineno, "column": error.colno},
            )
            return data
        if not isinstance(parsed, dict):
            self.add_error("spec", _("The contract must be a JSON object."))
            return data
        data["spec_json"] = parsed
        data["spec"] = raw
        return data
