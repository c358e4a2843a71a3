"""Parse the text of a 高职 quality report (质量年度报告) into tidy observations.

Belongs here: finding the tables named in ``data/specs/report_tables.toml`` by their captions
or headings, rejoining wrapped cells, and turning every numeric cell into one observation
with its provenance. Anything that differs between schools or years is in the spec, not here.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from loaders.errors import FormatError, TableError, ValueParseError
from loaders.paths import REPORT_SPEC
from loaders.registry import convert, registry_units, subject_aliases
from loaders.text import NUMERIC_TOKEN_RE, normalize, parse_number

OBSERVATION_COLUMNS = [
    "indicator_id",
    "subject",
    "year",
    "years_after",
    "value",
    "unit",
    "source_table",
    "source_line",
    "source_text",
]

OBSERVATION_DTYPES = {
    "indicator_id": "str",
    "subject": "str",
    "year": "int64",
    "years_after": "Int64",
    "value": "float64",
    "unit": "str",
    "source_table": "str",
    "source_line": "int64",
    "source_text": "str",
}

_STR_DTYPE = pd.Series([], dtype="str").dtype  # pandas' default string dtype (Arrow-backed when pyarrow is there)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PLACEHOLDERS = {
    "{v}": rf"(?<![\d.])({_NUM})\s*%?",
    "{n}": rf"(?<![\d.])(?:{_NUM})\s*%?",
    "{_}": r"[^\d]{0,20}?",
    "{...}": r"[\s\S]{0,120}?",
    "{end}": r"\s*\Z",
}
_numeric_token = NUMERIC_TOKEN_RE.match  # loaders.text.is_numeric_token without the call (a hot loop)
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in _PLACEHOLDERS))
_COHORT_RE = re.compile(r"(\d{4})\s*届")
_YEAR_RE = re.compile(r"(\d{4})\s*年")
_YEARS_AFTER = {"一年后": 1, "三年后": 3, "1年后": 1, "3年后": 3}
_SERIAL_RE = re.compile(r"^\d+\s*")


@dataclass(frozen=True)
class ReportSpec:
    """The compiled contents of ``report_tables.toml``."""

    caption: re.Pattern[str]
    block_end: list[re.Pattern[str]]
    block_end_any: re.Pattern[str]  # the block_end patterns as one alternation (one search per line)
    school: list[re.Pattern[str]]
    report_year: list[re.Pattern[str]]
    survey_subjects: list[str]
    grids: list[dict[str, Any]]
    blocks: list[dict[str, Any]]


@dataclass
class ParsedReport:
    """What the parser found in one report.

    Attributes:
        school: School name as found in the text (or given by the caller).
        report_year: The report's data year.
        observations: One row per numeric cell, columns :data:`OBSERVATION_COLUMNS` (None inside
            :func:`arrow_only`, where ``table`` holds them).
        notes: Warnings a planner should see (tables of the spec not found in this report).
        encoding: The text encoding the source was decoded with, where it has one.
        lines: The text the figures were read from (line ``i`` is line number ``i + 1``);
            empty for sources without running text (workbooks, CSV).
        table: The observations as an Arrow table, when the parser built one (bulk builds send
            it between processes); not updated when ``observations`` is replaced.
    """

    school: str
    report_year: int
    observations: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    lines: list[str] = field(default_factory=list)
    table: pa.Table | None = field(default=None, repr=False)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a spec pattern: literal characters with optional whitespace between them.

    Args:
        pattern: Pattern text with ``{v}``, ``{n}``, ``{_}``, ``{...}``, ``{end}`` placeholders.

    Returns:
        A regex whose groups are the ``{v}`` values, in order.
    """
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER_RE.finditer(pattern):
        parts.extend(re.escape(ch) for ch in normalize(pattern[pos : match.start()]) if not ch.isspace())
        parts.append(_PLACEHOLDERS[match.group()])
        pos = match.end()
    parts.extend(re.escape(ch) for ch in normalize(pattern[pos:]) if not ch.isspace())
    return re.compile(r"\s*".join(parts))


@cache
def load_spec(path: Path = REPORT_SPEC) -> ReportSpec:
    """Read and compile the report spec.

    Args:
        path: The TOML spec.

    Returns:
        The compiled spec.
    """
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    meta = raw["meta"]
    grids = []
    for grid in raw.get("grid", []):
        grids.append({**grid, "title_re": re.compile(grid["title"])})
    blocks = []
    for block in raw.get("block", []):
        compiled = {**block}
        if "title" in block:
            compiled["title_re"] = re.compile(block["title"])
        else:
            compiled["start_re"] = re.compile(block["start"])
            compiled["end_re"] = re.compile(block["end"])
        compiled["rows"] = [{**row, "compiled": [compile_pattern(p) for p in row["patterns"]]} for row in block["rows"]]
        blocks.append(compiled)
    return ReportSpec(
        caption=re.compile(meta["caption"]),
        block_end=[re.compile(p) for p in meta["block_end"]],
        block_end_any=re.compile("|".join(f"(?:{p})" for p in meta["block_end"])),
        school=[re.compile(p) for p in meta["school"]],
        report_year=[re.compile(p) for p in meta["report_year"]],
        survey_subjects=list(meta["survey_subjects"]),
        grids=grids,
        blocks=blocks,
    )


@dataclass(frozen=True)
class _Caption:
    index: int  # 0-based line index
    table: str  # e.g. "表2-15"
    title: str


def parse_report_lines(
    lines: list[str],
    source: str,
    school: str | None = None,
    report_year: int | None = None,
    spec: ReportSpec | None = None,
) -> ParsedReport:
    """Parse a report's lines into observations.

    Args:
        lines: Raw lines of the report text (line ``i`` is line number ``i + 1``).
        source: File name, for provenance and messages.
        school: School name; found in the text when None.
        report_year: Data year of the report; found in the text when None.
        spec: Compiled spec; the bundled one when None.

    Returns:
        The parsed report.

    Raises:
        FormatError: No table of the spec was found, or the school/year cannot be determined.
        TableError: A table was found but rows or cells are missing.
        ValueParseError: A cell that must hold a number does not.
    """
    spec = spec or load_spec()
    # One NFKC pass over the whole text (no line break is created or removed by NFKC).
    norm = [line.strip() for line in normalize("\n".join(lines)).split("\n")] if lines else []
    captions = _find_captions(norm, spec)
    if not _has_known_table(norm, captions, spec):
        raise FormatError(
            source,
            "",
            "没有找到任何可识别的质量报告表格（如“表 2-15 … 就业状况”）。请确认这是高职质量年度报告。",
            "no recognisable quality-report table was found (e.g. '表 2-15 … 就业状况').",
        )
    school = school or _find_school(norm, spec, source)
    report_year = report_year or _find_report_year(norm, spec, source)
    rows: list[tuple[Any, ...]] = []  # one tuple per observation, in OBSERVATION_COLUMNS order
    found: set[str] = set()
    context = _Context(lines, norm, source, school, report_year, spec, captions, notes=[])

    for caption in captions:
        for grid in spec.grids:
            if grid["title_re"].search(caption.title):
                rows.extend(context.parse_grid(grid, caption))
                found.add(grid["id"])
                break
        else:
            for block in spec.blocks:
                if "title_re" in block and block["title_re"].search(caption.title):
                    end = context.caption_block_end(caption)
                    rows.extend(context.parse_block(block, caption.index, end, caption.table, caption.title))
                    found.add(block["id"])
                    break
    for block in spec.blocks:
        if "start_re" not in block:
            continue
        span = _find_section(norm, block)
        if span is not None:
            rows.extend(context.parse_block(block, span[0], span[1], block["source_table"], ""))
            found.add(block["id"])

    if not rows:
        raise FormatError(
            source,
            "",
            "没有找到任何可识别的质量报告表格（如“表 2-15 … 就业状况”）。请确认这是高职质量年度报告。",
            "no recognisable quality-report table was found (e.g. '表 2-15 … 就业状况').",
        )
    missing = [item["id"] for item in [*spec.grids, *spec.blocks] if item["id"] not in found]
    notes = [f"未找到表格 / table not found: {table_id}" for table_id in missing] + context.notes
    table = observation_table(rows)
    return ParsedReport(
        school=school,
        report_year=report_year,
        observations=frame_from_table(table) if _FRAMES_WANTED.get() else None,
        notes=notes,
        lines=list(lines),
        table=table,
    )


_FRAMES_WANTED: contextvars.ContextVar[bool] = contextvars.ContextVar("frames_wanted", default=True)


@contextlib.contextmanager
def arrow_only() -> Iterator[None]:
    """Within this block the report parser leaves ``observations`` as None and fills ``table`` only.

    For bulk builds, which send the Arrow table between processes and never look at the pandas
    frame (building it costs a tenth of the parsing).
    """
    token = _FRAMES_WANTED.set(False)
    try:
        yield
    finally:
        _FRAMES_WANTED.reset(token)


def observation_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    """Observation tuples (in :data:`OBSERVATION_COLUMNS` order) as an Arrow table.

    Text columns are ``large_string``, ``years_after`` an ``int64`` with nulls.
    """
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in OBSERVATION_DTYPES]
    arrays = []
    for values, dtype in zip(columns, OBSERVATION_DTYPES.values(), strict=True):
        if dtype == "str":
            arrays.append(pa.array(values, pa.large_string()))
        elif dtype == "Int64":
            arrays.append(pa.array([None if v is None or v != v else v for v in values], pa.int64()))
        elif dtype == "float64":
            arrays.append(pa.array(values, pa.float64()))
        else:
            arrays.append(pa.array(values, pa.int64()))
    return pa.Table.from_arrays(arrays, names=list(OBSERVATION_DTYPES))


def frame_from_table(table: pa.Table) -> pd.DataFrame:
    """An :func:`observation_table` as the observations frame (``str``, ``int64``, ``Int64``, ``float64``).

    Built column by column (about twice as fast as ``DataFrame(rows).astype(...)``), same result.
    """
    from pandas.arrays import ArrowStringArray, IntegerArray

    columns: dict[str, Any] = {}
    for column, dtype in OBSERVATION_DTYPES.items():
        array = table.column(column)
        if dtype == "str":
            if getattr(_STR_DTYPE, "storage", "") == "pyarrow":
                columns[column] = ArrowStringArray(array, dtype=_STR_DTYPE)
            else:
                columns[column] = pd.array(array.to_pylist(), dtype=_STR_DTYPE)
        elif dtype == "Int64":
            mask = array.is_null().to_numpy(zero_copy_only=False)
            values = array.fill_null(0).to_numpy(zero_copy_only=False).astype("int64", copy=False)
            columns[column] = IntegerArray(values, mask)
        else:
            columns[column] = array.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    return pd.DataFrame(columns, copy=False)


def _has_known_table(norm: list[str], captions: list[_Caption], spec: ReportSpec) -> bool:
    titled = [item["title_re"] for item in [*spec.grids, *spec.blocks] if "title_re" in item]
    if any(pattern.search(caption.title) for caption in captions for pattern in titled):
        return True
    starts = [block["start_re"] for block in spec.blocks if "start_re" in block]
    return any(pattern.search(line) for line in norm for pattern in starts)


def _find_school(norm: list[str], spec: ReportSpec, source: str) -> str:
    counts: dict[str, int] = {}
    text = "\n".join(norm)
    for pattern in spec.school:
        for name in _matches_per_line(pattern, norm, text, "school"):
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        raise FormatError(
            source,
            "",
            "无法从文本中识别学校名称，请在导入时指定学校。",
            "cannot tell the school's name from the text; give it when importing.",
        )
    return max(counts, key=lambda name: (counts[name], len(name)))


def _find_report_year(norm: list[str], spec: ReportSpec, source: str) -> int:
    text = "\n".join(norm)
    for pattern in spec.report_year:
        years = [int(year) for year in _matches_per_line(pattern, norm, text, "year")]
        if years:
            return max(set(years), key=years.count)
    raise FormatError(
        source,
        "",
        "无法从文本中识别报告年度，请在导入时指定年度。",
        "cannot tell the report's data year from the text; give it when importing.",
    )


_LINE_SENSITIVE = re.compile(r"\^|\$|\\[AZz]|\(\?<?[=!]")  # anchors and lookarounds see line ends


def _matches_per_line(pattern: re.Pattern[str], norm: list[str], text: str, group: str) -> list[str]:
    """``group`` of every match of ``pattern`` in each line, in order (as ``finditer`` per line).

    One ``finditer`` over the whole text (the lines joined by ``\\n``) gives the same matches when
    the pattern has no anchors or lookarounds and no match spans a line break; otherwise the
    lines are searched one by one.
    """
    if not _LINE_SENSITIVE.search(pattern.pattern):
        matches = list(pattern.finditer(text))
        if not any("\n" in match.group(0) for match in matches):
            return [match.group(group) for match in matches]
    return [match.group(group) for line in norm for match in pattern.finditer(line)]


def _find_captions(norm: list[str], spec: ReportSpec) -> list[_Caption]:
    captions = []
    for index, line in enumerate(norm):
        if not line.startswith("表"):
            continue
        match = spec.caption.match(line)
        if match and match.group("title"):
            number = re.sub(r"\s*[-–—]\s*", "-", match.group("num"))
            captions.append(_Caption(index, f"表{number}", match.group("title").strip()))
    return captions


def _find_section(norm: list[str], block: dict[str, Any]) -> tuple[int, int] | None:
    for start, line in enumerate(norm):
        if block["start_re"].search(line):
            for end in range(start + 1, len(norm)):
                if block["end_re"].search(norm[end]):
                    return start, end
            return start, len(norm)
    return None


@dataclass
class _Context:
    lines: list[str]
    norm: list[str]
    source: str
    school: str
    report_year: int
    spec: ReportSpec
    captions: list[_Caption]
    notes: list[str]

    # -------------------------------------------------------------- shared helpers
    def where(self, index: int, table: str) -> str:
        return f"{table} 第 {index + 1} 行"

    def resolve_year(self, rule: str | int, caption_title: str, table: str, index: int) -> int:
        if isinstance(rule, int):
            return rule
        if rule == "cohort":
            match = _COHORT_RE.search(caption_title)
            if not match:
                raise TableError(
                    self.source,
                    self.where(index, table),
                    f"表题中应有届别（如“2019 届”），实际为“{caption_title}”。",
                    f"expected a cohort such as '2019 届' in the caption, found '{caption_title}'.",
                )
            return int(match.group(1))
        if rule == "caption":
            years = [int(y) for y in _YEAR_RE.findall(caption_title)]
            return max(years) if years else self.report_year
        if rule.startswith("report"):
            offset = int(rule[len("report") :] or 0)
            return self.report_year + offset
        raise ValueError(f"unknown year rule {rule!r}")

    def resolve_years_after(self, rule: str | int | None, caption_title: str) -> int | None:
        if rule is None or isinstance(rule, int):
            return rule
        for word, years in _YEARS_AFTER.items():
            if word in caption_title:
                return years
        return None

    def subject(self, label: str, scope: str) -> str:
        aliases = subject_aliases()
        label = label.replace(" ", "")
        if scope == "survey" and label == self.school:
            return "本校"
        return aliases.get((scope, label)) or aliases.get(("all", label)) or label

    def observation(
        self,
        indicator: str,
        subject: str,
        year: int,
        years_after: int | None,
        value: float,
        source_unit: str | None,
        table: str,
        index: int,
    ) -> tuple[Any, ...]:
        unit = registry_units()[indicator]
        if source_unit and source_unit != unit:
            converted = convert(value, source_unit, unit)
            if converted is None:
                raise ValueParseError(
                    self.source,
                    self.where(index, table),
                    f"{indicator} 的单位应为 {unit}，实际为 {source_unit}，无法换算。",
                    f"{indicator} must be in {unit}, found {source_unit}, which cannot be converted.",
                )
            value = round(converted, 10)
        return (indicator, subject, year, years_after, value, unit, table, index + 1, self.lines[index].strip())

    def caption_block_end(self, caption: _Caption) -> int:
        later = [c.index for c in self.captions if c.index > caption.index]
        return later[0] if later else len(self.norm)

    # -------------------------------------------------------------- grids
    def parse_grid(self, grid: dict[str, Any], caption: _Caption) -> list[tuple[Any, ...]]:
        columns: list[str] = grid["columns"]
        survey = grid.get("rows") == "survey"
        scope = "survey" if survey else "all"
        trailing = re.compile(grid["trailing_text"]) if "trailing_text" in grid else None
        year = self.resolve_year(grid["year"], caption.title, caption.table, caption.index)
        years_after = self.resolve_years_after(grid.get("years_after"), caption.title)
        end = self.caption_block_end(caption)
        units = registry_units()
        table = caption.table
        strip_serial = bool(grid.get("strip_serial"))
        stop_after = grid.get("stop_after")
        block_end = self.spec.block_end_any.search
        out: list[tuple[Any, ...]] = []
        seen_subjects: list[str] = []
        pending: list[str] = []
        index = caption.index + 1
        while index < end:
            line = self.norm[index]
            if block_end(line):
                break
            tokens = line.split()
            if not tokens:
                index += 1
                continue
            if trailing is not None and len(tokens) > 1 and trailing.match(tokens[-1]):
                tokens = tokens[:-1]
            first_number = len(tokens)
            while first_number > 0 and _numeric_token(tokens[first_number - 1]):
                first_number -= 1
            numbers = tokens[first_number:]
            if not numbers:
                pending.append(line)
                index += 1
                continue
            label = "".join(tokens[:first_number]) or "".join(pending)
            pending = []
            line_number = index + 1
            if strip_serial:
                label = _SERIAL_RE.sub("", label)
            if not label:
                raise TableError(
                    self.source,
                    self.where(index, caption.table),
                    f"这一行只有数字，缺少行标题：“{self.lines[index].strip()}”。",
                    f"this row has numbers but no label: '{self.lines[index].strip()}'.",
                )
            subject = self.subject(label, scope)
            if len(numbers) != len(columns):
                raise TableError(
                    self.source,
                    self.where(index, caption.table),
                    f"“{label}”之后应有 {len(columns)} 个数字，实际为 {len(numbers)} 个。",
                    f"expected {len(columns)} numbers after {label}, found {len(numbers)}.",
                )
            if survey and subject not in self.spec.survey_subjects:
                raise TableError(
                    self.source,
                    self.where(index, caption.table),
                    f"毕业生调查表的行应为 {'/'.join(self.spec.survey_subjects)} 之一，实际为“{label}”。",
                    f"a graduate-survey row must be one of {'/'.join(self.spec.survey_subjects)}, found '{label}'.",
                )
            source_text = self.lines[index].strip()  # what self.observation() gives, inlined: the hot loop
            for indicator, token in zip(columns, numbers, strict=True):
                value = parse_number(token)
                if value is None:
                    raise ValueParseError(
                        self.source,
                        self.where(index, caption.table),
                        f"“{label}”的 {indicator} 应为数字，实际为“{token}”。",
                        f"{indicator} of {label} must be a number, found '{token}'.",
                    )
                out.append(
                    (indicator, subject, year, years_after, value, units[indicator], table, line_number, source_text)
                )
            seen_subjects.append(subject)
            index += 1
            if stop_after and subject == stop_after:
                break
        if survey:
            missing = [s for s in self.spec.survey_subjects if s not in seen_subjects]
            if missing:
                raise TableError(
                    self.source,
                    f"{caption.table}（第 {caption.index + 1} 行起）",
                    f"缺少 {'、'.join(missing)} 行（每行 {len(columns)} 个数字）。",
                    f"rows missing: {', '.join(missing)} ({len(columns)} numbers each).",
                )
        if not out:
            raise TableError(
                self.source,
                f"{caption.table}（第 {caption.index + 1} 行起）",
                "找到了表题，但表中没有任何数据行。",
                "found the caption but no data rows under it.",
            )
        return out

    # -------------------------------------------------------------- blocks
    def parse_block(
        self, block: dict[str, Any], start: int, end: int, table: str, caption_title: str
    ) -> list[tuple[Any, ...]]:
        text_lines = self.norm[start:end]
        offsets = []
        position = 0
        for line in text_lines:
            offsets.append(position)
            position += len(line) + 1
        text = "\n".join(text_lines)
        default_year = block.get("year", "report")
        out: list[tuple[Any, ...]] = []
        missing: list[str] = []
        for row in block["rows"]:
            match = next((m for m in (p.search(text) for p in row["compiled"]) if m), None)
            if match is None:
                missing.append(row["indicator"])
                continue
            subjects = row.get("subjects", ["本校"])
            if len(subjects) != len(match.groups()):
                raise ValueError(f"spec row {row['indicator']}: {len(match.groups())} values, subjects {subjects}")
            year = self.resolve_year(row.get("year", default_year), caption_title, table, start)
            years_after = row.get("years_after", block.get("years_after"))
            for group, subject in enumerate(subjects, start=1):
                index = start + bisect.bisect_right(offsets, match.start(group)) - 1
                value = parse_number(match.group(group))
                if value is None:
                    raise ValueParseError(
                        self.source,
                        self.where(index, table),
                        f"{row['indicator']} 应为数字，实际为“{match.group(group)}”。",
                        f"{row['indicator']} must be a number, found '{match.group(group)}'.",
                    )
                out.append(
                    self.observation(row["indicator"], subject, year, years_after, value, row.get("unit"), table, index)
                )
        if missing and not out:
            raise TableError(
                self.source,
                f"{table}（第 {start + 1} 行起）",
                f"找到了该表，但没有读到任何指标；缺少：{'、'.join(missing)}。",
                f"found the table but none of its indicators; missing: {', '.join(missing)}.",
            )
        if missing:
            self.notes.append(f"{table}（第 {start + 1} 行起）缺少 / missing: {', '.join(missing)}")
        return out
