"""Pages of the registry: search, register, person detail with tabs, edit, consent,
household. Thin: parsing in forms, rules in services, reads in selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.forms import apply_service_errors
from saphan.core.http import is_htmx, signed_in_user
from saphan.geo.models import District, Province, Subdistrict
from saphan.people import choices as c
from saphan.people.checks import person_access_record
from saphan.people.consents import consent_record, consent_withdraw
from saphan.people.forms import ConsentForm, PersonForm, SearchForm, person_form_initial
from saphan.people.households import household_add_member, household_create
from saphan.people.identity import (
    national_id_category,
    national_id_validate,
    national_id_zero_subtype,
    zero_subtype_label,
)
from saphan.people.models import Household, Person
from saphan.people.partialdate import partial_date_parse
from saphan.people.selectors import (
    masked_query,
    person_present,
    person_search,
    sensitive_values,
    visible_group_codes,
)
from saphan.people.services import person_data_from, person_register, person_update

_NUMBER_FIELDS = ("national_id", "phone", "other_document_number", "disability_card_number")
TABS = ("identity", "household", "groups", "attributes", "watch", "consent", "history")


def _person_or_404(request: HttpRequest, uid: str) -> Person:
    return policy.get_visible_or_404(
        Person.objects.select_related(
            "province", "district", "registered_subdistrict", "current_subdistrict", "organisation"
        ),
        signed_in_user(request),
        request=request,
        uid=uid,
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and any(form.cleaned_data.values()):
        d = form.cleaned_data
        result = person_search(
            user=user,
            q=d["q"],
            province=d["province"],
            district=d["district"],
            group=d["group"],
            age_band=d["age_band"],
        )
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            object_type="person",
            province_code=d["province"],
            query=masked_query(d["q"]),
            detail={
                "filters": {k: v for k, v in d.items() if v and k != "q"},
                "results": result.total,
            },
        )
    provinces = Province.objects.visible_to(user).order_by("name_th")
    template = "people/_results.html" if is_htmx(request) else "people/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "provinces": provinces,
            "groups": c.PopulationGroup.choices,
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.EDIT_PEOPLE)
    form = PersonForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_register(
                user=user, data=form.person_data(), consent=form.consent_data(), request=request
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": person.full_name})
            return redirect("people:detail", uid=person.uid)
    return render(request, "people/form.html", {"form": form, "person": None})


def _form_errors(form: PersonForm, exc: ValidationError) -> None:
    renamed = {
        "registered_subdistrict": "registered_subdistrict",
        "other_documents": "other_document_number",
        "groups": "groups",
        "disabilities": "disability_types",
        "consent_purpose": None,
        "consent_given_on": None,
        "consent_given_by": "consent_by_guardian",
    }
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {renamed.get(k, k) or "__all__": v for k, v in exc.error_dict.items()}
        )
    apply_service_errors(form, exc)


@login_required
def edit(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.EDIT_PEOPLE)
    person = _person_or_404(request, uid)
    if request.method == "GET":
        person_access_record(
            user=user,
            person=person,
            action=AccessAction.VIEW,
            request=request,
            detail={"page": "edit"},
        )
    current = person_data_from(person)
    initial = person_form_initial(current)
    full_numbers = policy.can(user, policy.Action.VIEW_FULL_ID)
    if not full_numbers:
        # Roles that see masked numbers never get them back through the edit form: the
        # fields start empty, and empty keeps what is stored.
        for name in _NUMBER_FIELDS:
            initial[name] = ""
    form = PersonForm(request.POST or None, initial=initial, user=user)
    if not full_numbers:
        for name in _NUMBER_FIELDS:
            form.fields[name].help_text = _("Leave empty to keep the recorded number.")
    for name in (
        "consent_given",
        "consent_sensitive",
        "consent_sharing",
        "consent_by_guardian",
        "guardian_name",
    ):
        form.fields.pop(name)
    sensitive_visible = person_present(person=person, user=user).sensitive_visible
    if not sensitive_visible:
        for name in PersonForm.SECTIONS["sensitive"]:
            form.fields.pop(name, None)
        groups_field = form.fields["groups"]
        groups_field.choices = [  # type: ignore[attr-defined]
            ch
            for ch in groups_field.choices  # type: ignore[attr-defined]
            if ch[0] not in c.SENSITIVE_GROUPS
        ]
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        if not full_numbers:
            data.national_id = data.national_id or current.national_id
            data.phone = data.phone or current.phone
            data.other_documents = data.other_documents or current.other_documents
            data.disability_card_number = (
                data.disability_card_number or current.disability_card_number
            )
        if not sensitive_visible:  # hidden sensitive groups stay as they are
            data.declared_groups += [g for g in current.declared_groups if g in c.SENSITIVE_GROUPS]
        if "religion" not in form.fields:  # sensitive fields hidden: keep what is stored
            for name in (
                *c.SENSITIVE_FIELDS,
                "disabilities",
                "disability_card_number",
                "disability_card_expiry",
                "legal_basis",
                "legal_basis_note",
            ):
                setattr(data, name, getattr(current, name))
        try:
            person_update(user=user, person=person, data=data, request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", uid=person.uid)
    return render(request, "people/form.html", {"form": form, "person": person})


def _watch_tab(*, person: Person, user: User) -> dict[str, object]:
    """Flags, cases and rights of the person: what the other contexts show here."""
    from saphan.cases.models import Case
    from saphan.watch.selectors import flag_reasons, flags_of_person

    flags = list(flags_of_person(user=user, person=person)[:50])
    return {
        "flag_rows": [{"flag": f, "reasons": flag_reasons(f)} for f in flags],
        "can_act": policy.can(user, policy.Action.MANAGE_CASES),
        # Cases in the user's case scope only (their organisation's; all for coordinators).
        "cases": Case.objects.visible_to(user)
        .filter(person=person)
        .select_related("organisation", "assigned_to")
        .order_by("-opened_on")[:20],
    }


@login_required
def detail(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    person = _person_or_404(request, uid)
    tab = request.GET.get("tab", "identity")
    tab = tab if tab in TABS else "identity"
    person_access_record(
        user=user,
        person=person,
        action=AccessAction.VIEW,
        request=request,
        purpose=request.GET.get("purpose", ""),
        detail={"tab": tab},
    )
    view = person_present(person=person, user=user)
    context: dict[str, object] = {
        "view": view,
        "person": person,
        "tab": tab,
        "tabs": TABS,
        "sensitive": sensitive_values(view),
    }
    national = next(
        (i for i in view.identifiers if i.doc_type == "national_id" and i.is_current), None
    )
    if national is not None and not national.masked:
        digits = national.number.replace("-", "")
        context["id_category"] = national_id_category(digits)
        subtype = national_id_zero_subtype(digits)
        if subtype:
            context["id_subtype"] = zero_subtype_label(subtype, request.LANGUAGE_CODE)
    if tab == "household":
        membership = (
            person.memberships.filter(until__isnull=True).select_related("household").first()
        )
        context["household"] = membership.household if membership else None
        if membership:
            context["members"] = membership.household.members.filter(
                until__isnull=True
            ).select_related("person")
    elif tab == "groups":
        shown = visible_group_codes(person=person, user=user)
        context["groups"] = person.groups.filter(group__in=shown).order_by("group")
    elif tab == "consent":
        context["consents"] = person.consents.all()
        context["consent_form"] = ConsentForm(initial={"given_on": timezone.localdate()})
    elif tab == "watch":
        context.update(_watch_tab(person=person, user=user))
    elif tab == "history":
        context["history"] = person.history.select_related("history_user").order_by(
            "-history_date"
        )[:100]
    template = "people/_tab.html" if is_htmx(request) else "people/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def consent_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.EDIT_PEOPLE)
    person = _person_or_404(request, uid)
    form = ConsentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            consent_record(
                user=user,
                person=person,
                data=form.consent_data(),
                evidence=form.cleaned_data.get("evidence"),
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, _("The consent was not saved: check the fields."))
    return redirect(f"/people/{person.uid}/?tab=consent")


@login_required
def consent_evidence(request: HttpRequest, uid: str, consent_id: int) -> FileResponse:
    """The evidence file, through the policy layer (media files are never served directly)."""
    from django.http import Http404

    user = signed_in_user(request)
    person = _person_or_404(request, uid)
    consent = get_object_or_404(person.consents, pk=consent_id)
    if not consent.evidence:
        raise Http404
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="consent_evidence",
        object_id=str(person.uid),
        province_code=person.province_id,
        detail={"consent": consent.pk},
    )
    return FileResponse(
        consent.evidence.open("rb"),
        as_attachment=True,
        filename=(consent.evidence.name or "evidence").rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, uid: str, consent_id: int) -> HttpResponse:
    user = signed_in_user(request)
    person = _person_or_404(request, uid)
    consent = get_object_or_404(person.consents, pk=consent_id)
    try:
        consent_withdraw(user=user, consent=consent, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consent withdrawn. Sensitive data is now hidden."))
    return redirect(f"/people/{person.uid}/?tab=consent")


@login_required
@require_POST
def household_start(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    person = _person_or_404(request, uid)
    household = household_create(user=user, person=person, request=request)
    return redirect("people:household", uid=household.uid)


@login_required
def household_detail(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    household = policy.get_visible_or_404(
        Household.objects.select_related("province", "subdistrict"), user, request=request, uid=uid
    )
    if request.method == "POST":
        member = _person_or_404(request, request.POST.get("person", ""))
        try:
            household_add_member(
                user=user,
                household=household,
                person=member,
                relationship=request.POST.get("relationship", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Added to the household."))
        return redirect("people:household", uid=household.uid)
    members = household.members.filter(until__isnull=True).select_related("person")
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="household",
        object_id=str(household.uid),
        province_code=household.province_id,
    )
    q = request.GET.get("q", "").strip()
    candidates = []
    if q:
        candidates = person_search(user=user, province=household.province_id, q=q, limit=20).people
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            object_type="person",
            province_code=household.province_id,
            query=masked_query(q),
            detail={"page": "household", "results": len(candidates)},
        )
    return render(
        request,
        "people/household.html",
        {
            "household": household,
            "members": members,
            "relationships": c.Relationship.choices,
            "candidates": candidates,
        },
    )


@login_required
def check_field(request: HttpRequest) -> HttpResponse:
    """Inline validation while typing (htmx): one field, one message, nothing saved."""
    name = request.GET.get("field", "")
    value = request.GET.get(name, "").strip()
    message = ""
    ok = ""
    try:
        if name == "national_id" and value:
            digits = national_id_validate(value)
            ok = national_id_category(digits).label(request.LANGUAGE_CODE)
        elif name == "birth_date" and value:
            parsed = partial_date_parse(value, today=timezone.localdate())
            ok = parsed.format(request.LANGUAGE_CODE)
    except ValidationError as exc:
        message = " ".join(exc.messages)
    return render(request, "people/_check.html", {"message": message, "ok": ok})


@login_required
def subdistricts_options(request: HttpRequest) -> HttpResponse:
    code = next((v for k, v in request.GET.items() if k.endswith("district")), "")
    subdistricts = Subdistrict.objects.filter(district_id=code).order_by("name_th") if code else []
    return render(request, "people/_subdistrict_options.html", {"subdistricts": subdistricts})


@login_required
def districts_options(request: HttpRequest) -> HttpResponse:
    code = next((v for k, v in request.GET.items() if k.endswith("province")), "")
    districts = District.objects.filter(province_id=code).order_by("name_th") if code else []
    return render(request, "people/_district_options.html", {"districts": districts})
