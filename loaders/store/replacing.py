"""Replacing a stored report is a decision: what a new version would lose, found before anything is written.

Belongs here: :func:`replacement_loss` (the stored report's figures and core items that the new
version does not have), :class:`ReplacementLoss` with its bilingual listing, and
:class:`ReplaceRefusedError`, which the store raises when a write would lose figures and the caller
did not allow it (``python -m loaders ingest`` without ``--replace``; the Data page before the
planner confirms the loss).

A figure is the stored report's indicator, subject, year and years after graduation; it is *lost*
when the new version has no figure with the same four (a changed value is not a loss: the new
version says something else, and the coverage and check-up show it). A core item
(:attr:`loaders.read.coverage.CoverageItem.core`: the survey tables, the enrollment table, the scorecard
indicators) is lost when it was read from the stored report (found or partly read) and the new
version does not have it. The same bytes again, or a version that keeps every figure and core item
(a fuller one), lose nothing and are written as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from loaders.contracts.errors import LoadError

#: How many lost figures a message lists one by one per table (the rest are counted).
LIST_PER_TABLE = 8


class ReplaceRefusedError(LoadError):
    """Writing a new version of a report would lose figures or core items, and that was not allowed.

    Nothing was written. The message lists what would be lost (Chinese, then English).
    """


@dataclass(frozen=True)
class ReplacementLoss:
    """What replacing a stored report with a new version would lose.

    Attributes:
        report_id: The report.
        stored_file: The stored version's file name.
        new_file: The new version's file name.
        n_stored: Figures the stored version has.
        n_new: Figures the new version has.
        figures: The figures lost: ``indicator_id``, ``subject``, ``year``, ``years_after``, ``value``,
            ``unit``, ``source_table``, ``source_line`` (of the stored version).
        core_items: The core items lost: ``(item_id, name_zh, name_en)``.
    """

    report_id: str
    stored_file: str
    new_file: str
    n_stored: int
    n_new: int
    figures: pd.DataFrame
    core_items: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def loses(self) -> bool:
        """Whether anything would be lost."""
        return bool(len(self.figures) or self.core_items)

    def lines(self, lang: str) -> list[str]:
        """The listing in one language: a summary line, the core items, then the figures table by table."""
        zh = lang == "zh"
        out = [
            (
                f"{self.new_file} 将替换已存储的 {self.report_id}（{self.stored_file}）：已存 {self.n_stored} 个数字，"
                f"新文件 {self.n_new} 个；将丢失 {len(self.figures)} 个数字和 {len(self.core_items)} 个核心项目。"
            )
            if zh
            else (
                f"{self.new_file} would replace the stored {self.report_id} ({self.stored_file}): {self.n_stored}"
                f" figures stored, {self.n_new} in the new file; {len(self.figures)} figures and"
                f" {len(self.core_items)} core items would be lost."
            )
        ]
        for _, name_zh, name_en in self.core_items:
            out.append(f"  核心项目：{name_zh}" if zh else f"  core item: {name_en}")
        for table, rows in self.figures.groupby("source_table", sort=False):
            shown = [
                f"{r.indicator_id}「{r.subject}」{r.year}"
                + (f"·{int(r.years_after)}" if pd.notna(r.years_after) else "")
                for r in rows.head(LIST_PER_TABLE).itertuples(index=False)
            ]
            more = len(rows) - len(shown)
            if zh:
                tail = f" 等（另 {more} 个）" if more else ""
                out.append(f"  {table}：{len(rows)} 个 — {'、'.join(shown)}{tail}")
            else:
                tail = f" and {more} more" if more else ""
                out.append(f"  {table}: {len(rows)} — {', '.join(shown)}{tail}")
        return out

    def message(self) -> tuple[str, str]:
        """The listing in Chinese and in English."""
        return "\n".join(self.lines("zh")), "\n".join(self.lines("en"))

    def refused(self, how_zh: str, how_en: str) -> ReplaceRefusedError:
        """The error to raise when the loss was not allowed; ``how_*`` says how to allow it."""
        zh, en = self.message()
        return ReplaceRefusedError(
            self.new_file, "", f"{zh}\n未写入任何内容。{how_zh}", f"{en}\nNothing was written. {how_en}"
        )


_KEY = ["indicator_id", "subject", "year", "years_after"]
_FIGURE_COLUMNS = [*_KEY, "value", "unit", "source_table", "source_line"]


def replacement_loss(con: duckdb.DuckDBPyConnection, result: object) -> ReplacementLoss | None:
    """What writing ``result`` over the stored report of the same id would lose.

    Args:
        con: A connection (or cursor) to the store.
        result: A :class:`loaders.LoadResult` (or a staged report with an Arrow ``table``).

    Returns:
        None when no report of that id is stored, or the same bytes are; else the loss (possibly
        nothing: see :attr:`ReplacementLoss.loses`).
    """
    stored = con.execute(
        "SELECT sha256, source_file, n_observations FROM reports WHERE report_id = ?", [result.report_id]
    ).fetchall()
    if not stored or stored[0][0] == result.sha256:
        return None
    _, stored_file, _ = stored[0]
    old = con.execute(
        f"SELECT {', '.join(_FIGURE_COLUMNS)} FROM observations WHERE report_id = ? ORDER BY source_line",
        [result.report_id],
    ).df()
    new = _new_figures(result)
    new_keys = set(_keys(new))
    lost = old[[key not in new_keys for key in _keys(old)]].drop_duplicates(_KEY).reset_index(drop=True)
    old_core = con.execute(
        "SELECT item_id, name_zh, name_en FROM coverage WHERE report_id = ? AND core AND status IN ('found', 'partial')"
        " ORDER BY position",
        [result.report_id],
    ).fetchall()
    kept_core = {item.item_id for item in result.coverage if item.core and item.status in ("found", "partial")}
    return ReplacementLoss(
        report_id=result.report_id,
        stored_file=str(stored_file),
        new_file=str(result.source_file),
        n_stored=len(old),
        n_new=len(new),
        figures=lost,
        core_items=tuple((i, zh, en) for i, zh, en in old_core if i not in kept_core),
    )


def _new_figures(result: object) -> pd.DataFrame:
    frame = getattr(result, "observations", None)
    if frame is None:
        frame = result.table.select(_KEY).to_pandas()
    return frame


def _keys(frame: pd.DataFrame) -> Iterable[tuple]:
    after = [None if pd.isna(v) else int(v) for v in frame["years_after"]]
    return zip(
        frame["indicator_id"].astype(str), frame["subject"].astype(str), frame["year"].astype(int), after, strict=True
    )
