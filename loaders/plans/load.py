"""A plan a college brings itself: one call reads any plan file into a plan, its targets and a report.

Belongs here: :func:`read_plan_bytes` — the one door for a plan file, whichever its form:

- the **plan-targets workbook** (:mod:`loaders.plans.workbook`), recognised by its sheet;
- a **known plan document** (one of ``data/specs/plan_specs.toml``), read by its spec as before;
- any other **plan document with a target table** — an appendix table with 指标 / 目标值 / 年份
  columns, in text, PDF text, Word-export text or a workbook — read by its header (the header names
  are ``[own_plans.columns]`` of the spec), with a unit row (``单位：%``), wrapped cells and group
  rows understood where the layout allows (:mod:`loaders.plans.own_table`).

Every form ends in :func:`loaders.plans.targets.build_targets`, the path every plan takes (value grammar,
indicator, unit conversion, kind). A target whose name is not in the registry keeps its wording
and is listed; a value not understood keeps its text and is listed; nothing is dropped. The report
(:data:`REPORT_COLUMNS`, like a report's coverage) lists every target not fully understood and every
line of the table that was not a target. Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.contracts.errors import FormatError, ValueParseError
from loaders.contracts.registry import registry_units, unit_factors
from loaders.plans.documents import PlanParse, identify_plan, parse_plan_lines
from loaders.plans.mapping import load_target_map
from loaders.plans.own_table import (
    SCOPE_ZH,
    IndicatorNames,
    own_grammar,
    own_plan_id,
    read_target_table,
    workbook_lines,
)
from loaders.plans.spec import PlanSpecs, load_plan_specs
from loaders.plans.targets import RawTarget, build_targets
from loaders.plans.values import ParsedValue, tidy
from loaders.plans.workbook import (
    PLAN_SHEET,
    PlanWorkbookError,
    is_plan_workbook,
    read_plan_workbook,
    row_value,
    year_value,
)
from loaders.read.load import safe_file_name
from loaders.read.text import decode_text

REPORT_COLUMNS = ["position", "place", "label_zh", "status", "problems_zh", "problems_en"]
NOTE_UNMAPPED = "未对应到指标登记表中的指标，保留原文，未计入达成判断"


@dataclass(frozen=True)
class TargetLink:
    """Which indicator a target measures (the shape of a target_indicator_map.csv row)."""

    indicator_id: str = ""
    subject: str = ""
    source_unit: str = ""
    kind: str = ""
    note: str = ""


@dataclass
class PlanRead:
    """One plan file read.

    Attributes:
        plan: The ``plans`` row (:data:`loaders.plans.documents.PLAN_COLUMNS`).
        targets: Its targets (:data:`loaders.plans.targets.TARGET_COLUMNS`), every row of its table.
        report: What was not fully understood, row by row (:data:`REPORT_COLUMNS`).
        format_used: ``plan_workbook``, ``plan_spec`` (a known document) or ``plan_table``.
        sha256: Hash of the file's bytes.
        source_file: The file's name.
    """

    plan: dict[str, Any]
    targets: pd.DataFrame
    report: pd.DataFrame
    format_used: str
    sha256: str
    source_file: str
    notes: list[str] = field(default_factory=list)

    @property
    def plan_id(self) -> str:
        """The plan's id."""
        return str(self.plan["plan_id"])


def read_plan_bytes(data: bytes, name: str, meta: dict[str, Any] | None = None) -> PlanRead:
    """Read any plan file (see the module docstring) into a plan, its targets and its report.

    Args:
        data: The file's bytes.
        name: Its name (only the last part is kept).
        meta: What a document does not say itself: ``title``, ``issuer``, ``scope``
            (``school``/``city``/``province``), ``applies_to``, ``start_year``, ``target_year``;
            blank values are ignored. The workbook and known documents say it themselves.

    Returns:
        The plan read.

    Raises:
        LoadError: The file cannot become a plan; the message names the file, the place, what was
            expected and what was found, in Chinese and English.
    """
    name = safe_file_name(name)
    sha256 = hashlib.sha256(data).hexdigest()
    meta = {k: v for k, v in (meta or {}).items() if v not in (None, "")}
    specs = load_plan_specs()
    if is_plan_workbook(data):
        return _from_workbook(data, name, sha256, specs)
    from loaders.read.pdf import extract_pdf_text, is_pdf
    from loaders.read.workbook import is_workbook

    if is_workbook(data, name):
        lines, places = workbook_lines(data, name)
    elif is_pdf(data, name):
        text = extract_pdf_text(data, name)
        lines, places = text.lines, [f"第 {page} 页" for page in text.pages]
    else:
        lines = decode_text(data, name).lines
        places = []
        try:
            spec = identify_plan(lines, name, specs)
        except FormatError:
            spec = None
        if spec is not None:
            units = registry_units()
            parsed = parse_plan_lines(
                lines, name, specs, load_target_map(registry_ids=set(units)), units, unit_factors()
            )
            return _known(parsed, name, sha256)
    table = read_target_table(lines, places, name, specs, meta)
    return _assemble(
        table.plan, table.found, table.problems, table.skipped, name, sha256, specs, "plan_table", place="行"
    )


# ---------------------------------------------------------------------------- the three forms


def _known(parsed: PlanParse, name: str, sha256: str) -> PlanRead:
    """A known plan: every target without an indicator is explained in the reviewed mapping (its note)."""
    report = _report(parsed.targets.iloc[0:0], [], [])
    return PlanRead(parsed.plan, parsed.targets, report, "plan_spec", sha256, name)


def _from_workbook(data: bytes, name: str, sha256: str, specs: PlanSpecs) -> PlanRead:
    book = read_plan_workbook(data, name)
    meta = book.meta
    plan_id = own_plan_id(meta["scope"], meta["applies_to"], meta["title"])
    grammar, registry = own_grammar(specs), IndicatorNames()
    found: list[tuple[RawTarget, ParsedValue, str]] = []
    problems: list[tuple[int, str, str]] = []  # (index in found, zh, en)
    for row in book.rows:
        cells = row.cells
        written = tidy(unicodedata.normalize("NFKC", str(cells["indicator"] or "")))
        wording = tidy(str(cells["wording"] or ""))
        indicator_id = registry.find(written) if written else ""
        where = f"工作表「{PLAN_SHEET}」第 {row.row} 行"
        try:
            year = year_value(cells["year"], name, where, "年份 year")
        except PlanWorkbookError as exc:
            year = None
            problems.append((len(found), exc.zh, exc.en))
        try:
            parsed, _, shown = row_value(row, registry.direction.get(indicator_id, ""), grammar)
        except ValueParseError as exc:
            parsed, shown = ParsedValue("text"), str(cells["target"] or "")
            problems.append((len(found), f"目标值未读懂：{exc.zh}", f"target value not understood: {exc.en}"))
        document = tidy(str(cells["source_document"] or "")) or meta["source_document"]
        source_text = row.text + (f"（来源：{document}）" if document else "")
        label = written or wording or f"第 {row.row} 行"
        raw = RawTarget(
            label_zh=label,
            value_text=wording or shown or None,
            source_line=row.row,
            source_text=source_text,
            level1=tidy(str(cells["group"] or "")) or None,
            target_year=year,
        )
        found.append((raw, parsed, indicator_id))
    plan = {
        "plan_id": plan_id,
        "title": meta["title"],
        "issuer": meta["issuer"],
        "scope": meta["scope"],
        "start_year": meta["start_year"],
        "target_year": meta["target_year"],
        "source_file": name,
        "source_table": f"工作表「{PLAN_SHEET}」",
        "applies_to": meta["applies_to"],
    }
    return _assemble(plan, found, problems, [], name, sha256, specs, "plan_workbook", place="工作表行")


def _assemble(
    plan: dict[str, Any],
    found: list[tuple[RawTarget, ParsedValue, str]],
    problems: list[tuple[int, str, str]],
    skipped: list[dict[str, Any]],
    name: str,
    sha256: str,
    specs: PlanSpecs,
    format_used: str,
    place: str,
) -> PlanRead:
    """Targets from rows found (one path: build_targets), their labels made unique, and the report."""
    written = [raw.label_zh for raw, _, _ in found]
    labels = list(written)
    for index, (raw, _, _) in enumerate(found):
        if written.count(raw.label_zh) > 1:
            year = raw.target_year or plan["target_year"]
            labels[index] = f"{raw.label_zh}（{year}年）" if year else raw.label_zh
    for index in range(len(labels)):
        if labels.count(labels[index]) > 1:
            labels[index] = f"{labels[index]}（第 {found[index][0].source_line} 行）"
    links: dict[str, TargetLink] = {}
    pairs = []
    for (raw, parsed, indicator_id), label in zip(found, labels, strict=True):
        links[label] = TargetLink(indicator_id=indicator_id, note="" if indicator_id else NOTE_UNMAPPED)
        pairs.append((RawTarget(**{**raw.__dict__, "label_zh": label}), parsed))
    targets, issues = build_targets(
        pairs,
        plan_id=plan["plan_id"],
        default_subject=specs.own_plans.default_subject,
        target_year=plan["target_year"],
        source=name,
        grammar=own_grammar(specs),
        link=links.get,
        registry_units=registry_units(),
        units=unit_factors(),
        lenient=True,
    )
    built = [(i.position, i.zh, i.en) for i in issues]
    report = _report(targets, problems + built, skipped, place=place)
    return PlanRead(plan, targets, report, format_used, sha256, name)


def _report(
    targets: pd.DataFrame,
    problems: list[tuple[int, str, str]],
    skipped: list[dict[str, Any]],
    place: str = "行",
) -> pd.DataFrame:
    """Every target not fully understood (and every table line that was not a target), in file order."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for position, zh, en in problems:
        by_row.setdefault(position, []).append((zh, en))
    rows = []
    for position, target in enumerate(targets.itertuples(index=False)):
        said = by_row.get(position, [])
        status = "not_understood" if said else ""
        if target.indicator_id is None or pd.isna(target.indicator_id):
            if not said:
                status = "unmapped"
            said = [
                (
                    f"“{target.label_zh}”未对应到指标登记表中的指标，保留原文，未计入达成判断",
                    f"{target.label_zh!r} maps to no indicator of the registry; kept with its wording, not judged",
                ),
                *said,
            ]
        elif target.comparator == "text" and not said:
            status = "no_value"
            said = [("目标值无数字，作为文字目标保留", "the target value holds no number; kept as a text target")]
        if not said:
            continue
        rows.append(
            {
                "line": int(target.source_line),
                "place": f"第 {int(target.source_line)} {place}" if place == "行" else f"第 {target.source_line} 行",
                "label_zh": str(target.label_zh),
                "status": status or "not_understood",
                "problems_zh": "；".join(zh for zh, _ in said),
                "problems_en": "; ".join(en for _, en in said),
            }
        )
    for item in skipped:
        rows.append({**item, "status": "skipped"})
    rows.sort(key=lambda r: r["line"])
    frame = pd.DataFrame(rows, columns=["line", *REPORT_COLUMNS[1:]])
    frame.insert(0, "position", range(1, len(frame) + 1))
    return frame.drop(columns="line").astype({"position": "int64"})


def plan_summary(read: PlanRead) -> dict[str, int]:
    """Counts for the preview and the CLI: targets, mapped to an indicator, not mapped, rows listed."""
    mapped = int(read.targets["indicator_id"].notna().sum())
    return {
        "n": len(read.targets),
        "mapped": mapped,
        "unmapped": len(read.targets) - mapped,
        "listed": len(read.report),
    }


def format_plan_report(read: PlanRead) -> str:
    """The report as the CLI prints it (stderr): one line per row not fully understood, both languages."""
    counts = plan_summary(read)
    plan = read.plan
    head = (
        f"{read.source_file}：{plan['title']}（{plan['plan_id']}，适用于{SCOPE_ZH[plan['scope']]}“{plan['applies_to']}”）"
        f"读出 {counts['n']} 个目标，{counts['mapped']} 个对应到指标，{counts['unmapped']} 个未对应（保留原文）。\n"
        f"{read.source_file}: {counts['n']} targets, {counts['mapped']} mapped to an indicator,"
        f" {counts['unmapped']} not mapped (wording kept); applies to {plan['scope']} {plan['applies_to']!r}."
    )
    lines = [head]
    for row in read.report.itertuples(index=False):
        lines.append(f"  [{row.status}] {row.place} “{row.label_zh}”：{row.problems_zh}")
        lines.append(f"      {row.problems_en}")
    return "\n".join(lines)


Reader = Callable[[bytes, str, "dict[str, Any] | None"], PlanRead]
