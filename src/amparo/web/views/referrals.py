"""Directory search, referrals from a case, the receiving inbox, team views, slips and KPIs."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts.domain.users import roles_of
from amparo.accounts.enums import Role
from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency, Country, User
from amparo.casework.errors import CaseworkError
from amparo.lib.conflicts import EditConflict
from amparo.people.domain.queries import get_case_for
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.actions import act_on_referral
from amparo.referrals.domain.matching import match_services, needs_of
from amparo.referrals.domain.minimum_data import fields_for
from amparo.referrals.domain.queries import (
    get_referral_for,
    inbox_for,
    is_overdue,
    is_sender,
    kpis_for_agency,
    services_matching,
    team_referrals_for,
)
from amparo.referrals.enums import ServedProfile, ServiceCategory, Urgency
from amparo.referrals.interfaces.charts import kpi_chart
from amparo.referrals.models import Service
from amparo.referrals.rules import is_receiver
from amparo.screening.domain.queries import confirmed_profiles
from amparo.web.slips import render_referral_slip


class DirectorySearchForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"), queryset=Country.objects.all(), required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Service"), choices=[("", "—"), *ServiceCategory.choices], required=False
    )
    profile = forms.ChoiceField(
        label=gettext_lazy("Profile served"),
        choices=[("", "—"), *ServedProfile.choices],
        required=False,
    )
    language = forms.CharField(
        label=gettext_lazy("Language (ISO code)"), required=False, max_length=3
    )


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    services: list[Service] = []
    if form.is_valid():
        data = form.cleaned_data
        country = data["country"].code if data["country"] else None
        services = list(
            services_matching(
                text=data["text"] or None,
                country=country,
                category=data["category"] or None,
                profile=data["profile"] or None,
                language=data["language"] or None,
            )[:100]
        )
    return render(request, "web/referrals/directory.html", {"form": form, "services": services})


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=gettext_lazy("Service"), queryset=Service.objects.none())
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of referral"), choices=ServiceCategory.choices
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    include_narrative = forms.BooleanField(
        label=gettext_lazy("Add a note for the receiving institution"), required=False
    )
    narrative = forms.CharField(
        label=gettext_lazy("Note (shared only if you tick the box above)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: object, country: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service"].queryset = services_matching(country=country).filter(  # type: ignore[attr-defined]
            organization__agency__isnull=False
        )


@login_required
def referral_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Choose a matching service and prepare a referral (a draft: nothing is shared yet)."""
    user = request.user
    case = get_case_for(user, case_id)
    profiles = confirmed_profiles(case)
    matches = match_services(case, needs_of(case, profiles))
    initial = {"service": request.GET.get("service")} if request.GET.get("service") else {}
    form = ReferralForm(request.POST or None, country=case.country_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service: Service = data["service"]
        agency = service.organization.agency
        if agency is None:
            raise Http404
        try:
            referral = flow.draft_referral(
                case,
                actor=user,
                receiving_agency=agency,
                kind=data["kind"],
                urgency=data["urgency"],
                service=service,
                narrative=data["narrative"] if data["include_narrative"] else "",
            )
        except ValidationError as error:
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            return redirect("web:referral_detail", referral_id=referral.pk)
    context = {"case": case, "form": form, "matches": matches, "profiles": profiles}
    return render(request, "web/referrals/new.html", context)


@login_required
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, referral_id)
    receiver = is_receiver(user, referral)
    record_event(
        AuditAction.REFERRAL_VIEWED,
        actor=user,
        subject=referral,
        payload={"as": "receiver" if receiver else "sender"},
    )
    context = {
        "referral": referral,
        "receiver": receiver,
        "sender": is_sender(user, referral),
        "supervisor": Role.SUPERVISOR in roles_of(user),
        "data_visible": flow.shared_data_visible(referral)
        or (not receiver and referral.shared_data is not None),
        "fields": fields_for(referral.kind),
        "overdue": is_overdue(referral),
        "basis": flow.basis_for_referral(referral.case, referral.receiving_agency)
        if referral.status == "draft"
        else referral.basis,
    }
    return render(request, "web/referrals/detail.html", context)


@login_required
@require_POST
def referral_action(
    request: AuthenticatedHttpRequest, referral_id: int, action: str
) -> HttpResponse:
    """Every button of the referral page: one domain function per action, chosen by side."""
    user = request.user
    referral = get_referral_for(user, referral_id)
    reason, outcome = request.POST.get("reason", ""), request.POST.get("outcome", "")
    try:
        act_on_referral(user, referral, action, reason=reason, outcome=outcome)
        messages.success(
            request,
            _("Done: the referral is now %(status)s.") % {"status": referral.get_status_display()},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (CaseworkError, EditConflict) as error:
        messages.error(request, str(error))
    return redirect("web:referral_detail", referral_id=referral.pk)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not roles_of(user) & {Role.RECEIVING_OFFICER, Role.SUPERVISOR}:
        raise Http404
    referrals = list(inbox_for(user)[:100])
    rows = [{"referral": r, "overdue": is_overdue(r)} for r in referrals]
    return render(request, "web/referrals/inbox.html", {"rows": rows})


@login_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if Role.SUPERVISOR not in roles_of(user):
        raise Http404
    referrals = list(team_referrals_for(user)[:100])
    rows = [{"referral": r, "overdue": is_overdue(r)} for r in referrals]
    return render(request, "web/referrals/team.html", {"rows": rows})


@login_required
def slip(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, referral_id)
    if referral.status == "draft" or not (
        flow.shared_data_visible(referral) or is_sender(user, referral)
    ):
        raise Http404
    try:
        flow.check_data_may_leave(referral, actor=user, step="slip")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("web:referral_detail", referral_id=referral.pk)
    response = HttpResponse(render_referral_slip(user, referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{referral.reference}.pdf"'
    return response


def _kpi_agencies(user: User) -> list[Agency]:
    ids = {
        m.agency_id
        for m in user.memberships.all()
        if m.active and m.role in {Role.SUPERVISOR, Role.RECEIVING_OFFICER}
    }
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


@login_required
def kpis(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    agencies = _kpi_agencies(user)
    if not agencies:
        raise Http404
    rows = [kpis_for_agency(a.pk, str(a)) for a in agencies]
    return render(request, "web/referrals/kpis.html", {"rows": rows, "chart": kpi_chart(rows)})
