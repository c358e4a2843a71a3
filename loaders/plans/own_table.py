"""A plan document's own target table, read by its header; what every plan a college brings shares.

Belongs here: finding the header of a target table in any text (指标 / 目标值 / 年份 …, the names
of ``[own_plans.columns]`` in ``data/specs/plan_specs.toml``), reading its rows — unit rows, group
rows and wrapped cells understood — into targets as found, and the plan row from the document's
title or what the planner said; and what the workbook and table forms share: a college plan's id,
its value grammar, indicators by name. The door for every plan file is :mod:`loaders.plans.load`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from loaders.contracts.errors import FormatError, ValueParseError
from loaders.contracts.registry import read_registry, registry_units
from loaders.plans.mapping import load_target_map
from loaders.plans.spec import Grammar, OwnPlans, PlanSpecs
from loaders.plans.targets import RawTarget
from loaders.plans.values import DIGIT_RE, ParsedValue, parse_target_value, tidy
from loaders.plans.workbook import PlanWorkbookError, year_value

#: Scopes of a plan, as a Chinese reader names them.
SCOPE_ZH = {"school": "学校", "city": "市", "province": "省"}
_SECTION_RE = re.compile(r"^[（(]?[一二三四五六七八九十]+[、．.)）]|^第[一二三四五六七八九十]+[章节部分]")
_TABLE_NAME_RE = re.compile(r"^#*\s*(附表|附件|表)\s*[0-9一二三四五六七八九十]+")
_YEAR_IN_HEADER_RE = re.compile(r"(?P<year>(19|20)\d{2})\s*年?")
_PERIOD_RE = re.compile(r"(?P<start>(19|20)\d{2})\s*[—–\-~～至到]+\s*(?P<end>(19|20)\d{2})")
_EXCEL_MAX_COLUMNS = 30


class PlanReadError(FormatError):
    """A plan file that cannot become a plan (no target table, nobody it applies to …)."""


def own_plan_id(scope: str, applies_to: str, title: str) -> str:
    """A college's plan id: the same title, scope and addressee give the same id (a new version replaces it)."""
    key = f"{scope}|{applies_to}|{title}".encode()
    return f"own_{hashlib.sha256(key).hexdigest()[:12]}"


def own_grammar(specs: PlanSpecs) -> Grammar:
    """The value grammar of a college's plan: the spec's, with the benchmarks ``[own_plans]`` adds."""
    own = specs.own_plans
    return specs.grammar.model_copy(update={"benchmarks": {**specs.grammar.benchmarks, **own.benchmarks}})


class IndicatorNames:
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
        """The indicator a written name names, or ``""``."""
        return self.by_name.get(_key(label), "")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


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


@dataclass
class TableRead:
    """A document's target table as read: the plan row, the targets found (with the indicator each
    names, or ``""``), the problems of each (``(index in found, zh, en)``) and the lines skipped."""

    plan: dict[str, Any]
    found: list[tuple[RawTarget, ParsedValue, str]]
    problems: list[tuple[int, str, str]]
    skipped: list[dict[str, Any]]


def read_target_table(
    lines: list[str], places: list[str], name: str, specs: PlanSpecs, meta: dict[str, Any]
) -> TableRead:
    """Read a plan document's own target table by its header (see :mod:`loaders.plans.load`).

    Args:
        lines: The document's lines.
        places: Where each line is (page, sheet and row), or empty.
        name: The file's name.
        specs: The plan specs (``[own_plans]``: header names, unit rows, the school-name pattern).
        meta: What the document does not say itself (title, scope, applies_to, years).

    Returns:
        The table read.

    Raises:
        PlanReadError: No target table, no target row, or nobody or no year the plan is for.
    """
    own = specs.own_plans
    header_at, roles = _find_header(lines, name, own)
    role_of = {role: (index, year, unit) for index, (role, year, unit) in roles.items()}
    named = (_TABLE_NAME_RE.match(lines[i].strip()) for i in range(header_at - 1, max(-1, header_at - 4), -1))
    table_name = next((re.sub(r"[#\s]", "", m.group()) for m in named if m), "目标表")
    table = _TableLines(lines, places)
    pending = _table_rows(table, header_at, role_of, own)
    if not pending:
        raise PlanReadError(
            name,
            table.where(header_at),
            "目标表的表头之后没有目标行。",
            "the target table has a header but no target rows.",
        )
    found, problems = _targets(table, pending, role_of["target"][1], name, specs)
    plan = _document_plan(lines, name, meta, own, found, table_name)
    return TableRead(plan, found, problems, table.skipped)


def _find_header(
    lines: list[str], name: str, own: OwnPlans
) -> tuple[int, dict[int, tuple[str, int | None, str | None]]]:
    """The first line that is a target table's header, with its columns' roles."""
    for index, line in enumerate(lines):
        roles = _header_roles(_cells(line), own) if line.strip() else None
        if roles:
            return index, roles
    known = "、".join(own.columns.indicator[:3]) + " / " + "、".join(own.columns.target[:3])
    raise PlanReadError(
        name,
        "",
        f"未找到目标表：应有一行表头同时含指标列（{known.split(' / ')[0]}…）和目标值列"
        f"（{known.split(' / ')[1]}…），也不是已知的规划文件或规划目标模板。",
        "no target table found: expected a header line with an indicator column"
        " (指标 …) and a target column (目标值 …); nor is it a known plan or the plan-targets template.",
    )


@dataclass
class _TableLines:
    """The document's lines with their places, and the lines of the table that were not targets."""

    lines: list[str]
    places: list[str]
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def where(self, index: int) -> str:
        """``第 12 行（第 3 页）``: the line and, where known, its page or sheet row."""
        places = self.places
        return f"第 {index + 1} 行" + (f"（{places[index]}）" if index < len(places) and places[index] else "")

    def skip(self, index: int, zh: str, en: str) -> None:
        """Say why a line of the table is not a target."""
        self.skipped.append({"line": index + 1, "place": self.where(index), "label_zh": tidy(self.lines[index]),
                             "problems_zh": zh, "problems_en": en})  # fmt: skip


def _table_rows(
    table: _TableLines, header_at: int, role_of: dict[str, tuple[int, int | None, str | None]], own: OwnPlans
) -> list[dict[str, Any]]:
    """The table's rows below its header, cells by role; unit, group and continued lines understood.

    The table ends at two blank lines after a row, or a line that is none of those.
    """
    lines = table.lines
    unit_re, width = re.compile(own.unit_row), len(_cells(lines[header_at]))
    pending: list[dict[str, Any]] = []
    unit_hint: str | None = role_of.get("target", (0, None, None))[2]
    group: str | None = None
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
            table.skip(
                index, f"单位行：其下各行单位为“{unit_hint}”", f"a unit row: the rows below are in {unit_hint!r}"
            )
        elif len([c for c in cells if c]) <= 1:
            nxt = next((lines[j] for j in range(index + 1, len(lines)) if lines[j].strip()), "")
            if _SECTION_RE.match(text) and len([c for c in _cells(nxt) if c]) >= 2:
                group = text
                table.skip(
                    index, f"分组行：其下目标归入“{group}”", f"a group row: the targets below belong to {group!r}"
                )
            elif pending and len(text) <= 40 and not text.endswith(("。", "：", ":")) and not _SECTION_RE.match(text):
                row = pending[-1]
                if not row["target"] and DIGIT_RE.search(text):
                    row["target"] = text
                else:
                    row["label"] += text
                row["text"] += f" ⏎ {text}"
                table.skip(index, "续行：并入上一行（单元格换行）", "a continued cell: joined to the row above")
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
    return pending


def _targets(
    table: _TableLines, pending: list[dict[str, Any]], column_year: int | None, name: str, specs: PlanSpecs
) -> tuple[list[tuple[RawTarget, ParsedValue, str]], list[tuple[int, str, str]]]:
    """Each row as a target: its indicator by name, its year, its value parsed in its unit."""
    places = table.places
    found: list[tuple[RawTarget, ParsedValue, str]] = []
    problems: list[tuple[int, str, str]] = []
    grammar, registry = own_grammar(specs), IndicatorNames()
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
                year = year_value(row["year"], name, table.where(at), "年份 year")
            except PlanWorkbookError as exc:
                problems.append((position, exc.zh, exc.en))
        parsed = ParsedValue("text")
        if row["target"] and not row["problem"]:
            parsed, problem = _value(row, grammar, name, table.where(at))
            if problem is not None:
                problems.append((position, *problem))
        place = f"[{places[at]}] " if at < len(places) and places[at] else ""
        raw = RawTarget(
            label_zh=label,
            value_text=row["target"] or None,
            source_line=at + 1,
            source_text=place + row["text"],
            level1=row["group"],
            target_year=year,
        )
        found.append((raw, parsed, indicator_id))
    return found, problems


def _value(row: dict[str, Any], grammar: Grammar, name: str, where: str) -> tuple[ParsedValue, tuple[str, str] | None]:
    """A row's target value parsed: in its unit (or the table's), a multiple of its benchmark, with
    its comparator column; ``(text value, problem)`` when it is not understood."""
    value_text = row["target"]
    unit = row["unit"] or row["unit_hint"]
    written = value_text
    if unit and DIGIT_RE.search(value_text) and not re.search(r"[^\d.\s\-~～—–至]", value_text):
        written = f"{value_text}{unit}"
    if row["benchmark"]:
        written = f"高于{row['benchmark']}{value_text}倍"
    problem = None
    parsed = ParsedValue("text")
    try:
        parsed = parse_target_value(written, grammar, name, where)
    except ValueParseError as exc:
        problem = (f"目标值未读懂：{exc.zh}", f"target value not understood: {exc.en}")
    comparator = {"≥": ">=", "≤": "<=", "=": "=", ">=": ">=", "<=": "<="}.get(row["comparator"])
    if comparator and parsed.comparator in (">=", "<=", "="):
        parsed = ParsedValue(comparator, value=parsed.value, unit=parsed.unit, qualifier=parsed.qualifier)
    return parsed, problem


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
    if not title or not applies_to or scope not in SCOPE_ZH:
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


def workbook_lines(data: bytes, name: str) -> tuple[list[str], list[str]]:
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
