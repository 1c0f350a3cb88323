from django.http import HttpRequest, HttpResponse


def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: 200 and nothing else, without authentication."""
    return HttpResponse("ok", content_type="text/plain")
