"""Check-up on a report's text: the narrative above each table against the table.

Belongs here: ``cohort_label`` (the narrative names another cohort than the caption) and
``text_vs_table`` (a figure in the sentence above a table differs from the table). The captions are
those the loader recorded at ingest (passed in); only text without a store falls back to
:data:`CAPTION_PATTERN`. How the narrative names survey rows is data (passed in).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from metrics.errors import MetricsError
from metrics.findings import finding, fmt, nfkc, prepare, to_frame
from metrics.units import find_unit_factor

#: A graduate-survey cohort label: ``2019 届毕业生（毕业三年后）`` (matched on NFKC text).
COHORT_PATTERN = r"(?P<cohort>\d{4})\s*届(?:毕业生)?\s*\(\s*毕业(?P<after>[一二三四五])年后\s*\)"

#: A table caption line (matched on NFKC text).
CAPTION_PATTERN = r"^\s*表\s*(?P<num>\d+(?:\s*[-–—]\s*\d+)?)\s*[:]?\s*(?P<title>.*)$"

#: Lines that end a table or a figure: the narrative above the next caption starts after them.
BLOCK_END_PATTERNS = (
    r"^\s*数据来源",
    r"^\s*资料来源",
    r"^\s*图\s*\d",
    r"^\s*注\s*[:]",
    r"^\s*\([一二三四五六七八九十]+\)",
    r"^\s*[一二三四五六七八九十]+、",
    r"^\s*\d+\s*[.]\s*\D",
)

#: How the narrative names a table's row (survey tables say 我校 for the 本校 row). An alias is used
#: only when its subject is a row of the table and the alias itself is not. None here: the aliases
#: are data (``data/specs/subject_aliases.csv``), passed in by :mod:`metrics.queries`.
NO_SUBJECT_ALIASES: Mapping[str, str] = {}

#: Clauses with these words compare or enumerate figures; their numbers are not a table value.
SKIP_WORDS = (
    "高出",
    "低于",
    "超出",
    "超过",
    "多出",
    "少于",
    "增长",
    "下降",
    "提高",
    "降低",
    "增加",
    "减少",
    "分别",
    "相比",
)

_NUMBER_RE = re.compile(
    r"(?<![\d.\-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|万元|亿元|元|分|人次|人日|人|个|项|门|名|家|所|课时|学时)?"
    r"(?P<after>\s*(?:年|届|月|日|学年|-))?"
)
_CLAUSE_SPLIT = re.compile(r"[，,、：:]")
_SENTENCE_SPLIT = re.compile(r"[。；;！？!?]")
_AFTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def find_captions(lines: Sequence[str], *, caption_pattern: str = CAPTION_PATTERN) -> pd.DataFrame:
    """Find the table captions in a report's lines.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        caption_pattern: Regex with groups ``num`` and ``title`` matched on NFKC text.

    Returns:
        Columns ``line`` (int), ``source_table`` (``表3-1``), ``title`` (str).
    """
    pattern = re.compile(caption_pattern)
    found = []
    for number, raw in enumerate(lines, start=1):
        match = pattern.match(nfkc(raw))
        if match:
            table = "表" + re.sub(r"\s+", "", match.group("num")).replace("–", "-").replace("—", "-")
            found.append({"line": number, "source_table": table, "title": match.group("title").strip()})
    frame = pd.DataFrame(found, columns=["line", "source_table", "title"])
    return frame.astype({"line": "int64", "source_table": "str", "title": "str"})


def _narrative_before(lines: Sequence[str], caption_line: int, stops: set[int], window: int) -> tuple[str, list[int]]:
    """The text above a caption (joined, NFKC) and the line number of each of its characters."""
    text_parts: list[str] = []
    owners: list[int] = []
    start = caption_line - 1
    while start > max(caption_line - window, 1) and (start - 1) not in stops:
        start -= 1
    for number in range(start, caption_line):
        if number in stops:
            continue
        piece = nfkc(lines[number - 1]).strip()
        if not piece:
            continue
        text_parts.append(piece)
        owners.extend([number] * len(piece))
    return "".join(text_parts), owners


def _stop_lines(lines: Sequence[str], captions: pd.DataFrame, block_end_patterns: Sequence[str]) -> set[int]:
    patterns = [re.compile(p) for p in block_end_patterns]
    stops = set(captions["line"].tolist())
    for number, raw in enumerate(lines, start=1):
        text = nfkc(raw)
        if any(p.match(text) for p in patterns):
            stops.add(number)
    return stops


def check_cohort_labels(
    lines: Sequence[str],
    *,
    report_id: str = "",
    cohort_pattern: str = COHORT_PATTERN,
    caption_pattern: str = CAPTION_PATTERN,
    block_end_patterns: Sequence[str] = BLOCK_END_PATTERNS,
    window: int = 20,
    captions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find narrative cohort labels that contradict the caption of the table below them.

    The narrative is the text between the previous table or figure (its caption, 数据来源 or 注
    line) and the caption, at most ``window`` lines. A mention such as ``2019 届毕业生（毕业三年后）``
    whose "years after" equals the caption's but whose cohort differs is a finding.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        report_id: The report's id, copied into the findings.
        cohort_pattern: Regex with groups ``cohort`` (four digits) and ``after`` (一…五).
        caption_pattern: See :func:`find_captions`.
        block_end_patterns: Lines that end a table or figure.
        window: Most lines looked at above a caption.

    Returns:
        Findings (:data:`FINDING_COLUMNS`) with ``expected`` = the caption's cohort and
        ``found`` = the narrative's.
    """
    captions = find_captions(lines, caption_pattern=caption_pattern) if captions is None else captions
    if captions.empty:
        return to_frame([])
    stops = _stop_lines(lines, captions, block_end_patterns)
    pattern = re.compile(cohort_pattern)
    findings: list[dict] = []
    for caption in captions.itertuples(index=False):
        label = pattern.search(caption.title)
        if not label:
            continue
        cohort, after = int(label.group("cohort")), _AFTER_WORDS[label.group("after")]
        text, owners = _narrative_before(lines, caption.line, stops, window)
        for mention in pattern.finditer(text):
            m_cohort, m_after = int(mention.group("cohort")), _AFTER_WORDS[mention.group("after")]
            if m_after != after or m_cohort == cohort:
                continue
            line = owners[mention.start()]
            after_zh = label.group("after")
            findings.append(
                finding(
                    report_id,
                    "cohort_label",
                    caption.source_table,
                    [line, caption.line],
                    f"第 {line} 行正文写「{m_cohort} 届毕业生（毕业{after_zh}年后）」，而第 {caption.line} 行"
                    f"{caption.source_table} 的标题是 {cohort} 届（毕业{after_zh}年后）。",
                    f"Line {line} says the {m_cohort} cohort ({m_after} years after graduation) while "
                    f"{caption.source_table}'s caption on line {caption.line} says the {cohort} cohort.",
                    values=f"正文 {m_cohort} 届；标题 {cohort} 届",
                    expected=float(cohort),
                    found=float(m_cohort),
                )
            )
    return to_frame(findings)


def check_text_against_tables(
    lines: Sequence[str],
    observations: pd.DataFrame,
    *,
    report_id: str | None = None,
    caption_pattern: str = CAPTION_PATTERN,
    block_end_patterns: Sequence[str] = BLOCK_END_PATTERNS,
    skip_words: Sequence[str] = SKIP_WORDS,
    subject_aliases: Mapping[str, str] = NO_SUBJECT_ALIASES,
    window: int = 20,
    conversions: pd.DataFrame | None = None,
    captions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find figures in the sentences above a table that differ from the table.

    For each table with observations, the narrative above its caption is split into sentences
    (。；) and clauses (，、：). A clause naming one of the table's row labels (or an alias of it,
    ``我校`` for ``本校``) is read for the first number with a unit after the name. The number must
    equal one of that row's values in the same unit, up to the rounding the text shows (12.7 %
    matches 12.70 and 12.74). Clauses that compare or enumerate (``skip_words``: 高出, 分别 …) are
    not read, and a clause without a row label is not attributed to one: the check prefers
    missing a slip to inventing one.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        observations: The report's observations (every row).
        report_id: The report (needed when ``observations`` hold several).
        caption_pattern: See :func:`find_captions`.
        block_end_patterns: Lines that end a table or figure.
        skip_words: Words that make a clause unreadable for this check.
        subject_aliases: Names the narrative uses for a row (see :data:`SUBJECT_ALIASES`).
        window: Most lines looked at above a caption.
        conversions: Explicit unit factors, so a text in 万元 can be set against a table in 元.

    Returns:
        Findings with ``expected`` = the table's value and ``found`` = the text's.

    Raises:
        MissingColumnsError: A required column is missing.
        MetricsError: ``observations`` hold several reports and no ``report_id`` was given.
    """
    rows = prepare(observations, report_id, conversions)
    if rows.empty:
        return to_frame([])
    if rows["report_id"].nunique() > 1:
        raise MetricsError(
            "核对正文需要一份报告的数据，实际有多份；请指定 report_id。",
            "observations: expected one report for a text check, found several; pass report_id",
        )
    report = str(rows["report_id"].iloc[0])
    captions = find_captions(lines, caption_pattern=caption_pattern) if captions is None else captions
    if captions.empty:
        return to_frame([])
    stops = _stop_lines(lines, captions, block_end_patterns)
    findings: list[dict] = []
    for table, table_rows in rows.groupby("source_table", sort=False):
        first_row_line = int(table_rows["source_line"].min())
        candidates = captions[(captions["source_table"] == table) & (captions["line"] <= first_row_line)]
        if candidates.empty:
            continue
        caption_line = int(candidates["line"].max())
        text, owners = _narrative_before(lines, caption_line, stops, window)
        if not text:
            continue
        table_subjects = set(table_rows["subject"].unique())
        names = {s: s for s in table_subjects if len(s) >= 2}
        names.update({alias: subject for alias, subject in subject_aliases.items() if subject in table_subjects})
        names = {name: subject for name, subject in names.items() if name in text}
        if not names:
            continue
        by_length = sorted(names, key=lambda n: (-len(n), n))
        for sentence_start, sentence in _spans(text, _SENTENCE_SPLIT):
            for clause_start, clause in _spans(sentence, _CLAUSE_SPLIT):
                if any(word in clause for word in skip_words):
                    continue
                present = [n for n in by_length if n in clause]
                if not present:
                    continue
                # The longest name in the clause; of equally long ones the first written (never set order).
                name = min(present, key=lambda n: (-len(n), clause.find(n)))
                subject = names[name]
                number = _first_number(clause, clause.find(name) + len(name))
                if number is None:
                    continue
                value, unit, offset, decimals, written = number
                comparable = []
                for row in table_rows[table_rows["subject"] == subject].itertuples(index=False):
                    factor = find_unit_factor(row.unit, unit, conversions)
                    if factor is not None:
                        comparable.append((row, float(row.value) * factor))
                if not comparable:
                    continue
                half_step = 0.5 * 10 ** (-decimals) + 1e-9
                if any(abs(value - in_text_unit) <= half_step for _, in_text_unit in comparable):
                    continue
                row, _ = min(comparable, key=lambda pair: abs(pair[1] - value))
                line = owners[sentence_start + clause_start + offset]
                findings.append(
                    finding(
                        report,
                        "text_vs_table",
                        str(table),
                        [line, int(row.source_line)],
                        f"第 {line} 行正文写「{name}」{written}{unit}，"
                        f"而 {table} 第 {row.source_line} 行为 {fmt(row.value)}{row.unit}（{row.indicator_id}）。",
                        f"Line {line} gives '{name}' as {written} {unit} but {table} line "
                        f"{row.source_line} says {fmt(row.value)} {row.unit} ({row.indicator_id}).",
                        subject=subject,
                        indicator_id=str(row.indicator_id),
                        values=f"正文 {written}{unit}；表 {fmt(row.value)}{row.unit}",
                        expected=float(row.value),
                        found=value,
                    )
                )
    return to_frame(findings)


def _spans(text: str, splitter: re.Pattern[str]) -> list[tuple[int, str]]:
    """Split text, keeping each piece's start offset."""
    spans, start = [], 0
    for match in splitter.finditer(text):
        spans.append((start, text[start : match.start()]))
        start = match.end()
    spans.append((start, text[start:]))
    return spans


def _first_number(clause: str, position: int) -> tuple[float, str, int, int, str] | None:
    """The first number with a unit at or after ``position``: value, unit, offset, decimals, as written."""
    for match in _NUMBER_RE.finditer(clause, position):
        if match.group("after") or not match.group("unit"):
            continue
        raw = match.group("num").replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return float(raw), match.group("unit"), match.start(), decimals, match.group("num")
    return None


# ---------------------------------------------------------------------------- entry point
