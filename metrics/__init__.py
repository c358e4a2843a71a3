"""Metrics: pure functions from tidy frames to the tables the pages and the CLI show.

DataFrame in, DataFrame out: nothing here imports streamlit or duckdb or reads a file (the CLI in
``metrics.__main__`` is the one exception, and reads only through the loaders). No function
mutates its inputs.

Modules:
    observations: the observations contract, and one value per quantity.
    units: 元 / 万元 / 亿元 and other unit conversions.
    compare: a school against benchmark series (全省, 本科, 高职) and against peer schools.
    trends: series, year-on-year change, compound growth, one year → three years after.
    targets: attainment of plan targets (status, gap, progress, what it takes).
    audit: the report check-up (体检).
"""

from metrics.errors import (
    MetricsError,
    MissingColumnsError,
    PlanNotFoundError,
    UnitMismatchError,
    UnknownIndicatorError,
)

__all__ = [
    "MetricsError",
    "MissingColumnsError",
    "PlanNotFoundError",
    "UnitMismatchError",
    "UnknownIndicatorError",
]
