"""loaders.contracts.units: the one unit converter, used by the loaders and the metrics alike."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.contracts.registry import convert, unit_factor
from loaders.contracts.units import unit_factor as bare_factor
from metrics.units import find_unit_factor


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "factor"),
    [
        ("亿元", "万元", 10000.0),  # listed in units.csv
        ("万元", "亿元", 0.0001),  # its reverse
        ("千人", "人", 1000.0),  # not listed: a magnitude prefix on the same base
        ("人次", "万人次", 0.0001),
        ("％", "%", 1.0),  # full-width percent sign
        ("：1", ":1", 1.0),
        ("万㎡", "平方米", 10000.0),  # listed with ㎡, asked for as written
        ("亩", "平方米", 666.6666666667),
    ],
)
def test_known_factors(from_unit: str, to_unit: str, factor: float) -> None:
    assert unit_factor(from_unit, to_unit) == pytest.approx(factor)
    assert find_unit_factor(from_unit, to_unit) == pytest.approx(factor)  # the metrics use the same converter


@pytest.mark.parametrize(("from_unit", "to_unit"), [("人", "元"), ("万元", "%"), ("万", "元"), ("", "元")])
def test_unknown_pairs_give_none(from_unit: str, to_unit: str) -> None:
    assert unit_factor(from_unit, to_unit) is None
    assert find_unit_factor(from_unit, to_unit) is None
    assert convert(5.0, from_unit, to_unit) is None


def test_caller_tables_replace_the_project_factors() -> None:
    table = pd.DataFrame({"from_unit": ["箱"], "to_unit": ["瓶"], "factor": [24.0]})
    assert find_unit_factor("瓶", "箱", table) == pytest.approx(1 / 24)
    assert find_unit_factor("亿元", "万元", table) == pytest.approx(1e4)  # magnitudes need no table
    assert find_unit_factor("亩", "平方米", table) is None  # units.csv is not consulted
    assert bare_factor("元", "元", {}) == 1.0
