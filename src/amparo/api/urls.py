from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import django_auth

from amparo.api.cases import router as cases_router
from amparo.api.casework import router as casework_router
from amparo.api.dedup import router as dedup_router
from amparo.api.federation import router as federation_router
from amparo.api.fieldwork import router as fieldwork_router
from amparo.api.referrals import router as referrals_router
from amparo.api.schemas import ErrorOut
from amparo.api.screening import router as screening_router
from amparo.api.stats import router as stats_router
from amparo.api.training import router as training_router
from amparo.casework.errors import CaseworkError
from amparo.lib.conflicts import EditConflict


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive docs and the schema are for staff only: 401 before signing in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": "Authentication required"}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


_ERROR_RESPONSES = {
    401: "Not signed in, or two-factor verification still needed.",
    404: "Not found, outside your country, agency or assignment, or not for your role "
    "(the same answer).",
    422: "Invalid input: `errors` names each wrong field and where it is.",
}


class AmparoAPI(NinjaAPI):
    """Every operation documents the error answers it can give, all in the ErrorOut shape."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("ErrorOut", error)
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in _ERROR_RESPONSES.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": reference}
        return schema


api = AmparoAPI(
    title="Amparo API",
    version="1",
    description="Protection case management. Every endpoint is scoped like the web pages: "
    "anything outside the caller's country, agency or assignment answers 404.",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=signed_in_only,
)
api.add_router("/", cases_router)
api.add_router("/", casework_router)
api.add_router("/", referrals_router)
api.add_router("/", federation_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A domain refusal: 422 naming every wrong field; nothing was saved."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    errors = [
        {"field": field, "message": message}
        for field, messages in by_field.items()
        for message in messages
    ]
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


def _where(location: Any) -> str:
    """`given_names` for a body field (as the domain names it), `query.offset` elsewhere."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        parts = parts[2:] or parts[:1]  # drop "body" and the name of the view's argument
    return ".".join(parts)


@api.exception_handler(RequestValidationError)
def request_invalid(request: HttpRequest, error: RequestValidationError) -> HttpResponse:
    """A request that does not match the schema: 422 in the same shape as a domain refusal."""
    errors = [
        {"field": _where(e.get("loc", ())), "message": e.get("msg", "")} for e in error.errors
    ]
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(CaseworkError)
def casework_error(request: HttpRequest, error: CaseworkError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=409)


@api.exception_handler(EditConflict)
def edit_conflict(request: HttpRequest, error: EditConflict) -> HttpResponse:
    body = {
        "detail": "the case changed since you read it",
        "current_version": error.current_version,
    }
    return api.create_response(request, body, status=409)


api.add_router("/screenings", screening_router)
api.add_router("/training", training_router)
api.add_router("/fieldwork", fieldwork_router)
api.add_router("/stats", stats_router)
api.add_router("/", dedup_router)
