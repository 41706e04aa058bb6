"""Words shown for the content format's codes, through gettext."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from backcare.core.content import BodyArea, Condition, Equipment, Kind, Phase, Position

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

POSITIONS: dict[Position, StrPromise] = {
    Position.STANDING: _("Standing"),
    Position.SITTING: _("Sitting"),
    Position.LYING: _("Lying down"),
    Position.KNEELING: _("Kneeling"),
    Position.WALKING: _("Walking"),
}
EQUIPMENT: dict[Equipment, StrPromise] = {
    Equipment.NONE: _("No equipment"),
    Equipment.CHAIR: _("Chair"),
    Equipment.MAT: _("Mat"),
    Equipment.STRAP_OR_TOWEL: _("Strap or towel"),
    Equipment.FOAM_ROLLER: _("Foam roller"),
    Equipment.MASSAGE_BALL: _("Massage ball"),
    Equipment.WALL: _("Wall"),
    Equipment.STAIRS: _("Stairs"),
}
KINDS: dict[Kind, StrPromise] = {
    Kind.BREATHING: _("Breathing"),
    Kind.MOBILITY: _("Mobility"),
    Kind.STRETCH: _("Stretch"),
    Kind.STRENGTH: _("Strength"),
    Kind.RELAXATION: _("Relaxation"),
    Kind.SELF_MASSAGE: _("Self-massage"),
    Kind.AEROBIC: _("Aerobic"),
}
BODY_AREAS: dict[BodyArea, StrPromise] = {
    BodyArea.LOWER_BACK: _("Lower back"),
    BodyArea.UPPER_BACK: _("Upper back"),
    BodyArea.NECK: _("Neck"),
    BodyArea.SHOULDERS: _("Shoulders"),
    BodyArea.CHEST: _("Chest"),
    BodyArea.CORE: _("Core"),
    BodyArea.HIPS: _("Hips"),
    BodyArea.GLUTES: _("Buttocks"),
    BodyArea.HAMSTRINGS: _("Back of the thighs"),
    BodyArea.QUADRICEPS: _("Front of the thighs"),
    BodyArea.CALVES: _("Calves"),
    BodyArea.WHOLE_BODY: _("Whole body"),
}
PHASES: dict[Phase, StrPromise] = {
    Phase.FLARE_UP: _("Flare-up"),
    Phase.RECOVERING: _("Recovering"),
    Phase.BUILDING: _("Building up"),
    Phase.MAINTAINING: _("Keeping it up"),
}
CONDITIONS: dict[Condition, StrPromise] = {
    Condition.ACUTE_FLARE: _("a bad flare-up right now"),
    Condition.LEG_SYMPTOMS_BELOW_KNEE: _("pain, numbness or tingling below the knee"),
    Condition.OSTEOPOROSIS: _("osteoporosis"),
    Condition.PREGNANCY: _("pregnancy"),
    Condition.RECENT_SURGERY: _("recent back or hip surgery"),
    Condition.BALANCE_PROBLEMS: _("problems with balance"),
    Condition.KNEE_PROBLEMS: _("sore knees"),
    Condition.WRIST_PROBLEMS: _("sore wrists or hands"),
    Condition.SHOULDER_PROBLEMS: _("sore shoulders"),
    Condition.FLEXION_INTOLERANT: _("pain that gets worse when you bend forward"),
    Condition.EXTENSION_INTOLERANT: _("pain that gets worse when you arch backwards"),
    Condition.DIZZINESS: _("dizziness"),
    Condition.HIGH_BLOOD_PRESSURE: _("high blood pressure"),
}
