from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.defaults import page_not_found

from backcare.accounts import views as accounts
from backcare.api.views import api
from backcare.checkins import views as checkins
from backcare.front import views as front
from backcare.library import views as library
from backcare.plans import views as plans
from backcare.practice import views as practice
from backcare.reminders import views as reminders
from backcare.safety import views as safety
from backcare.teams import views as teams

urlpatterns: list[URLPattern | URLResolver] = [
    path("", front.home, name="home"),
    path("healthz", front.healthz, name="healthz"),
    path("sw.js", front.service_worker, name="service-worker"),
    path("safety/", safety.screen, name="safety-screen"),
    path("safety/result/", safety.result, name="safety-result"),
    path("safety/clinician-seen/", safety.clinician_seen, name="safety-clinician-seen"),
    path("break/<slug:slug>/", practice.player, name="player"),
    path("assessment/", plans.assessment, name="assessment"),
    path("assessment/<int:step>/", plans.assessment, name="assessment-step"),
    path("plan/", plans.plan, name="plan"),
    path("settings/schedule/", reminders.schedule_settings, name="schedule-settings"),
    path("breaks/", reminders.break_history, name="break-history"),
    path("checkin/", checkins.checkin, name="checkin"),
    path("checkin/<str:day>/", checkins.checkin, name="checkin-day"),
    path("progress/", checkins.progress, name="progress"),
    path("progress/report.pdf", checkins.report, name="report"),
    path("settings/data/", checkins.your_data, name="your-data"),
    path("team/", teams.team_home, name="team"),
    path("invite/<str:token>/", teams.invite, name="invite"),
    path("team-break/<int:team_break_id>/<int:epoch>/", teams.team_break, name="team-break"),
    path("org/dashboard/", teams.dashboard, name="org-dashboard"),
    path("settings/data/export.zip", checkins.export_download, name="export-download"),
    path("calendar/<str:token>.ics", reminders.feed, name="calendar-feed"),
    path("library/", library.exercise_list, name="library"),
    path("library/exercises/<slug:slug>/", library.exercise_detail, name="exercise"),
    path("library/routines/", library.routine_list, name="routines"),
    path("library/routines/<slug:slug>/", library.routine_detail, name="routine"),
    path("library/lessons/", library.lesson_list, name="lessons"),
    path("library/lessons/<slug:slug>/", library.lesson_detail, name="lesson"),
    path("library/figures/", library.figure_gallery, name="figures"),
    path("library/figures/<slug:key>.svg", library.figure_svg, name="figure-svg"),
    path("sessions/", practice.session_list, name="sessions"),
    path("sessions/<int:pk>/", practice.session_detail, name="session-detail"),
    path("login/token/<str:token>/", accounts.token_login, name="token-login"),
    path("locked/", accounts.locked, name="locked"),
    path("logout/", accounts.sign_out, name="sign-out"),
    path("language/", accounts.set_language, name="set-language"),
    path("settings/api-tokens/", accounts.api_tokens, name="api-tokens"),
    path(
        "settings/api-tokens/<int:pk>/revoke/",
        accounts.revoke_api_token,
        name="api-token-revoke",
    ),
    path("api/v1/", api.urls),
    # In local mode sign-ups are closed (see accounts.adapter), so these pages
    # only serve installs with several users.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/ (as the API promises), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
