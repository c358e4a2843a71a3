"""A plan a college brings itself: one call reads any plan file into a plan, its targets and a report.

Belongs here: :func:`read_plan_bytes` — the one door for a plan file, whichever its form:

- the **plan-targets workbook** (:mod:`loaders.plans.workbook`), recognised by its sheet;
- a **known plan document** (one of ``data/specs/plan_specs.toml``), read by its spec as before;
- any other **plan document with a target table** — an appendix table with 指标 / 目标值 / 年份
  columns, in text, PDF text, Word-export text or a workbook — read by its header (the header names
  are ``[own_plans.columns]`` of the spec), with a unit row (``单位：%``), wrapped cells and group
  rows understood where the layout allows.

Every form ends in :func:`loaders.plans.build_targets`, the path every plan takes (value grammar,
indicator, unit conversion, kind). A target whose name is not in the registry keeps its wording
and is listed; a value not understood keeps its text and is listed; nothing is dropped. The report
(:data:`REPORT_COLUMNS`, like a report's coverage) lists every target not fully understood and every
line of the table that was not a target. Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.contracts.errors import FormatError, LoadError, ValueParseError
from loaders.contracts.registry import read_registry, registry_units, unit_factors
from loaders.plans.documents import PlanParse, RawTarget, build_targets, identify_plan, parse_plan_lines
from loaders.plans.mapping import load_target_map
from loaders.plans.spec import Grammar, OwnPlans, PlanSpecs, load_plan_specs
from loaders.plans.values import DIGIT_RE, ParsedValue, parse_target_value, tidy
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
_SCOPE_ZH = {"school": "学校", "city": "市", "province": "省"}
_SECTION_RE = re.compile(r"^[（(]?[一二三四五六七八九十]+[、．.)）]|^第[一二三四五六七八九十]+[章节部分]")
_TABLE_NAME_RE = re.compile(r"^#*\s*(附表|附件|表)\s*[0-9一二三四五六七八九十]+")
_YEAR_IN_HEADER_RE = re.compile(r"(?P<year>(19|20)\d{2})\s*年?")
_PERIOD_RE = re.compile(r"(?P<start>(19|20)\d{2})\s*[—–\-~～至到]+\s*(?P<end>(19|20)\d{2})")
_EXCEL_MAX_COLUMNS = 30


class PlanReadError(FormatError):
    """A plan file that cannot become a plan (no target table, nobody it applies to …)."""


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
        plan: The ``plans`` row (``loaders.plans.PLAN_COLUMNS``).
        targets: Its targets (``loaders.plans.TARGET_COLUMNS``), every row of its table.
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


def own_plan_id(scope: str, applies_to: str, title: str) -> str:
    """A college's plan id: the same title, scope and addressee give the same id (a new version replaces it)."""
    key = f"{scope}|{applies_to}|{title}".encode()
    return f"own_{hashlib.sha256(key).hexdigest()[:12]}"


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
        lines, places = _workbook_lines(data, name)
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
    return _from_table(lines, places, name, sha256, specs, meta)


# ---------------------------------------------------------------------------- the three forms


def _known(parsed: PlanParse, name: str, sha256: str) -> PlanRead:
    """A known plan: every target without an indicator is explained in the reviewed mapping (its note)."""
    report = _report(parsed.targets.iloc[0:0], [], [])
    return PlanRead(parsed.plan, parsed.targets, report, "plan_spec", sha256, name)


def _own_grammar(specs: PlanSpecs) -> Grammar:
    own = specs.own_plans
    return specs.grammar.model_copy(update={"benchmarks": {**specs.grammar.benchmarks, **own.benchmarks}})


class _Registry:
    """Indicator names → ids (Chinese name, English name or id; the reviewed map's labels as aliases)."""

    def __init__(self) -> None:
        frame = read_registry()
        self.direction = dict(zip(frame["indicator_id"], frame["direction"], strict=True))
        self.by_name: dict[str, str] = {}
        units = registry_units()
        mapped = load_target_map(registry_ids=set(units))
        mapped = mapped[mapped["indicator_id"] != ""]
        for label, ids in mapped.groupby("label_zh")["indicator_id"]:
            if ids.nunique() == 1:
                self.by_name[_key(str(label))] = str(ids.iloc[0])
        for row in frame.itertuples(index=False):
            for alias in (row.name_zh, row.name_en, row.indicator_id):
                self.by_name[_key(str(alias))] = str(row.indicator_id)

    def find(self, label: str) -> str:
        return self.by_name.get(_key(label), "")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _from_workbook(data: bytes, name: str, sha256: str, specs: PlanSpecs) -> PlanRead:
    book = read_plan_workbook(data, name)
    meta = book.meta
    plan_id = own_plan_id(meta["scope"], meta["applies_to"], meta["title"])
    grammar, registry = _own_grammar(specs), _Registry()
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
        grammar=_own_grammar(specs),
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


# ---------------------------------------------------------------------------- a document's target table


def _cells(line: str) -> list[str]:
    """A table line's cells: split by tabs, by ``|``, or by runs of two or more spaces."""
    text = line.strip()
    if "\t" in line:
        parts = line.split("\t")
    elif text.count("|") >= 2 or text.count("｜") >= 2:
        parts = re.split(r"[|｜]", text.strip("|｜"))
    else:
        parts = re.split(r"(?:\s|\u3000){2,}", text)
    return [tidy(p) for p in parts]


def _header_roles(cells: list[str], own: OwnPlans) -> dict[int, tuple[str, int | None, str | None]] | None:
    """``column → (role, year, unit)`` when the cells are a target table's header, else None."""
    columns = own.columns
    aliases = {
        "indicator": columns.indicator,
        "target": columns.target,
        "year": columns.year,
        "unit": columns.unit,
        "comparator": columns.comparator,
        "benchmark": columns.benchmark,
    }
    roles: dict[int, tuple[str, int | None, str | None]] = {}
    for index, cell in enumerate(cells):
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell))
        unit = None
        if bracket := re.search(r"[（(]([^（）()]+)[）)]$", text):
            unit, text = bracket.group(1).removeprefix("单位").lstrip(":："), text[: bracket.start()]
        year = None
        if (found := _YEAR_IN_HEADER_RE.search(text)) and text != found.group():
            year, text = int(found["year"]), (text[: found.start()] + text[found.end() :])
        for role, names in aliases.items():
            if text in names and role not in {r for r, _, _ in roles.values()}:
                roles[index] = (role, year, unit or None)
                break
    wanted = {r for r, _, _ in roles.values()}
    return roles if {"indicator", "target"} <= wanted else None


def _from_table(
    lines: list[str], places: list[str], name: str, sha256: str, specs: PlanSpecs, meta: dict[str, Any]
) -> PlanRead:
    own = specs.own_plans
    header_at, roles = None, None
    for index, line in enumerate(lines):
        roles = _header_roles(_cells(line), own) if line.strip() else None
        if roles:
            header_at = index
            break
    if header_at is None or roles is None:
        known = "、".join(own.columns.indicator[:3]) + " / " + "、".join(own.columns.target[:3])
        raise PlanReadError(
            name,
            "",
            f"未找到目标表：应有一行表头同时含指标列（{known.split(' / ')[0]}…）和目标值列"
            f"（{known.split(' / ')[1]}…），也不是已知的规划文件或规划目标模板。",
            "no target table found: expected a header line with an indicator column"
            " (指标 …) and a target column (目标值 …); nor is it a known plan or the plan-targets template.",
        )
    unit_re, width = re.compile(own.unit_row), len(_cells(lines[header_at]))
    role_of = {role: (index, year, unit) for index, (role, year, unit) in roles.items()}
    named = (_TABLE_NAME_RE.match(lines[i].strip()) for i in range(header_at - 1, max(-1, header_at - 4), -1))
    table_name = next((re.sub(r"[#\s]", "", m.group()) for m in named if m), "目标表")
    found: list[tuple[RawTarget, ParsedValue, str]] = []
    problems: list[tuple[int, str, str]] = []
    skipped: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    unit_hint: str | None = role_of.get("target", (0, None, None))[2]
    group: str | None = None

    def where(index: int) -> str:
        return f"第 {index + 1} 行" + (f"（{places[index]}）" if index < len(places) and places[index] else "")

    def skip(index: int, zh: str, en: str) -> None:
        skipped.append({"line": index + 1, "place": where(index), "label_zh": tidy(lines[index]),
                        "problems_zh": zh, "problems_en": en})  # fmt: skip

    index = header_at + 1
    blank_run = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            blank_run += 1
            if blank_run >= 2 and pending:
                break
            index += 1
            continue
        blank_run = 0
        cells = _cells(line)
        text = tidy(unicodedata.normalize("NFKC", line))
        if all(re.fullmatch(r":?-{3,}:?|", c) for c in cells):  # a Markdown table's rule under its header
            index += 1
            continue
        if unit_match := unit_re.match(text):
            unit_hint = unit_match["unit"]
            skip(index, f"单位行：其下各行单位为“{unit_hint}”", f"a unit row: the rows below are in {unit_hint!r}")
        elif len([c for c in cells if c]) <= 1:
            nxt = next((lines[j] for j in range(index + 1, len(lines)) if lines[j].strip()), "")
            if _SECTION_RE.match(text) and len([c for c in _cells(nxt) if c]) >= 2:
                group = text
                skip(index, f"分组行：其下目标归入“{group}”", f"a group row: the targets below belong to {group!r}")
            elif pending and len(text) <= 40 and not text.endswith(("。", "：", ":")) and not _SECTION_RE.match(text):
                row = pending[-1]
                if not row["target"] and DIGIT_RE.search(text):
                    row["target"] = text
                else:
                    row["label"] += text
                row["text"] += f" ⏎ {text}"
                skip(index, "续行：并入上一行（单元格换行）", "a continued cell: joined to the row above")
            else:
                break
        elif len(cells) > width:
            pending.append({"index": index, "label": text, "target": "", "year": "", "unit": "", "comparator": "",
                            "benchmark": "", "text": line.strip(), "group": group, "unit_hint": unit_hint,
                            "problem": (f"该行有 {len(cells)} 个单元格，表头只有 {width} 列，无法按列读取",
                                        f"the row has {len(cells)} cells but the header {width} columns")})  # fmt: skip
        else:

            def cell(role: str, cells: list[str] = cells) -> str:
                at = role_of.get(role)
                return cells[at[0]] if at is not None and at[0] < len(cells) else ""

            pending.append({"index": index, "label": cell("indicator"), "target": cell("target"),
                            "year": cell("year"), "unit": cell("unit"), "comparator": cell("comparator"),
                            "benchmark": cell("benchmark"), "text": line.strip(), "group": group,
                            "unit_hint": unit_hint, "problem": None})  # fmt: skip
        index += 1
    if not pending:
        raise PlanReadError(
            name,
            where(header_at),
            "目标表的表头之后没有目标行。",
            "the target table has a header but no target rows.",
        )
    grammar, registry = _own_grammar(specs), _Registry()
    column_year = role_of["target"][1]
    for row in pending:
        at = row["index"]
        label = row["label"] or f"第 {at + 1} 行"
        indicator_id = registry.find(row["label"]) if row["label"] and not row["problem"] else ""
        position = len(found)
        if row["problem"]:
            problems.append((position, *row["problem"]))
        year: int | None = column_year
        if row["year"]:
            try:
                year = year_value(row["year"], name, where(at), "年份 year")
            except PlanWorkbookError as exc:
                problems.append((position, exc.zh, exc.en))
        unit = row["unit"] or row["unit_hint"]
        value_text = row["target"]
        parsed = ParsedValue("text")
        if value_text and not row["problem"]:
            written = value_text
            if unit and DIGIT_RE.search(value_text) and not re.search(r"[^\d.\s\-~～—–至]", value_text):
                written = f"{value_text}{unit}"
            if row["benchmark"]:
                written = f"高于{row['benchmark']}{value_text}倍"
            try:
                parsed = parse_target_value(written, grammar, name, where(at))
            except ValueParseError as exc:
                problems.append((position, f"目标值未读懂：{exc.zh}", f"target value not understood: {exc.en}"))
            comparator = {"≥": ">=", "≤": "<=", "=": "=", ">=": ">=", "<=": "<="}.get(row["comparator"])
            if comparator and parsed.comparator in (">=", "<=", "="):
                parsed = ParsedValue(comparator, value=parsed.value, unit=parsed.unit, qualifier=parsed.qualifier)
        place = f"[{places[at]}] " if at < len(places) and places[at] else ""
        raw = RawTarget(
            label_zh=label,
            value_text=value_text or None,
            source_line=at + 1,
            source_text=place + row["text"],
            level1=row["group"],
            target_year=year,
        )
        found.append((raw, parsed, indicator_id))
    plan = _document_plan(lines, name, meta, own, found, table_name)
    return _assemble(plan, found, problems, skipped, name, sha256, specs, "plan_table", place="行")


def _document_plan(
    lines: list[str],
    name: str,
    meta: dict[str, Any],
    own: OwnPlans,
    found: list[tuple[RawTarget, ParsedValue, str]],
    table_name: str,
) -> dict[str, Any]:
    """The plan row of a document: what ``meta`` says, else what its title says."""
    first = next((tidy(line).lstrip("# ").strip() for line in lines if line.strip()), "")
    title = str(meta.get("title") or first)
    school = re.match(own.school_name, title)
    applies_to = str(meta.get("applies_to") or (school["school"] if school else ""))
    scope = str(meta.get("scope") or ("school" if school and applies_to == school["school"] else ""))
    if not title or not applies_to or scope not in _SCOPE_ZH:
        raise PlanReadError(
            name,
            "",
            "规划文件未写明适用对象：标题中没有学校名称，请注明适用范围（学校/市/省）和适用对象"
            "（仪表盘上传时填写，命令行用 --scope 与 --applies-to）。"
            f"找到的标题：“{title}”。",
            "the plan does not say whom it applies to: its title names no school; give the scope"
            " (school/city/province) and whom it applies to (fields of the upload, or --scope and --applies-to)."
            f" Title found: {title!r}.",
        )
    period = _PERIOD_RE.search(title)
    years = [raw.target_year for raw, _, _ in found if raw.target_year]
    target_year = meta.get("target_year") or (int(period["end"]) if period else (max(years) if years else None))
    start_year = meta.get("start_year") or (int(period["start"]) if period else None)
    if target_year is None:
        raise PlanReadError(
            name,
            "",
            "无法确定规划的目标年份：标题中没有“2024—2026年”这样的期间，目标表也没有年份列。请注明目标年份。",
            "the plan's target year is unknown: no period such as 2024-2026 in the title and no year column;"
            " give the target year.",
        )
    return {
        "plan_id": own_plan_id(scope, applies_to, title),
        "title": title,
        "issuer": str(meta.get("issuer") or applies_to),
        "scope": scope,
        "start_year": int(start_year) if start_year else None,
        "target_year": int(target_year),
        "source_file": name,
        "source_table": table_name,
        "applies_to": applies_to,
    }


def _workbook_lines(data: bytes, name: str) -> tuple[list[str], list[str]]:
    """A workbook that is not the template, as tab-separated lines with their sheet and row."""
    from loaders.read.sheets import display
    from loaders.read.workbook import _check_container, _open_workbook

    _check_container(data, name)
    book = _open_workbook(data, name, data_only=True)
    lines, places = [], []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        for cells in sheet.iter_rows(max_col=_EXCEL_MAX_COLUMNS):
            texts = [display(c.value, c.number_format) if c.value is not None else "" for c in cells]
            while texts and not texts[-1]:
                texts.pop()
            lines.append("\t".join(texts) if len([t for t in texts if t]) > 1 else "".join(texts))
            places.append(f"工作表「{sheet.title}」第 {cells[0].row} 行")
        lines.append("")
        places.append("")
    return lines, places


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
        f"{read.source_file}：{plan['title']}（{plan['plan_id']}，适用于{_SCOPE_ZH[plan['scope']]}“{plan['applies_to']}”）"
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

__all__ = [
    "NOTE_UNMAPPED",
    "REPORT_COLUMNS",
    "LoadError",
    "PlanRead",
    "PlanReadError",
    "TargetLink",
    "format_plan_report",
    "own_plan_id",
    "plan_summary",
    "read_plan_bytes",
]
