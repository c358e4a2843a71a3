"""One bilingual error base: every error a planner may see carries Chinese and English text."""

from __future__ import annotations

import pickle

import pytest

from loaders.contracts.errors import BilingualError, TableError, UnknownReportError
from loaders.plans.documents import UnknownPlanError
from loaders.store.schema import StoreOutdatedError
from metrics.errors import MissingColumnsError, PlanNotFoundError, UnitMismatchError, UnknownIndicatorError


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (MissingColumnsError("observations", ["value", "unit"]), "缺少列 value, unit", "expected columns value, unit"),
        (UnknownIndicatorError(["x_rate"]), "没有指标 x_rate", "registry row for x_rate"),
        (UnitMismatchError("元", "%", "表2-3"), "单位“元”无法换算为“%”", "convertible to '%'"),
        (PlanNotFoundError("p9", ["p1"]), "规划“p9”没有目标；已有规划：p1", "plan 'p9'"),
        (UnknownPlanError("p9", ["p1"]), "没有编号为 p9 的规划", "no plan with id 'p9'"),
        (UnknownReportError("甲校-2020", ["乙校-2021"]), "没有报告“甲校-2020”；现有：乙校-2021", "no report"),
        (TableError("a.txt", "第 3 行", "缺列。", "no column."), "a.txt，第 3 行：缺列。", "a.txt, 第 3 行: no"),
        (StoreOutdatedError("旧版。", "old."), "旧版。", "old."),
    ],
)
def test_every_error_speaks_both_languages(error: BilingualError, zh: str, en: str) -> None:
    assert isinstance(error, BilingualError)
    assert zh in error.text("zh") and en not in error.text("zh")
    assert en in error.text("en") and zh not in error.text("en")
    assert error.message == f"{error.text('zh')}\n{error.text('en')}"
    copy = pickle.loads(pickle.dumps(error))  # parsing processes send errors back whole
    assert type(copy) is type(error) and copy.message == error.message
