"""The one-to-two-page PDF report for a clinician, drawn with fpdf2.

The pain chart is the same SVG as on the progress page. The built-in PDF
fonts cover Latin-1 (English and Danish letters); other characters in a
person's own notes are shown as "?".
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from backcare.accounts.models import User
from backcare.checkins.models import CheckIn, LegReach
from backcare.checkins.progress import progress_for
from backcare.core.plan import Level
from backcare.plans.labels import PHASES
from backcare.plans.models import PlanChange, PlanState
from backcare.practice.models import PracticeSession
from backcare.safety.labels import reason_message
from backcare.safety.models import SafetyScreen

TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2265": ">=",
        "\u2264": "<=",
    }
)
TABLE_DAYS = 14
NOTES_MAX = 6


def latin1(text: object) -> str:
    return str(text).translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


class Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(14, 12, 14)
        self.set_title(latin1(title))
        self.set_creator("backcare")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(
            0,
            4,
            latin1(
                _("backcare report, page %(page)s. Self-reported data; not a diagnosis.")
                % {"page": self.page_no()}
            ),
            align="C",
        )

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font("Helvetica", "B", 10.5)
        self.set_text_color(20)
        self.cell(0, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=8.5)

    def line_text(self, text: str) -> None:
        self.set_font("Helvetica", size=8.5)
        self.multi_cell(0, 4, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_font("Helvetica", "B", 7.5)
        for text, width in zip(header, widths, strict=True):
            self.cell(width, 4.5, latin1(text), border="B")
        self.ln()
        self.set_font("Helvetica", size=7.5)
        for row in rows:
            for text, width in zip(row, widths, strict=True):
                self.cell(width, 4, latin1(text))
            self.ln()


def build_report(user: User, weeks: int = 4) -> bytes:
    """The report's PDF bytes for the last WEEKS weeks, in the person's language."""
    with translation.override(user.language or "en"):
        return _build(user, max(1, min(weeks, 26)))


def _build(user: User, weeks: int) -> bytes:
    view = progress_for(user, weeks)
    found = view.progress
    start, end = view.start, view.end
    pdf = Report(_("Back-care report"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 7, latin1(_("Back-care report")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8.5)
    pdf.line_text(
        _("%(name)s. Period: %(start)s to %(end)s (%(weeks)s weeks). Made %(made)s with backcare.")
        % {
            "name": user.get_full_name() or user.email,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "weeks": weeks,
            "made": timezone.localdate().isoformat(),
        }
    )

    # ---- summary
    pains = [p.pain for p in found.pain if p.pain is not None]
    checkins = CheckIn.objects.filter(user=user, day__range=(start, end)).order_by("day")
    sessions = PracticeSession.objects.filter(
        user=user, started_at__date__range=(start, end)
    ).select_related("routine")
    done = [s for s in sessions if s.completed]
    taken = sum(b.taken for b in found.breaks)
    planned = sum(b.planned for b in found.breaks)
    active = [w.minutes for w in found.active]
    pdf.heading(_("Summary"))
    first_week = [p.pain for p in found.pain[:7] if p.pain is not None]
    last_week = [p.pain for p in found.pain[-7:] if p.pain is not None]
    lines = [
        _("Check-ins: %(n)s of %(days)s days.") % {"n": len(pains), "days": (end - start).days + 1},
    ]
    if first_week and last_week:
        lines.append(
            _("Mean pain now (0-10): %(first).1f in the first week, %(last).1f in the last week.")
            % {
                "first": sum(first_week) / len(first_week),
                "last": sum(last_week) / len(last_week),
            }
        )
    lines.append(
        _("Active minutes per week (self-reported): %(weeks)s.")
        % {"weeks": ", ".join(str(m) for m in active) or "-"}
    )
    lines.append(
        _(
            "Routines completed: %(done)s of %(started)s started. "
            "Breaks taken: %(taken)s of %(planned)s reminders (%(share)s)."
        )
        % {
            "done": len(done),
            "started": len(sessions),
            "taken": taken,
            "planned": planned,
            "share": f"{round(100 * taken / planned)}%" if planned else "-",
        }
    )
    if found.sleep:
        lines.append(
            _(
                "Pain averaged %(good)s on %(gd)s days after 7+ hours of sleep and %(short)s "
                "on %(sd)s days after less (association only)."
            )
            % {
                "good": found.sleep.good_mean,
                "gd": found.sleep.good_days,
                "short": found.sleep.short_mean,
                "sd": found.sleep.short_days,
            }
        )
    for line in lines:
        pdf.line_text(line)

    # ---- pain chart: the same SVG as the progress page
    pdf.heading(_("Pain"))
    # fpdf2 draws the chart but not its <title>, which the heading above replaces.
    chart = re.sub(r"<title>.*?</title>", "", view.pain_svg)
    pdf.image(io.BytesIO(chart.encode()), w=150)

    # ---- red-flag screen history
    pdf.heading(_("Red-flag screens"))
    screens = SafetyScreen.objects.filter(user=user).order_by("-created_at")[:6]
    if screens:
        for screen in screens:
            reasons = "; ".join(reason_message(code) for code in screen.reasons) or _(
                "no red flag reported"
            )
            pdf.line_text(f"{screen.created_at:%Y-%m-%d}: {screen.tier} - {reasons}")
    else:
        pdf.line_text(_("No screen answered."))

    # ---- plan phases
    pdf.heading(_("Plan"))
    state = PlanState.objects.filter(user=user).first()
    if state is None:
        pdf.line_text(_("No plan yet."))
    else:
        pdf.line_text(
            _("Started %(day)s; now: %(phase)s.%(see)s")
            % {
                "day": state.started_on.isoformat(),
                "phase": PHASES[Level(state.level).phase.value],
                "see": " " + _("The plan has advised seeing a clinician.")
                if state.see_clinician
                else "",
            }
        )
        for change in PlanChange.objects.filter(user=user).order_by("created_at")[:8]:
            pdf.line_text(
                f"{change.created_at:%Y-%m-%d}: {PHASES[Level(change.from_level).phase.value]}"
                f" -> {PHASES[Level(change.to_level).phase.value]}"
            )

    # ---- routines done
    pdf.heading(_("Routines done"))
    counted = Counter(s.routine.slug for s in done)
    feelings = Counter(s.feeling for s in done if s.feeling)
    pdf.line_text(
        ", ".join(f"{slug} x{n}" for slug, n in counted.most_common(8)) or _("None in this period.")
    )
    if feelings:
        pdf.line_text(
            _("Afterwards: better %(b)s, about the same %(s)s, worse %(w)s.")
            % {"b": feelings["better"], "s": feelings["same"], "w": feelings["worse"]}
        )

    # ---- check-in table
    pdf.heading(_("Check-ins, last %(n)s days") % {"n": TABLE_DAYS})
    recent = [c for c in checkins if c.day > end - timedelta(days=TABLE_DAYS)]
    legs = dict(LegReach.choices)
    pdf.grid(
        [_("Day"), _("Pain now"), _("Worst"), _("Leg"), _("Sleep h"), _("Stress"), _("Active min")],
        [
            [
                c.day.isoformat(),
                str(c.pain_now),
                str(c.pain_worst),
                str(legs.get(c.leg, c.leg)),
                f"{c.sleep_hours:g}",
                str(c.stress),
                str(c.active_minutes),
            ]
            for c in recent
        ],
        [24, 18, 14, 42, 18, 16, 20],
    )

    # ---- notes
    notes = [c for c in checkins if c.note][-NOTES_MAX:]
    if notes:
        pdf.heading(_("Notes"))
        for c in notes:
            pdf.line_text(f"{c.day.isoformat()}: {c.note[:300]}")
    return bytes(pdf.output())
