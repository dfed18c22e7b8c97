"""Captures per day as an inline SVG polyline: no JavaScript, no image requests."""

from __future__ import annotations

WIDTH, HEIGHT, PAD = 120.0, 28.0, 2.0


def points(values: list[int], width: float = WIDTH, height: float = HEIGHT) -> str:
    """The ``points`` attribute of a polyline drawing ``values`` left to right, scaled to
    the largest value (a flat line along the bottom when all are zero)."""
    if not values:
        return ""
    top = max(values) or 1
    step = (width - 2 * PAD) / max(len(values) - 1, 1)
    usable = height - 2 * PAD
    return " ".join(f"{PAD + i * step:.1f},{PAD + usable - usable * v / top:.1f}"
                    for i, v in enumerate(values))
