"""The school of the bundled data: what the home school is when the deployment does not name one.

Belongs here: :func:`home_school` (the ``home_school`` setting, else the school of the report shipped
in ``data/reports``, read from the report itself — the name is written nowhere in the code).
"""

from __future__ import annotations

import functools

from loaders.contracts.errors import LoadError
from loaders.contracts.paths import REPORTS_DIR
from loaders.contracts.settings import setting
from loaders.read.formats import read_text_report


def home_school() -> str:
    """The deployment's own college: ``QUALITY_HOME_SCHOOL``, else the school of the bundled report.

    Returns:
        A school name; ``""`` when neither is set (no bundled report in ``data/reports``).
    """
    return str(setting("home_school")) or bundled_school()


@functools.cache
def bundled_school() -> str:
    """The school of the report shipped in ``data/reports`` (its first readable text report, read once per
    process); ``""`` when there is none."""

    for path in sorted(REPORTS_DIR.glob("*.txt")):
        try:
            return read_text_report(path.read_bytes(), path.name, None, None).school
        except (OSError, LoadError):
            continue
    return ""
