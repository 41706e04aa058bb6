"""`backcare checkin`: the daily check-in at the terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.utils import timezone

from backcare.accounts.models import User
from backcare.checkins.models import LEG_ORDER
from backcare.checkins.services import CheckInError, CheckInInput, save_checkin

T = TypeVar("T")


def ask(prompt: str, parse: Callable[[str], T], given: object = None) -> T:
    """PARSE(GIVEN) when the option was given, else ask until the answer parses."""
    if given is not None:
        return parse(str(given))
    while True:
        answer = input(f"{prompt}: ").strip()
        try:
            return parse(answer)
        except ValueError as exc:
            print(f"  {exc}", file=sys.stderr)


def whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"type a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"type a whole number from {low} to {high}")
        return value

    return parse


def hours(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError("type hours like 7 or 6.5") from None
    if not Decimal(0) <= value <= Decimal(24) or value != value.quantize(Decimal("0.1")):
        raise ValueError("type hours from 0 to 24, like 7 or 6.5")
    return value


def leg(text: str) -> str:
    if text in LEG_ORDER:
        return text
    raise ValueError("answer one of: " + ", ".join(LEG_ORDER))


def run_checkin(user: User, day: date | None, args: argparse.Namespace) -> int:
    day = day or timezone.localdate()
    try:
        data = CheckInInput(
            pain_now=ask("Pain now (0-10)", whole(0, 10), args.pain),
            pain_worst=ask("Worst pain today (0-10)", whole(0, 10), args.worst),
            leg=ask("Leg symptoms reach (" + "/".join(LEG_ORDER) + ")", leg, args.leg),
            sleep_hours=ask("Hours of sleep last night", hours, args.sleep_hours),
            sleep_quality=ask(
                "Sleep quality (1 very poor - 5 very good)", whole(1, 5), args.sleep_quality
            ),
            stress=ask("Stress today (0-10)", whole(0, 10), args.stress),
            active_minutes=ask("Active minutes today", whole(0, 1440), args.active),
            note=args.note or "",
            new_symptoms=bool(args.new_symptoms),
        )
    except ValueError as exc:
        print(f"backcare: {exc}", file=sys.stderr)
        return 2
    except EOFError:
        print("backcare: the check-in was not finished; nothing was saved.", file=sys.stderr)
        return 2
    try:
        saved, created = save_checkin(user, day, data)
    except CheckInError as exc:
        print(f"backcare: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(f"Check-in {'saved' if created else 'changed'} for {day.isoformat()}.")
    if saved.new_symptoms:
        print(
            "New or spreading symptoms: please answer the safety questions again before your "
            "next routine (backcare break asks them). If they came on suddenly or are severe, "
            "call your emergency number."
        )
    return 0
