"""Named exceptions raised by the metrics functions.

Every message says which frame (or target, or column) the problem is in, what was expected and
what was found — in Chinese and in English (:class:`loaders.contracts.errors.BilingualError`), so that a page
can show it in the reader's language and a log can be read by an engineer.
"""

from __future__ import annotations

from loaders.contracts.errors import BilingualError


class MetricsError(BilingualError):
    """Base class: a metrics function was given input it cannot compute on.

    Args:
        zh: What went wrong, in Chinese.
        en: The same, in English.
    """


class MissingColumnsError(MetricsError):
    """A frame lacks columns the function needs.

    Args:
        frame: Name of the frame, e.g. ``"observations"``.
        missing: The required columns that are absent.
    """

    def __init__(self, frame: str, missing: list[str]) -> None:
        self.frame = frame
        self.missing = list(missing)
        listed = ", ".join(self.missing)
        super().__init__(f"{frame}：缺少列 {listed}。", f"{frame}: expected columns {listed}; they are missing")

    def __reduce__(self) -> tuple:
        return (type(self), (self.frame, self.missing))


class UnknownIndicatorError(MetricsError):
    """An indicator id is not in the indicator registry frame."""

    def __init__(self, indicator_ids: list[str]) -> None:
        self.indicator_ids = sorted(set(indicator_ids))
        listed = ", ".join(self.indicator_ids)
        super().__init__(
            f"指标登记表中没有指标 {listed}。", f"indicators: expected a registry row for {listed}; none found"
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.indicator_ids,))


class UnitMismatchError(MetricsError):
    """Two units cannot be converted into each other (e.g. ``%`` and ``元``).

    Args:
        from_unit: The unit the value is in.
        to_unit: The unit it had to be converted to.
        where: What the value belongs to (indicator, table, line, target), for the message.
    """

    def __init__(self, from_unit: str, to_unit: str, where: str = "") -> None:
        self.from_unit = from_unit
        self.to_unit = to_unit
        self.where = where
        place, place_zh = (f"{where}: ", f"{where}：") if where else ("", "")
        super().__init__(
            f"{place_zh}单位“{from_unit}”无法换算为“{to_unit}”（见 data/specs/units.csv）。",
            f"{place}expected a value convertible to {to_unit!r}, found unit {from_unit!r}",
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.from_unit, self.to_unit, self.where))


class PlanNotFoundError(MetricsError):
    """The requested plan id has no targets (or is not in the plans frame)."""

    def __init__(self, plan_id: str, known: list[str]) -> None:
        self.plan_id = plan_id
        self.known = sorted(set(known))
        listed = ", ".join(self.known) if self.known else "none"
        listed_zh = "、".join(self.known) if self.known else "（无）"
        super().__init__(
            f"规划“{plan_id}”没有目标；已有规划：{listed_zh}。",
            f"targets: expected targets for plan {plan_id!r}; found plans: {listed}",
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.plan_id, self.known))
