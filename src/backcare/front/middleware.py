from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a clear 503 instead of a server error.

    Django opens a fresh connection on the next request, so the app recovers by
    itself once the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable: %s", exception)
        if request.path.startswith("/api/") or request.path.startswith("/healthz"):
            return JsonResponse(
                {"status": "unavailable", "detail": "The database cannot be reached."},
                status=503,
                headers={"Retry-After": "5"},
            )
        body = render_to_string("front/unavailable.html")
        return HttpResponse(body, status=503, headers={"Retry-After": "5"})
