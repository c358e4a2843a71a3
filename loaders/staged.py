"""A parsed report on its way into the store, in Arrow form (what bulk builds send between processes).

Belongs here: :class:`StagedReport` and :func:`observation_arrow`; writing them is :mod:`loaders.store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders import LoadResult
from loaders.fields import OBSERVATION_FIELDS, arrow_schema
from loaders.report import OBSERVATION_COLUMNS


def observation_arrow(result: LoadResult | StagedReport) -> object:
    """A report's observations as an Arrow table (:data:`loaders.report.OBSERVATION_COLUMNS`)."""
    import pyarrow as pa

    if isinstance(result, StagedReport):
        return result.table
    frame = result.observations[OBSERVATION_COLUMNS]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(_arrow_schema())


def _arrow_schema() -> object:
    return arrow_schema(OBSERVATION_FIELDS)


@dataclass
class StagedReport:
    """A parsed report on its way into a bulk build: what :func:`load` found, in Arrow form.

    Cheap to send between processes (a ``LoadResult`` carries a pandas frame, whose pickling
    costs more than the parsing). Same attributes as :class:`loaders.LoadResult`, with ``table``
    instead of ``observations``.
    """

    report_id: str
    school: str
    report_year: int
    source_file: str
    sha256: str
    format_used: str
    notes: list[str]
    lines: list[str]
    table: object  # pyarrow.Table
    coverage: list = field(default_factory=list)  # loaders.coverage.CoverageItem
    years: object | None = None  # loaders.years.YearInfo
    list_rows: list = field(default_factory=list)  # loaders.fields.LIST_ROW_FIELDS tuples

    @classmethod
    def from_result(cls, result: LoadResult) -> StagedReport:
        """Stage a loaded report (its parser's Arrow table, else its frame converted)."""
        table = result.table if result.table is not None else observation_arrow(result)  # observations may be None
        return cls(
            result.report_id,
            result.school,
            result.report_year,
            result.source_file,
            result.sha256,
            result.format_used,
            list(result.notes),
            list(result.lines),
            table.cast(_arrow_schema()),
            list(result.coverage),
            result.years,
            list(getattr(result, "list_rows", [])),
        )

    @property
    def n_observations(self) -> int:
        """Rows of observations."""
        return self.table.num_rows
