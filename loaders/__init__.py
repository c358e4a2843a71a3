"""Loaders: every source format behind one call, :func:`load`.

``load(path)`` sniffs the file's format from its content, parses it and returns the tidy
observations with their provenance plus the format it used (the shape of sqlite-utils'
``rows_from_file``). Only the loaders write to the database (see :mod:`loaders.store`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.errors import FormatError, LoadError

__all__ = ["LoadError", "LoadResult", "load", "load_bytes"]


@dataclass
class LoadResult:
    """One loaded report.

    Attributes:
        report_id: ``<school>-<report_year>``: the identity a newer version of the same report replaces.
        school: School name.
        report_year: The report's data year.
        source_file: File name the rows came from.
        sha256: Hash of the file's bytes (loading the same bytes again changes nothing).
        format_used: ``"text"`` (later also ``"pdf"``, ``"xlsx"``, ``"csv"``).
        encoding: The text encoding detected, where there is one.
        observations: The tidy rows (see :data:`loaders.report.OBSERVATION_COLUMNS`).
        notes: Things a planner should know (encoding used, tables not found).
        lines: The report's text, where it has one (kept for provenance and the check-up).
    """

    report_id: str
    school: str
    report_year: int
    source_file: str
    sha256: str
    format_used: str
    encoding: str | None
    observations: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def report_id_for(school: str, report_year: int) -> str:
    """The report id for a school and data year."""
    return f"{school}-{report_year}"


def load(path: Path | str, school: str | None = None, report_year: int | None = None) -> LoadResult:
    """Load a quality report from a file, whatever its format.

    Args:
        path: The file.
        school: School name, when the file does not say it.
        report_year: Data year, when the file does not say it.

    Returns:
        The loaded report.

    Raises:
        LoadError: The file cannot be read or parsed; the message names file, place and problem.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(
            path.name, "", f"无法读取文件：{exc.strerror}。", f"cannot read the file: {exc.strerror}."
        ) from exc
    return load_bytes(data, path.name, school=school, report_year=report_year)


def load_bytes(data: bytes, name: str, school: str | None = None, report_year: int | None = None) -> LoadResult:
    """Load a quality report from bytes (an upload); see :func:`load`.

    The format is decided by the content (see :data:`loaders.formats.FORMATS`), not the name.
    """
    from loaders.formats import FORMATS

    fmt = next(f for f in FORMATS if f.matches(data, name))
    parsed = fmt.read(data, name, school, report_year)
    return LoadResult(
        report_id=report_id_for(parsed.school, parsed.report_year),
        school=parsed.school,
        report_year=parsed.report_year,
        source_file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        format_used=fmt.name,
        encoding=parsed.encoding,
        observations=parsed.observations,
        notes=list(parsed.notes),
        lines=list(parsed.lines),
    )
