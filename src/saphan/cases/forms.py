"""Forms of case management. They only parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saphan.cases import choices as c
from saphan.core.forms import DateInput

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


class _CaseForm(forms.Form):
    """The case page shows several forms at once: ids carry the form's name
    (``referral-due_on``, ``goal-due_on``) so no two fields share an id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__.removesuffix("Form").lower()
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(*args, **kwargs)


class StageForm(_CaseForm):
    stage = forms.ChoiceField(label=_("Move to stage"), choices=c.Stage.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"), choices=_BLANK + c.Outcome.choices, required=False
    )

    def __init__(self, *args: Any, after: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if after:  # a case only moves forward: offer the later stages
            later = [ch for ch in c.Stage.choices if c.STAGE_ORDER[ch[0]] > c.STAGE_ORDER[after]]
            self.fields["stage"].choices = later  # type: ignore[attr-defined]


class AssignForm(_CaseForm):
    assigned_to = forms.ChoiceField(label=_("Assigned worker"), choices=())

    def __init__(self, *args: Any, colleagues: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = colleagues  # type: ignore[attr-defined]


class AssessmentForm(_CaseForm):
    health = forms.TypedChoiceField(label=_("Health"), choices=c.Score.choices, coerce=int)
    living = forms.TypedChoiceField(
        label=_("Living conditions"), choices=c.Score.choices, coerce=int
    )
    education = forms.TypedChoiceField(label=_("Education"), choices=c.Score.choices, coerce=int)
    income = forms.TypedChoiceField(label=_("Income"), choices=c.Score.choices, coerce=int)
    access = forms.TypedChoiceField(
        label=_("Access to public services"), choices=c.Score.choices, coerce=int
    )
    notes = _text(_("Notes"), rows=4)
    assessed_on = _date(_("Assessed on"), required=False)


class GoalForm(_CaseForm):
    dimension = forms.ChoiceField(label=_("Dimension"), choices=c.Dimension.choices)
    description = _text(_("Goal"), required=True, rows=2)
    due_on = _date(_("Due on"))


class GoalStatusForm(_CaseForm):
    status = forms.ChoiceField(label=_("Status"), choices=c.GoalStatus.choices)


class ServiceForm(_CaseForm):
    what = forms.CharField(label=_("Service"), max_length=200)
    provider_organisation = forms.ChoiceField(
        label=_("Provided by (organisation)"), required=False, choices=()
    )
    provider_name = forms.CharField(label=_("Provided by (other)"), max_length=200, required=False)
    delivered_on = _date(_("Delivered on"))
    cost = forms.DecimalField(
        label=_("Cost (baht)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    goal = forms.ChoiceField(label=_("For goal"), required=False, choices=())

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        goals: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider_organisation"].choices = _BLANK + organisations  # type: ignore[attr-defined]
        self.fields["goal"].choices = _BLANK + goals  # type: ignore[attr-defined]


class ContactForm(_CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=c.ContactKind.choices)
    contacted_on = _date(_("Date"), required=False)
    notes = _text(_("Notes"), rows=4)
    next_follow_up_on = _date(_("Next follow-up"), required=False)


class ReferralForm(_CaseForm):
    to_organisation = forms.ChoiceField(label=_("Refer to"), choices=())
    service_kind = forms.ChoiceField(label=_("Service"), choices=c.ServiceKind.choices)
    reason = _text(_("Reason"), required=True, rows=2)
    shared_summary = _text(_("Summary shared with the receiver"), rows=3)
    share_phone = forms.BooleanField(label=_("Share the person's phone number"), required=False)
    due_on = _date(_("Due on"))
    override_reason = _text(_("Emergency: why share without consent?"), rows=2)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].choices = _BLANK + organisations  # type: ignore[attr-defined]
        self.fields["shared_summary"].help_text = _(
            "The receiver sees the person's name, sex, age and area, the service, the "
            "reason and this summary, and nothing else of the case."
        )


class CivilStepForm(_CaseForm):
    step = forms.ChoiceField(label=_("Step"), choices=c.CivilStepKind.choices)
    started_on = _date(_("Started on"), required=False)
    due_on = _date(_("Due on"), required=False)
    note = _text(_("Note"), rows=2)
    document = forms.FileField(
        label=_("Document"), required=False, help_text=_("PDF, PNG or JPEG, up to 5 MB.")
    )


class CivilDoneForm(_CaseForm):
    done_on = _date(_("Done on"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=_BLANK + c.CivilDecision.choices, required=False
    )
    note = _text(_("Note"), rows=2)
    document = forms.FileField(label=_("Document"), required=False)


class AcceptForm(_CaseForm):
    due_on = _date(
        _("Due on"), required=False, help_text=_("Leave empty to keep the sender's due date.")
    )


class DeclineForm(_CaseForm):
    reason = _text(_("Reason for declining"), required=True, rows=2)


class ReportForm(_CaseForm):
    report = _text(_("What was done"), required=True, rows=4)
    completed_on = _date(_("Completed on"), required=False)
