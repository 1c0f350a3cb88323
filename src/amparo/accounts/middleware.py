"""Two-factor gate: a signed-in user whose role sees personal data must pass TOTP first."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django_otp import devices_for_user

from amparo.accounts.backends import load_memberships, memberships_remembered
from amparo.accounts.domain.users import requires_two_factor

# Paths a half-signed-in user may reach: the 2FA pages themselves and what they need.
_OPEN_PREFIXES = (
    "/static/",
    "/health",
    "/login/",
    "/logout/",
    "/2fa/",
    "/language/",
    "/training/verify/",
)


class MembershipsMiddleware:
    """Load the signed-in user's memberships (with their agencies) once per request: the
    access rules, the navigation and the role checks all read them. One query: the agencies
    are joined, not prefetched apart. A session signed in through `StaffBackend` has them
    already, read with the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not memberships_remembered(request.user):
            load_memberships(request.user)
        return self.get_response(request)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and requires_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required"}, status=401)
            has_device = any(devices_for_user(user, confirmed=True))
            return redirect("web:2fa_verify" if has_device else "web:2fa_setup")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user sees, and no API answer, is kept in a browser or proxy cache:
    front-line teams share devices, and the back button must not bring a case back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/api/"):
            add_never_cache_headers(response)  # includes no-store and private
        return response
