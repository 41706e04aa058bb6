from django.http import HttpRequest, HttpResponse
from django.urls import path

from backcare.urls import urlpatterns as app_patterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *app_patterns]
