"""How many categories a chart can label, and the rest folded into one 「其他 N 项」 bar.

Belongs here: pure arithmetic on category counts, label lengths and the length of a chart's
category axis (:func:`fit_categories`), and the fold of the smallest categories into one row
(:func:`fold_rest`). No Plotly, no python-pptx: the deck (:mod:`viz.deck_pptx`) asks these what
to draw; the in-app slides may ask the same.

Why: an office suite hides every other category label when it thinks they would overlap
(LibreOffice did so on the 19 industries of 就业行业流向 at 9 pt). A label is readable from the
back of the room at ≥ 12 pt on a 7.5 in high slide (24 px of 1080), and a row of a horizontal bar
chart holds its label when it is ≥ :data:`LINE_FACTOR` × the font size high (a label of two lines
needs more: the suites hide a label whose box overlaps its neighbour's, see :func:`row_pt`). So a chart either
fits every label at ≥ 12 pt, or — when its values add up (people, items, money) — keeps its
largest categories and sums the rest into one bar, or else is split across slides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Smallest category label on a slide, in points (24 px on a 1920 × 1080 projection of a 7.5 in slide).
MIN_LABEL_PT = 12.0
#: Largest category label the deck uses (no bigger than the takeaway line's 16 pt).
MAX_LABEL_PT = 14.0
#: Height of one label line as a multiple of its font size (CJK faces with the office suites' spacing).
LINE_HEIGHT = 1.25
#: Space the suites want between two labels' boxes, as a multiple of the font size.
LABEL_GAP = 0.35
#: A row holding a one-line label: :data:`LINE_HEIGHT` + :data:`LABEL_GAP` times the font size.
LINE_FACTOR = LINE_HEIGHT + LABEL_GAP
#: Units whose values add up to a whole: a 「其他」 bar may sum them (shares, scores, per-student values may not).
ADDITIVE_UNITS = frozenset(
    {"人", "人次", "人日", "人时", "万元", "亿元", "百万元", "项", "个", "本", "门", "家", "课时", "学时", "课次",
     "平方米", "亩"}
)  # fmt: skip


@dataclass(frozen=True)
class CategoryFit:
    """What a chart draws on its category axis.

    Attributes:
        shown: Rows drawn per slide (the 「其他」 row included when ``folded``).
        folded: Categories summed into the 「其他」 row (0: none).
        parts: Slides the chart is split across (1: one slide).
        font_pt: Size of the category labels.
    """

    shown: int
    folded: int
    parts: int
    font_pt: float


def label_lines(label_chars: float, font_pt: float, width_pt: float) -> int:
    """Lines a label of ``label_chars`` (one em each) takes in ``width_pt`` at ``font_pt``."""
    if label_chars <= 0:
        return 1
    return max(1, math.ceil(label_chars * font_pt / width_pt))


def row_pt(label_lengths: Sequence[float], font_pt: float, width_pt: float) -> float:
    """The height every row needs so that no two neighbouring labels' boxes overlap.

    Rows are evenly spaced and each label is centred on its row, so two neighbours of ``a`` and
    ``b`` lines need ``((a + b) / 2 × LINE_HEIGHT + LABEL_GAP) × font`` between their centres; the
    two labels with the most lines bound every pair.
    """
    lines = sorted((label_lines(length, font_pt, width_pt) for length in label_lengths), reverse=True)[:2] or [1]
    return (sum(lines) / len(lines) * LINE_HEIGHT + LABEL_GAP) * font_pt


def fit_categories(
    label_lengths: Sequence[float],
    *,
    length_pt: float,
    label_width_pt: float,
    additive: bool,
    other_length: float = 4.0,
    min_pt: float = MIN_LABEL_PT,
    max_pt: float = MAX_LABEL_PT,
) -> CategoryFit:
    """How a chart labels every one of its categories at ``min_pt`` or more.

    Each category gets ``length_pt / rows`` of the axis and needs :func:`row_pt` of it. The font
    is the largest whole size from ``max_pt`` down to ``min_pt`` that fits; when none fits,
    additive values keep the largest ``shown - 1`` categories and fold the rest into one row,
    others are split into ``parts`` slides.

    Args:
        label_lengths: Every category label's length in ems (:func:`label_ems`), the largest value's
            first (the order :func:`fold_rest` keeps them in).
        length_pt: Length of the category axis in points (the plot area's height for horizontal bars).
        label_width_pt: Width a label may take before it wraps (points).
        additive: Whether the values add up (one series in an :data:`ADDITIVE_UNITS` unit).
        other_length: Length in ems of the 「其他 N 项」 label.
        min_pt: Smallest label size allowed.
        max_pt: Largest label size used.

    Returns:
        The :class:`CategoryFit`.

    Raises:
        ValueError: An axis too short for even two labels at ``min_pt``.
    """
    count = len(label_lengths)
    if count == 0:
        return CategoryFit(shown=0, folded=0, parts=1, font_pt=max_pt)
    size = float(math.floor(max_pt))
    while size >= min_pt:
        if count * row_pt(label_lengths, size, label_width_pt) <= length_pt + 1e-9:
            return CategoryFit(shown=count, folded=0, parts=1, font_pt=size)
        size -= 1.0
    rows = int(length_pt // row_pt(label_lengths, min_pt, label_width_pt))
    if rows < 2:
        raise ValueError(f"an axis of {length_pt:.0f} pt cannot hold two labels of {min_pt:.0f} pt")
    if additive:
        # Only the labels kept (the largest values first) and the 「其他」 label are drawn.
        while rows + 1 < count:
            drawn = [*label_lengths[:rows], other_length]
            if (rows + 1) * row_pt(drawn, min_pt, label_width_pt) > length_pt + 1e-9:
                break
            rows += 1
        return CategoryFit(shown=rows, folded=count - (rows - 1), parts=1, font_pt=min_pt)
    parts = math.ceil(count / rows)
    return CategoryFit(shown=math.ceil(count / parts), folded=0, parts=parts, font_pt=min_pt)


def fold_rest(
    categories: Sequence[str], values: Sequence[float | None], keep: int, label: str
) -> tuple[list[str], list[float | None], list[str]]:
    """The ``keep`` largest categories in their order, then one ``label`` row summing the others.

    Args:
        categories: Category names.
        values: One value per category (None: no value, counted as 0 in the sum).
        keep: How many categories stay as they are.
        label: Name of the folded row (「其他 8 项」).

    Returns:
        ``(categories, values, folded names)``; unchanged (and no names) when nothing is left to fold.

    Raises:
        ValueError: ``categories`` and ``values`` differ in length, or ``keep`` is negative.
    """
    if len(categories) != len(values):
        raise ValueError(f"{len(categories)} categories but {len(values)} values")
    if keep < 0:
        raise ValueError(f"keep must be ≥ 0, found {keep}")
    if len(categories) <= keep + 1:
        return list(categories), list(values), []
    ranked = sorted(range(len(values)), key=lambda i: -(values[i] or 0.0))
    kept = sorted(ranked[:keep])
    rest = sorted(ranked[keep:])
    total = sum(values[i] or 0.0 for i in rest)
    return (
        [categories[i] for i in kept] + [label],
        [values[i] for i in kept] + [total],
        [categories[i] for i in rest],
    )


def label_ems(label: str) -> float:
    """A label's length in ems: CJK characters 1, others 0.55 (the longest line when it has several)."""
    return max((sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in line) for line in label.split("\n")), default=0.0)
