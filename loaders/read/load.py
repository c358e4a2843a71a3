"""The one loader interface: every source format behind one call, :func:`load`.

``load(path)`` sniffs the file's format from its content (:data:`loaders.read.formats.FORMATS`),
parses it and returns the one record of a report (:class:`loaders.read.record.LoadResult`: the
tidy rows with their provenance, the coverage and the format it used — the shape of
sqlite-utils' ``rows_from_file``). Only :mod:`loaders.store.writes` writes to the database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from loaders.contracts.errors import FormatError
from loaders.contracts.names import clean_name
from loaders.read.formats import FORMATS
from loaders.read.holds import hold_doubtful
from loaders.read.proportion import check_proportion
from loaders.read.record import LoadResult
from loaders.read.years import check_year

# A school name is plain text: no markup (< > [ ] { } * _ ` # | $ ~ ^), no path separators, no
# control characters; it appears in titles, captions and file names.
SCHOOL_NAME_RE = re.compile(r"[^\x00-\x1f\x7f<>\[\]{}*_`#|\\/$~^]{2,60}")


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
    data = read_file(path)
    return load_bytes(data, path.name, school=school, report_year=report_year)


def read_file(path: Path) -> bytes:
    """A file's bytes; a file that cannot be read (missing, a folder, no permission) is a :class:`FormatError`."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FormatError(
            path.name, "", f"无法读取文件：{exc.strerror}。", f"cannot read the file: {exc.strerror}."
        ) from exc


def load_bytes(
    data: bytes,
    name: str,
    school: str | None = None,
    report_year: int | None = None,
    max_bytes: int | None = None,
) -> LoadResult:
    """Load a quality report from bytes (an upload); see :func:`load`.

    The format is decided by the content (see :data:`loaders.read.formats.FORMATS`), not the name.

    Args:
        data: The file's bytes.
        name: The file's name as given (only its last part is kept, see :func:`safe_file_name`).
        school: School name, when the file does not say it.
        report_year: Data year, when the file does not say it.
        max_bytes: Refuse anything larger before looking inside it (uploads); no limit when None.

    Raises:
        LoadError: Too large, unreadable, or the school name is not plain text.
    """
    name = safe_file_name(name)
    if max_bytes is not None and len(data) > max_bytes:
        size, limit = f"{round(len(data) / 2**20, 2):g}", f"{round(max_bytes / 2**20, 2):g}"
        raise FormatError(
            name,
            "",
            f"文件大小为 {size} MB，超过上限 {limit} MB，未读取。",
            f"the file is {size} MB, more than the limit of {limit} MB; not read.",
        )
    fmt = next(f for f in FORMATS if f.matches(data, name))
    parsed = fmt.read(data, name, school, report_year)
    parsed.school = clean_name(parsed.school)  # no invisible characters: one school, one name
    check_year(parsed.report_year, name, "报告年度", "the report year")  # every format: 1990–2100
    if not SCHOOL_NAME_RE.fullmatch(parsed.school):
        raise FormatError(
            name,
            "",
            f"学校名称“{parsed.school[:80]}”含有不允许的字符（如 < > [ ] / \\ 或控制字符），或长度不在 2–60 字之间。",
            f"the school name '{parsed.school[:80]}' holds characters that are not allowed (< > [ ] / \\ or"
            " control characters) or is not 2–60 characters long.",
        )
    check_proportion(parsed.table, list(parsed.lines), len(data), name)  # no flood passes for a report
    parsed.report_id = report_id_for(parsed.school, parsed.report_year)
    parsed.source_file = name
    parsed.sha256 = hashlib.sha256(data).hexdigest()
    parsed.format_used = fmt.name
    parsed.given = {k: v for k, v in (("school", school), ("report_year", report_year)) if v is not None}
    hold_doubtful(parsed)  # figures whose reading is in doubt: held back, listed in the coverage
    return parsed


def safe_file_name(name: str) -> str:
    """The last part of a file name as given by a browser or a user, safe to store and show.

    Directories (``../../etc/passwd.txt`` → ``passwd.txt``, also with ``\\``), control characters
    and leading dots are dropped and the length is capped; an empty result becomes ``upload``.

    Args:
        name: The name as given.

    Returns:
        A plain file name without any path.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 120 - len(extension) - 1] + dot + extension) if dot and len(extension) <= 8 else name[:120]
    return name or "upload"
