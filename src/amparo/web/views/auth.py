"""Sign-in, two-factor authentication, sign-out and the language switch."""

import base64
import datetime as dt
import math
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from amparo.accounts.domain.throttle import sign_in_wait
from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.interfaces.forms import TokenForm
from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.protection.domain.two_factor import (
    confirm_device,
    has_confirmed_device,
    redeem_enrolment_code,
)
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuthenticatorDevice


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        wait = sign_in_wait(request.POST.get("username", ""), get_client_ip_address(request))
        if wait is not None:
            return _wait_response(request, wait)
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: User = form.get_user()
        login(request, user)
        record_event(AuditAction.USER_LOGGED_IN, actor=user)
        response = redirect(_safe_next(request))
        return _with_language_cookie(response, user.language)
    return render(request, "web/login.html", {"form": form, "next": _safe_next(request)})


def _wait_response(request: HttpRequest, wait: dt.timedelta) -> HttpResponse:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    context = {"minutes": minutes, "next": _safe_next(request)}
    response = render(request, "web/locked_out.html", context, status=429)
    response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("web:login")
    # The device forgets what this session left in its storage: screening drafts, above all
    # (already unreadable, their key went with the session).
    response["Clear-Site-Data"] = '"storage"'
    return response


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_ENROL_SESSION_KEY = "amparo_enrol_device"


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code from your administrator"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator: first the one-time code from an administrator, then the secret
    (shown only in this session) and a code from the app to confirm it."""
    user = request.user
    if has_confirmed_device(user):
        return redirect("web:2fa_verify")
    device = AuthenticatorDevice.objects.filter(
        pk=request.session.get(_ENROL_SESSION_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        return _enrolment_code_step(request, user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_device(device, form.cleaned_data["token"], actor=user):
            del request.session[_ENROL_SESSION_KEY]
            otp_login(request, device)
            return redirect("web:home")
        form.add_error("token", _wrong_code())
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret}
    return render(request, "web/2fa_setup.html", context)


def _enrolment_code_step(request: AuthenticatedHttpRequest, user: User) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = redeem_enrolment_code(user, form.cleaned_data["code"])
        if device is not None:
            request.session[_ENROL_SESSION_KEY] = device.pk
            return redirect("web:2fa_setup")
        form.add_error(
            "code",
            gettext(
                "That enrolment code is not valid: it may be mistyped, used already or "
                "expired. Ask your administrator for a new one."
            ),
        )
    return render(request, "web/2fa_enrol_code.html", {"form": form})


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("web:2fa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request, "/"))
        form.add_error("token", _wrong_code())
    return render(request, "web/2fa_verify.html", {"form": form})


def _wrong_code() -> str:
    return gettext("That code is not valid. Check the time on your phone and try the newest code.")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponseRedirect | HttpResponse:
    """Set the interface language; a signed-in user keeps it as their preference."""
    language = request.POST.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    response = redirect(_safe_next(request))
    if language not in codes or not check_for_language(language):
        return response
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    return _with_language_cookie(response, language)
