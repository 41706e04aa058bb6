"""Animated exercise figures: a jointed stick figure posed by joint angles.

A figure file gives keyframes of joint angles; this module interpolates them,
places the joints (forward kinematics), stands the figure on the ground, and
writes an SVG that animates itself (SMIL: no script, so it works under the
app's Content-Security-Policy and inside an <img>). The right side of a sided
exercise is the same figure mirrored.

Angles are in degrees. Directions are measured clockwise from straight up, in
a picture where the figure, seen from the side, faces right. The joints:

- ``torso``: the trunk's direction from the pelvis (0 upright, 90 lying face
  down with the head to the right, -90 lying on the back with the head left).
- ``head``: the head against the trunk (positive nods forward).
- ``sh_l``/``sh_r``: upper arm against the trunk, 0 hanging, 90 reaching
  forward (side view) or out to the side (front view), 180 overhead.
- ``el_l``/``el_r``: elbow bend, 0 straight.
- ``hip_l``/``hip_r``: thigh against the trunk, 0 in line, 90 forward (side
  view) or out to the side (front view); negative reaches behind.
- ``kn_l``/``kn_r``: knee bend, 0 straight.
- ``an_l``/``an_r``: ankle, 0 foot at a right angle, positive points the toes.
- ``x``: where the pelvis stands across the picture; ``lift``: how far the
  lowest point hovers above the ground (lying on a roller, say).

The figure's left limbs are drawn nearer the viewer in the side view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcare.core.content import ContentError, Localized, parse, read_yaml

WIDTH, HEIGHT, GROUND = 240, 180, 166
FPS = 8

# Segment lengths in picture units.
TORSO, NECK, HEAD_R = 44.0, 7.0, 9.0
UPPER_ARM, FOREARM = 24.0, 22.0
THIGH, SHIN, FOOT = 31.0, 30.0, 10.0
SHOULDER_HALF, HIP_HALF = 11.0, 7.0

JOINTS = (
    "torso",
    "head",
    "sh_l",
    "sh_r",
    "el_l",
    "el_r",
    "hip_l",
    "hip_r",
    "kn_l",
    "kn_r",
    "an_l",
    "an_r",
    "x",
    "lift",
)

BASES: dict[str, dict[str, float]] = {
    "stand": {},
    "sit": {"hip_l": 90, "hip_r": 90, "kn_l": 90, "kn_r": 90},
    "lie-back": {"torso": -90, "x": 150},
    "lie-back-knees-bent": {
        "torso": -90,
        "x": 140,
        "hip_l": 50,
        "hip_r": 50,
        "kn_l": 100,
        "kn_r": 100,
        "an_l": 50,
        "an_r": 50,
    },
    "lie-front": {"torso": 90, "x": 90, "an_l": 90, "an_r": 90, "head": -10},
    "all-fours": {
        "torso": 90,
        "x": 95,
        "hip_l": 90,
        "hip_r": 90,
        "kn_l": 90,
        "kn_r": 90,
        "sh_l": 90,
        "sh_r": 90,
        "an_l": 90,
        "an_r": 90,
    },
    "kneel": {"kn_l": 90, "kn_r": 90, "an_l": 90, "an_r": 90},
    "half-kneel": {"kn_l": 90, "an_l": 90, "hip_r": 90, "kn_r": 90},
}

Point = tuple[float, float]


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"


class Prop(StrEnum):
    CHAIR = "chair"
    MAT = "mat"
    WALL = "wall"
    STEP = "step"
    ROLLER = "roller"
    BALL = "ball"
    STRAP = "strap"


class PropPlace(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Prop
    x: Annotated[float, Field(ge=0, le=WIDTH)] = 60


class Keyframe(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Annotated[float, Field(ge=0, le=1)]
    pose: dict[str, float] = {}

    @model_validator(mode="after")
    def _known_joints(self) -> Keyframe:
        unknown = sorted(set(self.pose) - set(JOINTS))
        if unknown:
            raise ValueError(f"unknown joint(s) {', '.join(unknown)}; use {', '.join(JOINTS)}")
        return self


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    view: View = View.SIDE
    base: str = "stand"
    duration_s: Annotated[float, Field(ge=1, le=20)]
    alt: Localized
    props: list[PropPlace] = []
    keyframes: list[Keyframe] = Field(min_length=2, max_length=24)
    still: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _check(self) -> Figure:
        if self.base not in BASES:
            raise ValueError(f"base: unknown pose {self.base!r}; use {', '.join(BASES)}")
        times = [k.at for k in self.keyframes]
        if times[0] != 0 or times[-1] != 1 or times != sorted(times):
            raise ValueError("keyframes: 'at' must start at 0, rise, and end at 1")
        if self.still >= len(self.keyframes):
            raise ValueError(f"still: there are only {len(self.keyframes)} keyframes")
        return self

    def pose_at(self, index: int) -> dict[str, float]:
        return {**BASES[self.base], **self.keyframes[index].pose}


def _dir(angle: float) -> Point:
    rad = math.radians(angle)
    return math.sin(rad), -math.cos(rad)


def _step(origin: Point, angle: float, length: float) -> Point:
    dx, dy = _dir(angle)
    return origin[0] + dx * length, origin[1] + dy * length


def place_joints(pose: dict[str, float], view: View) -> dict[str, Point]:
    """Forward kinematics: where each joint is, before standing on the ground."""
    j = {name: pose.get(name, 0.0) for name in JOINTS}
    pelvis: Point = (j["x"] or 120.0, 100.0)
    torso = j["torso"]
    shoulder = _step(pelvis, torso, TORSO)
    head_dir = torso + j["head"]
    neck = _step(shoulder, head_dir, NECK)
    points: dict[str, Point] = {
        "pelvis": pelvis,
        "shoulder": shoulder,
        "neck": neck,
        "head": _step(neck, head_dir, HEAD_R),
    }
    for side, sign in (("l", 1.0), ("r", -1.0)):
        if view == View.FRONT:
            # Seen from the front, the figure's left is on the picture's right.
            across = torso + 90 * sign
            arm_root = _step(shoulder, across, SHOULDER_HALF)
            leg_root = _step(pelvis, across, HIP_HALF)
            # Raising a limb sideways turns it outward; a bent knee points out.
            upper_arm = torso + 180 - j[f"sh_{side}"] * sign
            forearm = upper_arm - j[f"el_{side}"] * sign
            thigh = torso + 180 - j[f"hip_{side}"] * sign
            shin = thigh + j[f"kn_{side}"] * sign
            toe_dir = 0.0
        else:
            arm_root, leg_root = shoulder, pelvis
            upper_arm = torso + 180 - j[f"sh_{side}"]
            forearm = upper_arm - j[f"el_{side}"]
            thigh = torso + 180 - j[f"hip_{side}"]
            shin = thigh + j[f"kn_{side}"]
            toe_dir = shin - 90 + j[f"an_{side}"]
        elbow = _step(arm_root, upper_arm, UPPER_ARM)
        knee = _step(leg_root, thigh, THIGH)
        ankle = _step(knee, shin, SHIN)
        if view == View.FRONT:
            # The foot points outward; pointing the toes drops them below the ankle.
            reach = FOOT * 0.6 * math.cos(math.radians(j[f"an_{side}"]))
            drop = FOOT * math.sin(math.radians(j[f"an_{side}"]))
            toe = (ankle[0] + reach * sign, ankle[1] + drop)
        else:
            toe = _step(ankle, toe_dir, FOOT)
        points |= {
            f"arm_root_{side}": arm_root,
            f"elbow_{side}": elbow,
            f"hand_{side}": _step(elbow, forearm, FOREARM),
            f"leg_root_{side}": leg_root,
            f"knee_{side}": knee,
            f"ankle_{side}": ankle,
            f"toe_{side}": toe,
        }
    return points


def grounded(points: dict[str, Point], lift: float) -> dict[str, Point]:
    """Move the figure down or up so its lowest point rests on the ground."""
    lowest = max(y for name, (_, y) in points.items() if name != "head")
    lowest = max(lowest, points["head"][1] + HEAD_R)
    shift = GROUND - lift - lowest
    return {name: (x, y + shift) for name, (x, y) in points.items()}


def _ease(t: float) -> float:
    return (1 - math.cos(math.pi * t)) / 2


def pose_at_time(figure: Figure, t: float) -> dict[str, float]:
    """The joint angles at fraction T of the loop, eased between keyframes."""
    frames = figure.keyframes
    for i in range(len(frames) - 1):
        a, b = frames[i], frames[i + 1]
        if a.at <= t <= b.at:
            span = b.at - a.at
            u = _ease((t - a.at) / span) if span > 0 else 1.0
            pa, pb = figure.pose_at(i), figure.pose_at(i + 1)
            return {
                name: pa.get(name, 0.0) + (pb.get(name, 0.0) - pa.get(name, 0.0)) * u
                for name in set(pa) | set(pb)
            }
    return figure.pose_at(len(frames) - 1)


def frame_points(figure: Figure, pose: dict[str, float]) -> dict[str, Point]:
    return grounded(place_joints(pose, figure.view), pose.get("lift", 0.0))


def frames(figure: Figure) -> list[dict[str, Point]]:
    """Every frame of one loop, sampled FPS times a second."""
    count = max(2, round(figure.duration_s * FPS))
    return [frame_points(figure, pose_at_time(figure, i / count)) for i in range(count + 1)]


def largest_movement(figure: Figure) -> float:
    """How far the joint that moves most travels from the first frame (picture units)."""
    all_frames = frames(figure)
    first = all_frames[0]
    return max(math.dist(frame[name], first[name]) for frame in all_frames[1:] for name in first)


# ---- SVG ---------------------------------------------------------------------------

NEAR, FAR, SKIN, PROP = "#1f6f5c", "#8fbcae", "#1f6f5c", "#c9b99a"
LIMB_WIDTH = 7


def _pts(points: Iterable[Point]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _chains(p: dict[str, Point]) -> dict[str, list[Point]]:
    chains = {
        "torso": [p["pelvis"], p["shoulder"], p["neck"]],
    }
    for side in ("l", "r"):
        chains[f"arm_{side}"] = [
            p["shoulder"],
            p[f"arm_root_{side}"],
            p[f"elbow_{side}"],
            p[f"hand_{side}"],
        ]
        chains[f"leg_{side}"] = [
            p["pelvis"],
            p[f"leg_root_{side}"],
            p[f"knee_{side}"],
            p[f"ankle_{side}"],
            p[f"toe_{side}"],
        ]
    chains["strap"] = [p["hand_l"], p["toe_l"]]
    return chains


def _animate(attribute: str, values: list[str], duration_s: float) -> str:
    if len(set(values)) == 1:
        return ""
    return (
        f'<animate attributeName="{attribute}" dur="{duration_s:g}s" '
        f'repeatCount="indefinite" values="{";".join(values)}"/>'
    )


def _props(figure: Figure) -> str:
    parts = []
    for prop in figure.props:
        x = prop.x
        if prop.type == Prop.CHAIR:
            seat = GROUND - SHIN - 1
            parts.append(
                f'<path d="M{x - 16:.0f} {seat:.0f}h32M{x - 14:.0f} {seat:.0f}V{GROUND}'
                f'M{x + 14:.0f} {seat:.0f}V{GROUND}M{x - 14:.0f} {seat:.0f}V{seat - 32:.0f}" '
                f'stroke="{PROP}" stroke-width="4" fill="none" stroke-linecap="round"/>'
            )
        elif prop.type == Prop.MAT:
            parts.append(
                f'<rect x="{x - 70:.0f}" y="{GROUND}" width="140" height="4" rx="2" fill="{PROP}"/>'
            )
        elif prop.type == Prop.WALL:
            parts.append(
                f'<rect x="{x:.0f}" y="20" width="6" height="{GROUND - 20}" fill="{PROP}"/>'
            )
        elif prop.type == Prop.STEP:
            parts.append(
                f'<rect x="{x - 20:.0f}" y="{GROUND - 14}" width="40" height="14" fill="{PROP}"/>'
            )
        elif prop.type == Prop.ROLLER:
            parts.append(f'<circle cx="{x:.0f}" cy="{GROUND - 8}" r="8" fill="{PROP}"/>')
        elif prop.type == Prop.BALL:
            parts.append(f'<circle cx="{x:.0f}" cy="{GROUND - 5}" r="5" fill="#d9825b"/>')
    return "".join(parts)


def render_svg(
    figure: Figure, lang: str = "en", mirrored: bool = False, animated: bool = True
) -> str:
    """The figure as a self-contained SVG; animated, or the still keyframe."""
    if animated:
        all_frames = frames(figure)
    else:
        all_frames = [frame_points(figure, figure.pose_at(figure.still))]
    chains = [_chains(f) for f in all_frames]
    alt = figure.alt.get(lang)

    def chain_svg(name: str, colour: str, width: float = LIMB_WIDTH) -> str:
        values = [_pts(c[name]) for c in chains]
        return (
            f'<polyline points="{values[0]}" stroke="{colour}" stroke-width="{width}" '
            f'fill="none" stroke-linecap="round" stroke-linejoin="round">'
            f"{_animate('points', values, figure.duration_s) if animated else ''}</polyline>"
        )

    head_x = [f"{f['head'][0]:.1f}" for f in all_frames]
    head_y = [f"{f['head'][1]:.1f}" for f in all_frames]
    head = (
        f'<circle cx="{head_x[0]}" cy="{head_y[0]}" r="{HEAD_R}" fill="{SKIN}">'
        + (
            _animate("cx", head_x, figure.duration_s) + _animate("cy", head_y, figure.duration_s)
            if animated
            else ""
        )
        + "</circle>"
    )
    strap = any(p.type == Prop.STRAP for p in figure.props)
    body = "".join(
        [
            chain_svg("arm_r", FAR),
            chain_svg("leg_r", FAR),
            chain_svg("torso", NEAR, LIMB_WIDTH + 2),
            chain_svg("leg_l", NEAR),
            chain_svg("arm_l", NEAR),
            chain_svg("strap", "#d9825b", 2) if strap else "",
            head,
        ]
    )
    if mirrored:
        body = f'<g transform="translate({WIDTH} 0) scale(-1 1)">{body}</g>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label={quoteattr(alt)}>'
        f"<title>{escape(alt)}</title>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" rx="12" fill="#f1f5f2"/>'
        f'<line x1="8" y1="{GROUND + 0.5}" x2="{WIDTH - 8}" y2="{GROUND + 0.5}" '
        f'stroke="#b9c4bd" stroke-width="2"/>'
        f"{_props(figure) if not mirrored else _mirror_props(figure)}{body}</svg>"
    )


def _mirror_props(figure: Figure) -> str:
    return f'<g transform="translate({WIDTH} 0) scale(-1 1)">{_props(figure)}</g>'


# ---- loading ---------------------------------------------------------------------


def load_figures(directory: Path) -> dict[str, Figure]:
    """Every figure file in DIRECTORY, keyed by pose key (the file name)."""
    figures: dict[str, Figure] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        source = f"figures/{path.name}"
        try:
            figures[path.stem] = parse(Figure, read_yaml(path, source), source)
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return figures


def figure_problems(figures: dict[str, Figure], min_movement: float = 2.0) -> list[str]:
    """Figures that do not visibly move."""
    problems = []
    for key, figure in sorted(figures.items()):
        moved = largest_movement(figure)
        if moved < min_movement:
            problems.append(
                f"figures/{key}.yaml: keyframes: the figure barely moves ({moved:.1f} units); "
                "every figure must show its movement"
            )
    return problems
