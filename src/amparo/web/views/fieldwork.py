"""Webhook pages for administrators: register a partner's receiver (its secret shown once),
disable it, and the list of deliveries with their status. Nothing here shows a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.fieldwork.domain.webhooks import (
    administered_agencies,
    deliveries_visible_to,
    disable_webhook,
    get_webhook_for,
    register_webhook,
    webhooks_visible_to,
)
from amparo.fieldwork.interfaces.forms import WebhookForm

DELIVERIES_SHOWN = 200
# The session key of a webhook secret waiting to be shown once, on the page after registering.
_SECRET_TO_SHOW_KEY = "fieldwork.new_webhook_secret"  # noqa: S105 (a session key, not a secret)


def _agencies(request: AuthenticatedHttpRequest) -> list[int]:
    agencies = administered_agencies(request.user)
    if not agencies:
        raise Http404
    return agencies


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list and the registration form. A registration redirects (post/redirect/get): the
    new secret waits in the session for the next page, which shows it once and forgets it, so
    a refresh neither registers the webhook again nor shows the secret again."""
    agencies = Agency.objects.filter(pk__in=_agencies(request)).order_by("code")
    form = WebhookForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _webhook, secret = register_webhook(
                actor=request.user,
                agency=data["agency"],
                partner=data["partner"],
                url=data["url"],
                events=list(data["events"]),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[_SECRET_TO_SHOW_KEY] = secret
            return redirect("web:webhooks")
    context = {
        "form": form,
        "secret": request.session.pop(_SECRET_TO_SHOW_KEY, "") if request.method != "POST" else "",
        "webhooks": webhooks_visible_to(request.user),
    }
    return render(
        request, "web/fieldwork/webhooks.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def webhook_disable(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_webhook_for(request.user, webhook_id)
    disable_webhook(webhook, actor=request.user)
    messages.success(request, _("The webhook is disabled: nothing more will be sent to it."))
    return redirect("web:webhooks")


@login_required
def deliveries(request: AuthenticatedHttpRequest) -> HttpResponse:
    _agencies(request)
    rows = deliveries_visible_to(request.user)[:DELIVERIES_SHOWN]
    return render(request, "web/fieldwork/deliveries.html", {"deliveries": rows})
