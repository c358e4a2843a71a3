"""Named exceptions raised by the metrics functions.

Every message says which frame (or target, or column) the problem is in, what was expected and
what was found, so that a page can show it as it is and a log can be read by an engineer.
"""

from __future__ import annotations


class MetricsError(Exception):
    """Base class: a metrics function was given input it cannot compute on."""


class MissingColumnsError(MetricsError):
    """A frame lacks columns the function needs.

    Args:
        frame: Name of the frame, e.g. ``"observations"``.
        missing: The required columns that are absent.
    """

    def __init__(self, frame: str, missing: list[str]) -> None:
        self.frame = frame
        self.missing = list(missing)
        super().__init__(f"{frame}: expected columns {', '.join(self.missing)}; they are missing")


class UnknownIndicatorError(MetricsError):
    """An indicator id is not in the indicator registry frame."""

    def __init__(self, indicator_ids: list[str]) -> None:
        self.indicator_ids = sorted(set(indicator_ids))
        super().__init__(f"indicators: expected a registry row for {', '.join(self.indicator_ids)}; none found")


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
        place = f"{where}: " if where else ""
        super().__init__(f"{place}expected a value convertible to {to_unit!r}, found unit {from_unit!r}")


class PlanNotFoundError(MetricsError):
    """The requested plan id has no targets (or is not in the plans frame)."""

    def __init__(self, plan_id: str, known: list[str]) -> None:
        self.plan_id = plan_id
        self.known = sorted(set(known))
        listed = ", ".join(self.known) if self.known else "none"
        super().__init__(f"targets: expected targets for plan {plan_id!r}; found plans: {listed}")
