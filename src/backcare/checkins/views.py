from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backcare.accounts.models import current_user
from backcare.checkins.forms import CheckInForm
from backcare.checkins.models import CheckIn
from backcare.checkins.services import CheckInError, as_input, editable_days, save_checkin
from backcare.front.forms import focus_first_error
from backcare.safety.services import safety_status


def checkin(request: HttpRequest, day: str | None = None) -> HttpResponse:
    """Today's check-in, or one of the six days before; a second save changes it."""
    user = current_user(request)
    today = timezone.localdate()
    try:
        when = date.fromisoformat(day) if day else today
    except ValueError:
        raise Http404("not a date") from None
    days = editable_days(today)
    if when not in days:
        raise Http404("only the last 7 days can be filled in")
    existing = CheckIn.objects.filter(user=user, day=when).first()
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                saved, created = save_checkin(user, when, form.as_input())
            except CheckInError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Check-in saved for %(day)s.") % {"day": when.strftime("%d %b")}
                    if created
                    else _("Check-in for %(day)s changed.") % {"day": when.strftime("%d %b")},
                )
                if saved.new_symptoms and safety_status(user).kind == "symptoms":
                    return redirect("safety-screen")
                return redirect("progress")
        focus_first_error(form)
        status = 400
    else:
        initial = asdict(as_input(existing)) if existing else {}
        form = CheckInForm(initial=initial)
    filled = set(CheckIn.objects.filter(user=user, day__in=days).values_list("day", flat=True))
    return render(
        request,
        "checkins/checkin.html",
        {
            "form": form,
            "day": when,
            "today": today,
            "existing": existing,
            "days": [(d, d in filled) for d in days],
        },
        status=status,
    )


def progress(request: HttpRequest) -> HttpResponse:
    from django.utils.safestring import mark_safe

    from backcare.checkins.progress import milestone_text, progress_for

    user = current_user(request)
    try:
        weeks = max(1, min(int(request.GET.get("weeks", "4")), 26))
    except ValueError:
        weeks = 4
    view = progress_for(user, weeks)
    found = view.progress
    return render(
        request,
        "checkins/progress.html",
        {
            "view": view,
            "found": found,
            "weeks": weeks,
            # Built by core.charts from numbers only; every text in it is escaped.
            "pain_svg": mark_safe(view.pain_svg),  # noqa: S308  # nosec B308 B703
            "active_svg": mark_safe(view.active_svg),  # noqa: S308  # nosec B308 B703
            "breaks_svg": mark_safe(view.breaks_svg),  # noqa: S308  # nosec B308 B703
            "break_rows": list(zip(found.breaks, found.feelings, strict=True)),
            "milestones": [(m.day, milestone_text(m.code, m.value)) for m in found.milestones],
            "checked_in_today": CheckIn.objects.filter(
                user=user, day=timezone.localdate()
            ).exists(),
        },
    )


def report(request: HttpRequest) -> HttpResponse:
    """The clinician report as a PDF download."""
    from backcare.checkins.report import build_report

    try:
        weeks = max(1, min(int(request.GET.get("weeks", "4")), 26))
    except ValueError:
        weeks = 4
    body = build_report(current_user(request), weeks)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"backcare-report-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def your_data(request: HttpRequest) -> HttpResponse:
    """Download everything, restore an export into an empty account, delete everything."""
    from django.contrib.auth import logout

    from backcare import dataport

    user = current_user(request)
    status = 200
    import_error = delete_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                import_error = _("Choose the export file (a .zip) to import.")
            elif upload.size and upload.size > 50 * 1024 * 1024:
                import_error = _("This file is larger than any backcare export.")
            else:
                try:
                    counts = dataport.import_zip(user, upload.read())
                except dataport.ImportError_ as exc:
                    import_error = _("Nothing was imported: %(why)s") % {"why": exc}
                else:
                    messages.success(
                        request,
                        _("Imported %(n)s records.") % {"n": sum(counts.values())},
                    )
                    return redirect("your-data")
            status = 400
        elif action == "delete":
            if request.POST.get("confirm", "").strip().lower() != user.email.lower():
                delete_error = _("Type your email address exactly to confirm.")
                status = 400
            else:
                dataport.delete_everything(user)
                logout(request)
                return render(request, "checkins/deleted.html")
    return render(
        request,
        "checkins/data.html",
        {
            "import_error": import_error,
            "delete_error": delete_error,
            "has_records": dataport.has_health_records(user),
        },
        status=status,
    )


def export_download(request: HttpRequest) -> HttpResponse:
    from backcare import dataport

    response = HttpResponse(
        dataport.export_zip(current_user(request)), content_type="application/zip"
    )
    name = f"backcare-export-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
