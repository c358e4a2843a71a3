"""Size proportional to meaning: what one report may hold, whatever its file's size.

Belongs here: the per-report caps checked after a file is parsed and before anything is stored
(:func:`check_proportion`, called by :func:`loaders.load_bytes`): figures in all, figures of one
indicator for one subject, distinct subjects, and stored text (the report's lines and each
figure's source text) relative to the file's size. A quality report holds about a thousand
figures (the bundled one: 802 figures, 129 subjects, at most 11 figures per indicator and
subject, stored text 1.5× its file); a file far beyond that is no report but a flood, and is
refused with the cap it broke, naming the indicator and subject where there is one.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from loaders.contracts.errors import FormatError
from loaders.contracts.settings import setting


def check_proportion(observations, lines: list[str], file_bytes: int, name: str) -> None:
    """Refuse a parsed report larger than a report can be (see the module docstring).

    Args:
        observations: The parsed figures (``indicator_id``, ``subject``, ``source_text``): a pandas
            frame, or the Arrow table a bulk build parses into.
        lines: The report's text lines as they would be stored.
        file_bytes: The file's size.
        name: The file's name, for the message.

    Raises:
        FormatError: A cap is exceeded; the message names it and what broke it.
    """
    if observations is None:
        return
    # Plain Python over the columns: no pandas frame and no Arrow thread pool (a parsing child runs
    # under a memory limit that leaves no room to start threads).
    if isinstance(observations, pd.DataFrame):
        indicators, subjects, texts = (observations[c].tolist() for c in ("indicator_id", "subject", "source_text"))
    else:
        indicators, subjects, texts = (
            observations.column(c).to_pylist() for c in ("indicator_id", "subject", "source_text")
        )
    most = int(setting("report_max_figures"))
    if len(indicators) > most:
        raise FormatError(
            name,
            "",
            f"文件含 {len(indicators):,} 个数据项，超过一份报告的上限 {most:,} 个，未载入。",
            f"the file holds {len(indicators):,} figures, more than a report's limit of {most:,}; not loaded.",
        )
    if not indicators:
        return
    distinct = len(set(subjects))
    most = int(setting("report_max_subjects"))
    if distinct > most:
        raise FormatError(
            name,
            "",
            f"文件含 {distinct:,} 个不同的对象（行名），超过上限 {most:,} 个，未载入。",
            f"the file names {distinct:,} distinct subjects (row names), more than the limit of {most:,}; not loaded.",
        )
    (indicator, subject), count = Counter(zip(indicators, subjects, strict=True)).most_common(1)[0]
    most = int(setting("report_max_series_figures"))
    if count > most:
        raise FormatError(
            name,
            "",
            f"指标 {indicator}「{str(subject)[:40]}」有 {count:,} 个数据项，超过上限 {most:,} 个，未载入。",
            f"indicator {indicator} for {str(subject)[:40]!r} has {count:,} figures, more than the limit of "
            f"{most:,}; not loaded.",
        )
    text_bytes = sum(len(line.encode("utf-8")) for line in lines)
    text_bytes += sum(len(str(text).encode("utf-8")) for text in texts)
    ratio = float(setting("report_max_text_ratio"))
    allowed = max(ratio * file_bytes, float(setting("report_text_floor_mb")) * 1024 * 1024)
    if text_bytes > allowed:
        raise FormatError(
            name,
            "",
            f"文件将存储 {text_bytes / 2**20:,.1f} MB 文本，超过文件大小的 {ratio:g} 倍"
            f"（上限 {allowed / 2**20:,.1f} MB），未载入。",
            f"the file would store {text_bytes / 2**20:,.1f} MB of text, more than {ratio:g}× its size"
            f" (limit {allowed / 2**20:,.1f} MB); not loaded.",
        )
