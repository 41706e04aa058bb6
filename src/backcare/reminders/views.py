from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from backcare.accounts.models import current_user
from backcare.core.calendar import CalendarError
from backcare.reminders.delivery import mark_sync_due
from backcare.reminders.forms import CalendarUploadForm, CalendarUrlForm, SettingsForm
from backcare.reminders.models import ScheduleSettings, new_feed_token
from backcare.reminders.services import (
    cached_feed,
    day_schedule,
    import_calendar,
    refresh_subscription,
    settings_for,
)


def schedule_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    s = settings_for(user)
    form = SettingsForm(instance=s)
    upload = CalendarUploadForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            form = SettingsForm(request.POST, instance=s)
            if form.is_valid():
                form.save()
                mark_sync_due(user)
                messages.success(request, _("Schedule saved."))
                return redirect("schedule-settings")
            status = 400
        elif action == "upload":
            upload = CalendarUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    count = import_calendar(s, upload.cleaned_data["file"].read())
                except CalendarError as exc:
                    upload.add_error(
                        "file", _("This calendar was not saved: %(reason)s") % {"reason": exc}
                    )
                    status = 400
                else:
                    messages.success(
                        request,
                        _("Calendar saved: %(n)s busy times in the next two weeks.") % {"n": count},
                    )
                    return redirect("schedule-settings")
            else:
                status = 400
        elif action == "subscribe":
            url_form = CalendarUrlForm(request.POST)
            if url_form.is_valid():
                s.calendar_url = url_form.cleaned_data["url"]
                s.save(update_fields=["calendar_url"])
                if refresh_subscription(s):
                    messages.success(request, _("Calendar subscription saved and read."))
                else:
                    messages.error(
                        request,
                        _("Saved, but the calendar could not be read: %(why)s")
                        % {"why": s.calendar_error},
                    )
                return redirect("schedule-settings")
            status = 400
        elif action == "meeting":
            try:
                minutes = int(request.POST.get("minutes", "60"))
            except ValueError:
                minutes = 60
            s.in_meeting_until = timezone.now() + timedelta(minutes=max(5, min(minutes, 480)))
            s.save(update_fields=["in_meeting_until"])
            mark_sync_due(user)
            return redirect("schedule-settings")
        elif action == "meeting-over":
            s.in_meeting_until = None
            s.save(update_fields=["in_meeting_until"])
            mark_sync_due(user)
            return redirect("schedule-settings")
        elif action == "clear-calendar":
            s.calendar_ics, s.calendar_name, s.calendar_url = "", "", ""
            s.save(update_fields=["calendar_ics", "calendar_name", "calendar_url"])
            mark_sync_due(user)
            return redirect("schedule-settings")
        elif action == "new-feed":
            s.feed_token = new_feed_token()
            s.save(update_fields=["feed_token"])
            messages.success(
                request, _("A new calendar address was made; the old one no longer works.")
            )
            return redirect("schedule-settings")
    today = timezone.localdate()
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "upload": upload,
            "url_form": CalendarUrlForm(initial={"url": s.calendar_url}),
            "settings": s,
            "today": day_schedule(user, today),
            "in_meeting": s.in_meeting_until is not None and s.in_meeting_until > timezone.now(),
            "feed_url": request.build_absolute_uri(f"/calendar/{s.feed_token}.ics"),
        },
        status=status,
    )


@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    s = ScheduleSettings.objects.select_related("user").filter(feed_token=token).first()
    if s is None:
        raise Http404("no such calendar")
    body = cached_feed(s, timezone.localdate())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def reminder_strings() -> dict[str, str]:
    """The words the reminder line in every page's header shows."""
    return {
        "next": _("Next break at %(time)s (in %(wait)s)."),
        "soon": _("A movement break starts in %(wait)s."),
        "now": _("%(title)s now."),
        "none": _("No more breaks planned today."),
        "seconds": _("%(n)s s"),
        "minutes": _("%(n)s min"),
        "hours": _("%(h)s h %(m)s min"),
        "start": _("Start now"),
        "early": _("Take it now"),
        "snooze": _("Snooze %(n)s min"),
        "skip": _("Skip"),
        "enable": _("Turn on break notifications"),
        "offline": _("Cannot reach backcare right now; reminders resume when it answers."),
        "failed": _("That did not work; please try again."),
    }


def break_history(request: HttpRequest) -> HttpResponse:
    """Breaks taken, snoozed, skipped and missed per day and week, and the streak."""
    from backcare.reminders.delivery import history, upcoming

    user = current_user(request)
    found, today = history(user, days=56)
    days = sorted(found.days.items(), reverse=True)[:14]
    weeks = sorted(found.weeks.items(), reverse=True)[:8]
    return render(
        request,
        "reminders/history.html",
        {
            "history": found,
            "today": today,
            "today_counts": found.days.get(today),
            "days": days,
            "weeks": weeks,
            "upcoming": upcoming(user)[:5],
            "skip_limit": settings_for(user).skip_limit,
        },
    )
