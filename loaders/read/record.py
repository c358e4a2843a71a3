"""The one record of a parsed report: its rows as one Arrow table, its metadata and coverage beside it.

Belongs here: :class:`LoadResult` — what every parser returns, what a child process sends back,
what a bulk build writes and what ``extract`` prints — and the two conversions of its rows
(Arrow ↔ pandas). The rows are kept once, as Arrow; a reader that wants pandas asks for
:attr:`LoadResult.observations` and gets a frame built on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from loaders.contracts.fields import OBSERVATION_FIELDS, arrow_schema, dtypes, names

#: The columns of a report's rows, in order (the store adds ``report_id`` and ``report_key``).
OBSERVATION_COLUMNS = names(OBSERVATION_FIELDS)
#: Their pandas dtypes.
OBSERVATION_DTYPES = dtypes(OBSERVATION_FIELDS)
#: Their Arrow schema.
OBSERVATION_SCHEMA = arrow_schema(OBSERVATION_FIELDS)

_STR_DTYPE = pd.Series([], dtype="str").dtype  # pandas' default string dtype (Arrow-backed when pyarrow is there)


@dataclass
class LoadResult:
    """One parsed report.

    A parser fills what it knows (school, year, rows, coverage …); :func:`loaders.read.load.load_bytes`
    adds the identity of the file (``report_id``, ``source_file``, ``sha256``, ``format_used``).

    Attributes:
        school: School name.
        report_year: The report's data year.
        table: The rows, one per figure, :data:`OBSERVATION_SCHEMA`.
        report_id: ``<school>-<report_year>``: the identity a newer version of the same report replaces.
        source_file: File name the rows came from.
        sha256: Hash of the file's bytes (loading the same bytes again changes nothing).
        format_used: ``"text"``, ``"pdf"``, ``"xlsx"``, ``"sheets"`` or ``"csv"``.
        encoding: The text encoding detected, where there is one.
        notes: Things a planner should know (encoding used, pages or sheets not read).
        lines: The report's text, where it has one (kept for provenance and the check-up).
        coverage: What was found and what was not read, table by table (:mod:`loaders.read.coverage`).
        years: How the data year, title year and cohorts were resolved (None for tidy imports,
            whose year is given in the file).
        list_rows: The rows of the list tables read (:mod:`loaders.read.lists`).
        given: What the caller said of the document, ``{"school": …, "report_year": …}`` (only the
            keys given: ``--school``/``--year``, the upload form), kept with its copy so that a rebuild
            reads it the same way.
    """

    school: str
    report_year: int
    table: pa.Table = field(repr=False)
    report_id: str = ""
    source_file: str = ""
    sha256: str = ""
    format_used: str = ""
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)
    coverage: list = field(default_factory=list)  # loaders.read.coverage.CoverageItem
    years: Any = None  # loaders.read.years.YearInfo
    list_rows: list = field(default_factory=list)  # loaders.contracts.fields.LIST_ROW_FIELDS tuples
    given: dict[str, Any] = field(default_factory=dict)
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the pandas frame (a child process sends the rows once, as Arrow)."""
        return {**self.__dict__, "_frame": None}

    @property
    def observations(self) -> pd.DataFrame:
        """The rows as a pandas frame (:data:`OBSERVATION_COLUMNS`), built on first use."""
        if self._frame is None:
            self._frame = frame_from_table(self.table)
        return self._frame

    @observations.setter
    def observations(self, frame: pd.DataFrame) -> None:
        self.table = table_from_frame(frame)
        self._frame = None

    def with_source_texts(self, texts: list[str]) -> None:
        """Replace every row's ``source_text`` (a format adds the page or sheet row it knows)."""
        self.with_texts("source_text", texts)

    def with_texts(self, column: str, texts: list[str | None]) -> None:
        """Replace a text column of the rows (``source_text``, ``held_reason``)."""
        index = self.table.schema.get_field_index(column)
        self.table = self.table.set_column(index, column, pa.array(texts, pa.large_string()))
        self._frame = None

    @property
    def n_observations(self) -> int:
        """Rows of observations."""
        return self.table.num_rows


def observation_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    """Observation tuples (in :data:`OBSERVATION_COLUMNS` order) as an Arrow table.

    Text columns are ``large_string``, ``years_after`` an ``int64`` with nulls.
    """
    width = len(OBSERVATION_DTYPES)
    if any(len(row) < width for row in rows):  # a reader that sets no held_reason (the last columns): None
        rows = [row + (None,) * (width - len(row)) for row in rows]
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


def table_from_frame(frame: pd.DataFrame) -> pa.Table:
    """An observations frame as the Arrow table of :data:`OBSERVATION_SCHEMA`."""
    table = pa.Table.from_pandas(frame[OBSERVATION_COLUMNS], preserve_index=False)
    return table.cast(OBSERVATION_SCHEMA)


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
