"""Cross-border referral pages: drafting from a case, the focal point's approvals, the
cross-border inbox of received referrals, and this node's card and peers.

Every page goes through the federation gates (404 outside scope); every read of personal data
is audited by the domain query that returns it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.federation.domain import crossborder, received
from amparo.federation.domain.identity import NodeNotInitialised, public_card
from amparo.federation.domain.queries import (
    approvals_waiting_for,
    cross_border_recipients,
    cross_border_referrals_of,
    get_cross_border_referral_for,
    get_received_referral_for,
    node_country,
    peers_with_outbox,
    read_received_data,
    read_sent_data,
    received_visible_to,
    routing_choices,
)
from amparo.federation.domain.queries import refused_envelopes as refused_envelopes_query
from amparo.federation.enums import CrossBorderKind, InboundStatus, RefusalCode
from amparo.federation.rules import is_focal_point, may_manage_node, works_at
from amparo.people.domain.queries import get_case_for
from amparo.referrals.enums import Urgency


class CrossBorderForm(forms.Form):
    recipient_agency = forms.ModelChoiceField(
        label=gettext_lazy("Institution in the other country"), queryset=Agency.objects.none()
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type of cross-border referral"), choices=CrossBorderKind.choices
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    narrative = forms.CharField(
        label=gettext_lazy("Note for the other country (shared; leave empty if not needed)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["recipient_agency"]
        field.queryset = cross_border_recipients().select_related("country")  # type: ignore[attr-defined]


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, errs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errs)


@login_required
def case_cross_border(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A case's cross-border referrals with each step, and the form to draft a new one."""
    case = get_case_for(request.user, case_id)
    form = CrossBorderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = crossborder.draft_cross_border_referral(
                case,
                actor=request.user,
                recipient_agency=data["recipient_agency"],
                kind=data["kind"],
                urgency=data["urgency"],
                narrative=data["narrative"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Draft saved: the national focal point must approve it."))
            return redirect("web:cross_border_detail", cross_border_id=referral.pk)
    referrals = cross_border_referrals_of(case).prefetch_related("steps")
    context = {"case": case, "form": form, "referrals": referrals}
    return render(request, "web/federation/case.html", context)


@login_required
def cross_border_detail(request: AuthenticatedHttpRequest, cross_border_id: int) -> HttpResponse:
    user = request.user
    referral = get_cross_border_referral_for(user, cross_border_id)
    country = node_country()
    context = {
        "referral": referral,
        "shared": read_sent_data(referral, actor=user),
        "steps": referral.steps.all(),
        "may_approve": country is not None and is_focal_point(user, country),
    }
    return render(request, "web/federation/detail.html", context)


@login_required
@require_POST
def cross_border_approve(request: AuthenticatedHttpRequest, cross_border_id: int) -> HttpResponse:
    referral = get_cross_border_referral_for(request.user, cross_border_id)
    version = request.POST.get("version", "")
    try:
        crossborder.approve_cross_border_referral(
            referral,
            actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
        messages.success(request, _("Approved: the envelope is in the outbox."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("web:cross_border_detail", cross_border_id=referral.pk)


@login_required
def cross_border_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Drafts waiting for the focal point, and referrals received from other countries."""
    user = request.user
    country = node_country()
    focal = country is not None and is_focal_point(user, country)
    rows = list(received_visible_to(user)[:100])
    if (
        not focal
        and not rows
        and not any(works_at(user, m.agency_id) for m in user.memberships.all())
    ):
        raise Http404
    context = {
        "focal": focal,
        "approvals": list(approvals_waiting_for(user)[:100]),
        "received": rows,
    }
    return render(request, "web/federation/inbox.html", context)


class RouteForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Institution of this country"), queryset=Agency.objects.none()
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = routing_choices()  # type: ignore[attr-defined]


@login_required
def received_detail(request: AuthenticatedHttpRequest, received_id: int) -> HttpResponse:
    user = request.user
    row = get_received_referral_for(user, received_id)
    country = node_country()
    context = {
        "row": row,
        "shared": read_received_data(row, actor=user),
        "may_route": country is not None
        and is_focal_point(user, country)
        and row.status in {InboundStatus.RECEIVED, InboundStatus.ROUTED},
        "may_decide": works_at(user, row.routed_to_id),
        "route_form": RouteForm(initial={"agency": row.routed_to_id or row.addressed_to_id}),
    }
    return render(request, "web/federation/received.html", context)


@login_required
@require_POST
def received_action(
    request: AuthenticatedHttpRequest, received_id: int, action: str
) -> HttpResponse:
    """route, accept, decline, outcome: one domain function each."""
    user = request.user
    row = get_received_referral_for(user, received_id)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    try:
        if action == "route":
            form = RouteForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"agency": _("Choose an institution of this country.")})
            received.route_received_referral(
                row, actor=user, agency=form.cleaned_data["agency"], version=version
            )
        elif action in {"accept", "decline"}:
            received.decide_received_referral(
                row,
                actor=user,
                accept=action == "accept",
                reason=request.POST.get("reason", ""),
                version=version,
            )
        elif action == "outcome":
            received.report_received_outcome(
                row, actor=user, outcome=request.POST.get("outcome", ""), version=version
            )
        else:
            raise Http404
        messages.success(request, _("Done: the other country is told."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("web:received_detail", received_id=row.pk)


@login_required
def node(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This node's public card and fingerprint, its peers and what waits for each."""
    country = node_country()
    if country is None or not may_manage_node(request.user, country):
        raise Http404
    try:
        card = public_card()
    except NodeNotInitialised:
        raise Http404 from None
    return render(request, "web/federation/node.html", {"card": card, "peers": peers_with_outbox()})


def _reason(code: str) -> str:
    """The label of a refusal code; codes of the safety check or HTTP stay as they are."""
    return str(RefusalCode(code).label) if code in RefusalCode.values else ""


@login_required
def refused_envelopes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Refused envelopes, both directions, with status and reason code: for the focal point
    (and the node's administrators), who follows up with the other country."""
    user = request.user
    country = node_country()
    if country is None or not may_manage_node(user, country):
        raise Http404
    rows = [(row, _reason(row.code)) for row in refused_envelopes_query()]
    return render(request, "web/federation/refused.html", {"rows": rows})
