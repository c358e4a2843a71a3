"""Plan targets: read plan documents into ``plans`` and ``targets`` rows.

Belongs here: the documents — recognising which plan a text is (by its own words, per
``data/specs/plan_specs.toml``), finding its indicator table (the school plan's 附件2, 台州's 附表1)
or its target sentences (温州's and 丽水's lists), and turning each target into a ``targets`` row:
its 观测值 parsed (:mod:`loaders.plans.values`), mapped to the indicator registry through the reviewed
mapping (:mod:`loaders.plans.mapping`) and converted into the registry unit (``data/specs/units.csv``).
The spec's shape is :mod:`loaders.plans.spec`. Nothing here writes to the database.

A ``targets`` row (:data:`loaders.plans.targets.TARGET_COLUMNS`, declared in :mod:`loaders.contracts.fields`):

- ``comparator`` is ``>=``, ``<=``, ``=``, ``range`` (``target_low``..``target_high``) or ``text``
  (no number: ``实质性运作``; ``target_value`` is null).
- ``kind`` is ``absolute`` (a level to reach by ``target_year``), ``cumulative`` (a total over
  the plan period, e.g. 授权发明专利 480 项), ``annual_average`` (年均 …), ``relative`` (a multiple of
  a benchmark series), ``range`` or ``text``.
- ``relative_to`` is ``"<indicator_id>@<subject>"`` for a relative target whose benchmark is a
  series the reports carry (``monthly_income@高职``: 全省高职平均值); see :func:`split_relative_to`.
- ``indicator_id`` is null when the reports measure no such quantity; ``note`` then says why.

Turning a target as found into a ``targets`` row is :mod:`loaders.plans.targets`, the one path
every plan takes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.contracts import registry
from loaders.contracts.errors import BilingualError, FormatError, TableError
from loaders.contracts.fields import PLAN_FIELDS, dtypes, names
from loaders.contracts.paths import PLANS_DIR
from loaders.plans.mapping import load_target_map
from loaders.plans.spec import Grammar, PlanClause, PlanSpec, PlanSpecs, PlanTable, load_plan_specs
from loaders.plans.targets import TARGET_COLUMNS, TARGET_DTYPES, RawTarget, build_targets, frame_of
from loaders.plans.values import DIGIT_RE, ParsedValue, parse_target_value, split_value_parts, tidy
from loaders.read.load import read_file
from loaders.read.text import decode_text

PLAN_COLUMNS = names(PLAN_FIELDS)
PLAN_DTYPES = dtypes(PLAN_FIELDS)


class UnknownPlanError(BilingualError, LookupError):
    """A plan id was asked for that no plan document defines."""

    def __init__(self, plan_id: str, known: list[str]) -> None:
        self.plan_id = plan_id
        self.known = known
        listed = "、".join(known) or "（无）"
        super().__init__(
            f"没有编号为 {plan_id} 的规划；已有：{listed}", f"no plan with id {plan_id!r}; known: {', '.join(known)}"
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.plan_id, self.known))


@dataclass(frozen=True)
class PlanParse:
    """One plan document parsed.

    Attributes:
        plan: The ``plans`` row (keys :data:`PLAN_COLUMNS`).
        targets: The ``targets`` rows, columns :data:`TARGET_COLUMNS`.
    """

    plan: dict[str, Any]
    targets: pd.DataFrame


def identify_plan(lines: list[str], source: str, specs: PlanSpecs) -> PlanSpec:
    """Find which plan a text is by its content (every ``identify`` pattern of one spec matches).

    Args:
        lines: The document's lines.
        source: File name, for messages.
        specs: The plan specs.

    Returns:
        The matching plan spec.

    Raises:
        FormatError: No spec matches, or more than one does.
    """
    text = "\n".join(lines)
    found = [spec for spec in specs.plans if all(re.search(p, text, flags=re.MULTILINE) for p in spec.identify)]
    if len(found) == 1:
        return found[0]
    if not found:
        known = "、".join(spec.title for spec in specs.plans)
        raise FormatError(
            source,
            "",
            f"无法识别为已知的规划文件（已知：{known}）。",
            "the text matches none of the plans in plan_specs.toml.",
        )
    ids = ", ".join(spec.plan_id for spec in found)
    raise FormatError(
        source,
        "",
        f"文件同时符合多个规划的识别规则：{ids}。",
        f"the text matches more than one plan in plan_specs.toml: {ids}.",
    )


def _table_rows(lines: list[str], source: str, table: PlanTable) -> list[int]:
    """Indexes of a table's data lines: after ``start`` and ``header``, until a line without a tab."""
    start_re, header_re = re.compile(table.start), re.compile(table.header)
    start = next((i for i, line in enumerate(lines) if start_re.search(line)), None)
    if start is None:
        raise FormatError(
            source,
            table.name,
            f"未找到{table.name}（应有与 /{table.start}/ 相符的一行）。",
            f"no line matches /{table.start}/, so the table {table.name} is missing.",
        )
    header = next((i for i in range(start + 1, len(lines)) if header_re.search(lines[i])), None)
    if header is None:
        raise FormatError(
            source,
            f"第 {start + 1} 行",
            f"{table.name}之后未找到表头（应与 /{table.header}/ 相符）。",
            f"no table header matching /{table.header}/ after {table.name}.",
        )
    rows = []
    for index in range(header + 1, len(lines)):
        line = lines[index]
        if not line.strip() or header_re.search(line):
            continue
        if "\t" not in line:
            break
        rows.append(index)
    if not rows:
        raise FormatError(
            source,
            f"第 {header + 1} 行",
            f"{table.name}表头之后没有数据行。",
            f"the table {table.name} has a header but no rows.",
        )
    return rows


def _raw_from_table(lines: list[str], source: str, table: PlanTable) -> list[RawTarget]:
    """One raw target per table row, with the hierarchy carried down from the rows above."""
    levels = table.levels
    strip_re = re.compile(table.label_strip) if table.label_strip else None
    level1_re = re.compile(table.level1) if table.level1 else None
    text_values = [re.compile(p) for p in table.text_values]
    current: list[str | None] = [None] * levels
    out: list[RawTarget] = []

    def label(cell: str) -> str:
        text = tidy(cell)
        return strip_re.sub("", text) if strip_re else text

    def value_like(cell: str) -> bool:
        return bool(DIGIT_RE.search(cell)) or any(p.search(cell) for p in text_values)

    for index in _table_rows(lines, source, table):
        line = lines[index]
        where = f"第 {index + 1} 行"
        cells = [tidy(c) for c in line.split("\t")]
        if table.layout == "positional":
            if len(cells) > levels + 1:
                raise TableError(
                    source,
                    where,
                    f"应有 {levels + 1} 列，实际有 {len(cells)} 列。",
                    f"expected {levels + 1} cells, found {len(cells)}.",
                )
            cells += [""] * (levels + 1 - len(cells))
            for depth in range(levels):
                if cells[depth]:
                    current[depth] = label(cells[depth])
                    current[depth + 1 :] = [None] * (levels - depth - 1)
            value: str | None = cells[levels] or None
        else:
            filled = [c for c in cells if c]
            if level1_re and filled and level1_re.search(filled[0]):
                current = [label(filled[0])] + [None] * (levels - 1)
                filled = filled[1:]
            value = filled.pop() if filled and value_like(filled[-1]) else None
            if not filled or len(filled) > levels - 1:
                raise TableError(
                    source,
                    where,
                    f"{table.name}的行应有 1 至 {levels - 1} 个指标名称单元格，实际有 {len(filled)} 个。",
                    f"a row of {table.name} must hold 1 to {levels - 1} indicator labels; found {len(filled)}.",
                )
            for offset, cell in enumerate(filled):
                current[levels - len(filled) + offset] = label(cell)
        if not current[levels - 1] and table.layout == "positional":
            raise TableError(
                source, where, "该行没有指标名称。", f"the row has no label in column {levels} of {table.name}."
            )
        hierarchy = [*current, None, None, None][:3]
        out.append(
            RawTarget(
                label_zh=next(c for c in reversed(current) if c),
                value_text=value,
                source_line=index + 1,
                source_text=line,
                level1=hierarchy[0],
                level2=hierarchy[1],
                level3=hierarchy[2],
            )
        )
    return out


def _raw_from_clauses(lines: list[str], source: str, clauses: tuple[PlanClause, ...]) -> list[RawTarget]:
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []  # (offset in joined text, line index)
    offset = 0
    for index, line in enumerate(lines):
        body = line.strip()
        if body:
            starts.append((offset, index))
            pieces.append(body)
            offset += len(body)
    joined = "".join(pieces)
    out = []
    for clause in clauses:
        matches = list(re.finditer(clause.pattern, joined))
        if len(matches) != 1:
            raise TableError(
                source,
                clause.label,
                f"目标句“{clause.label}”应出现一次（/{clause.pattern}/），实际 {len(matches)} 次。",
                f"expected the target sentence {clause.label!r} once (/{clause.pattern}/); found {len(matches)}.",
            )
        at = matches[0].start("value")
        line_index = max(i for off, i in starts if off <= at)
        out.append(
            RawTarget(
                label_zh=clause.label,
                value_text=tidy(matches[0]["value"]),
                source_line=line_index + 1,
                source_text=lines[line_index],
            )
        )
    return out


def _expand_parts(raw: list[RawTarget], grammar: Grammar, source: str) -> list[tuple[RawTarget, ParsedValue]]:
    """One (target, parsed value) per part of every raw target; labels of extra parts get their qualifier."""
    out = []
    for target in raw:
        where = f"第 {target.source_line} 行"
        parts = split_value_parts(target.value_text or "", grammar)
        if len(parts) <= 1:
            out.append((target, parse_target_value(target.value_text, grammar, source, where)))
            continue
        for part in parts:
            parsed = parse_target_value(part, grammar, source, where)
            name = parsed.qualifier
            label = f"{target.label_zh}（{name}）" if name else target.label_zh
            out.append((replace(target, label_zh=label, value_text=part), parsed))
    return out


def parse_plan_lines(
    lines: list[str],
    source: str,
    specs: PlanSpecs,
    target_map: pd.DataFrame,
    registry_units: dict[str, str],
    units: dict[tuple[str, str], float],
) -> PlanParse:
    """Parse a plan document's lines into its ``plans`` row and ``targets`` rows.

    Args:
        lines: The document's lines (line ``i`` is line number ``i + 1``).
        source: File name (stored as ``source_file``; named in messages).
        specs: The plan specs (:func:`load_plan_specs`).
        target_map: The reviewed mapping (:func:`load_target_map`).
        registry_units: ``indicator_id → unit`` of the registry.
        units: Unit factors (:func:`loaders.contracts.registry.unit_factors`).

    Returns:
        The plan row and its targets, in document order.

    Raises:
        FormatError: The text is no known plan, or its table is missing or empty.
        TableError: A table row or target sentence does not match its spec; a mapped unit is
            inconsistent with the 观测值.
        ValueParseError: A 观测值 cannot be parsed or converted into its indicator's unit.
    """
    spec = identify_plan(lines, source, specs)
    grammar = specs.grammar
    if spec.table is not None:
        raw = _raw_from_table(lines, source, spec.table)
    else:
        raw = _raw_from_clauses(lines, source, spec.clauses)
    plan_id = spec.plan_id
    mapping = {row.label_zh: row for row in target_map[target_map["plan_id"] == plan_id].itertuples(index=False)}
    targets, _ = build_targets(
        _expand_parts(raw, grammar, source),
        plan_id=plan_id,
        default_subject=spec.default_subject,
        target_year=spec.target_year,
        source=source,
        grammar=grammar,
        link=mapping.get,
        registry_units=registry_units,
        units=units,
    )
    duplicated = targets[targets.duplicated("label_zh", keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise TableError(
            source,
            f"第 {first['source_line']} 行",
            f"指标名称“{first['label_zh']}”重复，无法唯一映射。",
            f"the label {first['label_zh']!r} occurs more than once, so it cannot be mapped uniquely.",
        )
    plan = {
        "plan_id": plan_id,
        "title": spec.title,
        "issuer": spec.issuer,
        "scope": spec.scope,
        "start_year": spec.start_year,
        "target_year": spec.target_year,
        "source_file": source,
        "source_table": spec.source_table,
        "applies_to": spec.applies_to,
    }
    return PlanParse(plan=plan, targets=targets)


def parse_plan(
    path: Path | str,
    specs: PlanSpecs | None = None,
    target_map: pd.DataFrame | None = None,
    registry_units: dict[str, str] | None = None,
    units: dict[tuple[str, str], float] | None = None,
) -> PlanParse:
    """Read and parse one plan document.

    Args:
        path: The text file.
        specs: Plan specs; the project's plan_specs.toml by default.
        target_map: The reviewed mapping; the project's target_indicator_map.csv by default.
        registry_units: ``indicator_id → unit``; from data/indicators.csv by default.
        units: Unit factors; the project's units.csv by default.

    Returns:
        The plan row and its targets.

    Raises:
        FormatError: The file is empty, unreadable, no known plan, or lacks its table.
        EncodingError: The file is binary or in an unknown encoding.
        TableError: See :func:`parse_plan_lines`.
        ValueParseError: See :func:`parse_plan_lines`.
    """
    path = Path(path)
    registry_units = registry_units if registry_units is not None else registry.registry_units()
    specs = specs or load_plan_specs()
    target_map = target_map if target_map is not None else load_target_map(registry_ids=set(registry_units))
    units = units if units is not None else registry.unit_factors()
    data = read_file(path)
    lines = decode_text(data, path.name).lines
    return parse_plan_lines(lines, path.name, specs, target_map, registry_units, units)


def parse_all_plans(plans_dir: Path | str = PLANS_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse every ``*.txt`` plan document in a folder.

    Args:
        plans_dir: The folder (data/plans by default).

    Returns:
        ``(plans, targets)``: one row per document (:data:`PLAN_COLUMNS`) and all their targets
        (:data:`TARGET_COLUMNS`); both empty, with their columns, when the folder holds no plan.

    Raises:
        FormatError: A file is no known plan, or two files are the same plan.
        LoadError: Any other problem of one file (see :func:`parse_plan`).
    """
    registry_units = registry.registry_units()
    specs = load_plan_specs()
    target_map = load_target_map(registry_ids=set(registry_units))
    units = registry.unit_factors()
    parsed = [parse_plan(p, specs, target_map, registry_units, units) for p in sorted(Path(plans_dir).glob("*.txt"))]
    seen: dict[str, str] = {}
    for result in parsed:
        plan_id, source = result.plan["plan_id"], result.plan["source_file"]
        if plan_id in seen:
            raise FormatError(
                source,
                "",
                f"与 {seen[plan_id]} 是同一规划（{plan_id}），请只保留一个文件。",
                f"this is the same plan ({plan_id}) as {seen[plan_id]}; keep one of the two files.",
            )
        seen[plan_id] = source
    plans = frame_of([r.plan for r in parsed], PLAN_COLUMNS, PLAN_DTYPES)
    frames = [r.targets for r in parsed if not r.targets.empty]
    targets = pd.concat(frames, ignore_index=True) if frames else frame_of([], TARGET_COLUMNS, TARGET_DTYPES)
    return plans, targets.astype(TARGET_DTYPES)


def targets_json(plan_id: str | None = None, plans_dir: Path | str = PLANS_DIR) -> str:
    """The JSON array ``python -m loaders targets [--plan ID] --json`` prints.

    Args:
        plan_id: Only this plan's targets; all plans when None.
        plans_dir: Folder of plan documents (data/plans by default).

    Returns:
        A JSON array of target objects (keys :data:`TARGET_COLUMNS`; nulls for missing values).

    Raises:
        UnknownPlanError: ``plan_id`` is not one of the parsed plans.
    """
    plans, targets = parse_all_plans(plans_dir)
    if plan_id is not None:
        known = plans["plan_id"].tolist()
        if plan_id not in known:
            raise UnknownPlanError(plan_id, known)
        targets = targets[targets["plan_id"] == plan_id]
    records = json.loads(targets.to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=2)
