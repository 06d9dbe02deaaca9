"""Kubernetes quantities as numbers (pure): "500m" -> 0.5 cores, "256Mi" -> bytes. The plan sizes
(`values.PLAN_SIZES`) are written as quantities; usage prices them and clusters weigh them against
their capacity."""

from __future__ import annotations

GIB = 1024.0**3
_SUFFIXES = {
    "n": 1e-9,  # metrics-server reports CPU in nanocores
    "u": 1e-6,
    "m": 1e-3,
    "Ki": 1024.0,
    "Mi": 1024.0**2,
    "Gi": GIB,
    "Ti": 1024.0**4,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
}


def parse_quantity(text: str) -> float:
    """A Kubernetes quantity as a number: "500m" -> 0.5 (cores), "256Mi" -> bytes, "2" -> 2."""
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * _SUFFIXES[suffix]
    return float(text)
