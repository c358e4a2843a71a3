"""The reviewed mapping of plan targets to the indicator registry (``data/specs/target_indicator_map.csv``).

Belongs here: reading and checking the mapping (which indicator and subject a target measures, the
unit its 观测值 is written in, whether it accumulates), and the ``relative_to`` convention that names
a benchmark series (``monthly_income@高职``). Deciding a mapping is a review, not code: an unmapped
target stays in the store with a note saying why.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.contracts.errors import TableError
from loaders.contracts.paths import SPECS_DIR

TARGET_MAP_CSV = SPECS_DIR / "target_indicator_map.csv"
MAP_KINDS = ("absolute", "cumulative", "annual_average")
MAP_COLUMNS = ["plan_id", "label_zh", "indicator_id", "subject", "source_unit", "kind", "note"]

NOTE_UNREVIEWED = "未在 target_indicator_map.csv 中审定映射"
NOTE_NO_VALUE = "原文此行无观测值"


def load_target_map(path: Path = TARGET_MAP_CSV, registry_ids: set[str] | None = None) -> pd.DataFrame:
    """Read the reviewed target → indicator mapping and check it.

    Args:
        path: target_indicator_map.csv (columns :data:`MAP_COLUMNS`; blanks are empty strings).
        registry_ids: Indicator ids of the registry; when given, every mapped id must be one.

    Returns:
        The mapping, one row per (plan_id, label_zh).

    Raises:
        TableError: Columns missing, a (plan_id, label_zh) twice, an unknown indicator id or kind,
            or an unmapped row without a note.
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in MAP_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(
            path.name,
            "表头",
            f"缺少列 {'、'.join(missing)}。",
            f"expected columns {', '.join(MAP_COLUMNS)}; missing {', '.join(missing)}.",
        )
    frame = frame[MAP_COLUMNS]
    for index, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"第 {index} 行"
        if registry_ids is not None and row.indicator_id and row.indicator_id not in registry_ids:
            raise TableError(
                path.name,
                where,
                f"指标 {row.indicator_id} 不在指标登记表 indicators.csv 中。",
                f"indicator {row.indicator_id!r} is not in the registry indicators.csv.",
            )
        if row.kind and row.kind not in MAP_KINDS:
            raise TableError(
                path.name,
                where,
                f"kind 应为 {'/'.join(MAP_KINDS)} 之一，实际为“{row.kind}”。",
                f"kind must be one of {', '.join(MAP_KINDS)}; found {row.kind!r}.",
            )
        if not row.indicator_id and not row.note:
            raise TableError(
                path.name,
                where,
                f"“{row.label_zh}”未映射到指标，须在 note 中说明原因。",
                f"{row.label_zh!r} maps to no indicator, so its note must say why; the note is empty.",
            )
    duplicated = frame[frame.duplicated(["plan_id", "label_zh"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise TableError(
            path.name,
            f"第 {int(duplicated.index[0]) + 2} 行",
            f"{first['plan_id']}“{first['label_zh']}”出现了不止一次。",
            f"{first['plan_id']} {first['label_zh']!r} appears more than once.",
        )
    return frame


def split_relative_to(relative_to: str) -> tuple[str, str]:
    """Split a ``relative_to`` value into the benchmark series' indicator id and subject.

    Args:
        relative_to: ``"<indicator_id>@<subject>"``, e.g. ``"monthly_income@高职"``.

    Returns:
        ``(indicator_id, subject)``.

    Raises:
        ValueError: The value has no ``@``.
    """
    indicator_id, sep, subject = relative_to.partition("@")
    if not sep or not indicator_id or not subject:
        raise ValueError(f"relative_to: expected '<indicator_id>@<subject>', found {relative_to!r}")
    return indicator_id, subject
