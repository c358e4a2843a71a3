"""How many categories a slide's chart labels, and the fold of the rest into 「其他 N 项」 (viz.topn).

The numbers are worked by hand: a horizontal bar chart whose category axis is 265.6 pt long
(the deck's 4.55 in chart box less 62 pt for the value axis and its title) holds
265.6 / (12 pt × 1.6) = 13.8 → 13 rows of 12 pt labels; at 14 pt, 265.6 / 22.4 = 11.9 → 11.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from viz.topn import CategoryFit, fit_categories, fold_rest, label_ems, label_lines, row_pt

AXIS_PT = 327.6 - 62.0  # the deck's chart box (4.55 in) less the value axis' room
LABEL_WIDTH_PT = 888.0 * 0.3  # 30 % of the 12.33 in chart box


def _fit(lengths: list[float], additive: bool = True):
    return fit_categories(lengths, length_pt=AXIS_PT, label_width_pt=LABEL_WIDTH_PT, additive=additive)


def test_a_few_short_labels_get_the_largest_size() -> None:
    # 8 rows × 14 pt × 1.6 = 179.2 ≤ 265.6
    assert _fit([4] * 8) == CategoryFit(shown=8, folded=0, parts=1, font_pt=14.0)
    # 12 rows: 14 pt needs 268.8 > 265.6, 13 pt needs 249.6 ≤ 265.6
    assert _fit([4] * 12).font_pt == 13.0


def test_nineteen_industries_keep_twelve_and_fold_seven() -> None:
    # 19 rows at 12 pt need 364.8 pt; 13 rows fit (249.6): 12 industries and 「其他 7 项」.
    assert _fit([16] + [6] * 18) == CategoryFit(shown=13, folded=7, parts=1, font_pt=12.0)


def test_values_that_do_not_add_up_are_split_across_slides_instead() -> None:
    # 19 shares: 13 rows a slide → 2 slides of ⌈19 / 2⌉ = 10 rows.
    assert _fit([5] * 19, additive=False) == CategoryFit(shown=10, folded=0, parts=2, font_pt=12.0)


def test_labels_that_wrap_need_taller_rows() -> None:
    # 30 ems at 12 pt = 360 pt > 266.4 pt: 2 lines.
    assert label_lines(30, 12, LABEL_WIDTH_PT) == 2
    # Two such labels may be neighbours: (2 × 1.25 + 0.35) × 12 = 34.2 pt a row → 7 rows in 265.6 pt.
    assert row_pt([30, 30, 4], 12, LABEL_WIDTH_PT) == pytest.approx(34.2)
    assert _fit([30, 30] + [4] * 6) == CategoryFit(shown=7, folded=2, parts=1, font_pt=12.0)
    # One only sits beside one-line labels: (1.5 × 1.25 + 0.35) × 14 = 31.15 pt; 8 rows = 249.2 pt at 14 pt.
    assert _fit([30] + [4] * 7) == CategoryFit(shown=8, folded=0, parts=1, font_pt=14.0)


def test_only_the_labels_kept_count_when_the_rest_is_folded() -> None:
    # 10 rows need 342 pt with two-line neighbours; folding keeps the largest values' labels only.
    # Long labels last: 9 rows = 8 kept ([30, 4 × 7]) + 「其他」: 9 × 26.7 = 240.3 ≤ 265.6.
    assert _fit([30] + [4] * 7 + [30, 30]) == CategoryFit(shown=9, folded=2, parts=1, font_pt=12.0)
    # Long labels among the largest: 8 rows need 8 × 34.2 = 273.6 > 265.6, 7 rows 239.4.
    assert _fit([30, 4, 4, 30, 30] + [4] * 5) == CategoryFit(shown=7, folded=4, parts=1, font_pt=12.0)


def test_no_category_and_bad_input() -> None:
    assert _fit([]).shown == 0
    with pytest.raises(ValueError, match="cannot hold"):
        fit_categories([3] * 5, length_pt=30, label_width_pt=100, additive=True)


FLOWS = """category,value
制造业,1021
建筑业,307
教育,107
金融业,75
房地产业,62
科学研究和技术服务业,62
采矿业,3
"""


def test_fold_keeps_the_largest_in_order_and_sums_the_rest() -> None:
    frame = pd.read_csv(io.StringIO(FLOWS))
    categories, values, folded = fold_rest(frame["category"].tolist(), frame["value"].tolist(), 4, "其他 3 项")
    assert categories == ["制造业", "建筑业", "教育", "金融业", "其他 3 项"]
    assert values == [1021, 307, 107, 75, 127]  # 62 + 62 + 3
    assert folded == ["房地产业", "科学研究和技术服务业", "采矿业"]
    # Order kept when the largest are not first; a missing value counts 0.
    assert fold_rest(["a", "b", "c", "d"], [1.0, None, 5.0, 2.0], 2, "其他") == (
        ["c", "d", "其他"],
        [5.0, 2.0, 1.0],
        ["a", "b"],
    )


def test_fold_of_nothing_to_fold_and_of_bad_input() -> None:
    assert fold_rest([], [], 3, "其他") == ([], [], [])
    assert fold_rest(["a", "b"], [1.0, 2.0], 1, "其他") == (["a", "b"], [1.0, 2.0], [])  # 「其他 1 项」 says nothing
    with pytest.raises(ValueError, match="2 categories but 1 values"):
        fold_rest(["a", "b"], [1.0], 1, "其他")


def test_label_length_in_ems() -> None:
    assert label_ems("电力、热力、燃气及水生产和供应业") == 16.0
    assert label_ems("Senior title") == pytest.approx(12 * 0.55)
    assert label_ems("") == 0.0
