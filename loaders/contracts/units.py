"""The one unit converter: the factor between two unit strings (元 ↔ 万元, 万人次 → 人次, ％ → %).

Belongs here: how a factor is found, used by the loaders (a value into its registry unit) and by the
metrics (values of one quantity stated in different units). A factor is known when the pair (or its
reverse) is listed in the factors given — the project's are ``data/specs/units.csv``
(:func:`loaders.contracts.registry.unit_factors`) — or when both units are one base unit with a Chinese
magnitude prefix (``万人次`` → ``人次`` is × 10 000). Units are compared after NFKC normalisation, so
full-width ``％``, ``：1`` and ``m²`` equal ``%``, ``:1`` and ``m2``. Nothing here reads a file.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

#: Chinese magnitude prefixes and their factors.
MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}

Factors = Mapping[tuple[str, str], float]


def clean_unit(unit: object) -> str:
    """A unit string NFKC-normalised and stripped (``％`` → ``%``); missing units become ``""``."""
    if unit is None or (isinstance(unit, float) and math.isnan(unit)) or str(unit) in ("<NA>", "nan"):
        return ""
    return unicodedata.normalize("NFKC", str(unit)).strip()


def _split_magnitude(unit: str) -> tuple[float, str]:
    """Split ``"万元"`` into ``(10000.0, "元")``; a unit without prefix gives ``(1.0, unit)``."""
    if len(unit) > 1 and unit[0] in MAGNITUDES:
        return MAGNITUDES[unit[0]], unit[1:]
    return 1.0, unit


def unit_factor(from_unit: object, to_unit: object, factors: Factors) -> float | None:
    """The factor that turns a value in ``from_unit`` into ``to_unit``.

    Args:
        from_unit: Unit of the value (``亿元``).
        to_unit: Unit wanted (``万元``).
        factors: ``(from_unit, to_unit) → factor``; a listed pair also converts backwards.

    Returns:
        The factor (10000.0 for 亿元 → 万元), 1.0 for equal units, or None when unknown.
    """
    source, target = clean_unit(from_unit), clean_unit(to_unit)
    if source == target:
        return 1.0
    factor = factors.get((source, target))
    if factor is not None:
        return float(factor)
    backwards = factors.get((target, source))
    if backwards:
        return 1.0 / float(backwards)
    source_scale, source_base = _split_magnitude(source)
    target_scale, target_base = _split_magnitude(target)
    if source_base == target_base and source_base and source_scale != target_scale:
        return source_scale / target_scale
    return None


def clean_factors(pairs: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Factors keyed by cleaned units (as :func:`unit_factor` looks them up)."""
    return {(clean_unit(a), clean_unit(b)): float(f) for (a, b), f in pairs.items()}
