"""Command line for the metrics, for scripting and checking.

    python -m metrics compare --indicator ID [--school A --school B …] [--year Y] [--json]
    python -m metrics attainment --plan ID [--school S] [--year Y] [--json]
    python -m metrics audit [--report ID] [--json]

Each takes ``--db PATH`` (default: ``$QUALITY_DB`` or ``data/quality.duckdb``; built from
``data/`` by the loaders when missing). This module is the one place in ``metrics`` that reads:
it gets its frames through :func:`store_reader` (the loaders' :class:`~loaders.store.queries.StoreReader`,
as the dashboard and the pack command do); the check-up asks :mod:`metrics.queries` exactly as the
dashboard does, on the report's stored text.

Exit status: 0 done, 2 bad input (unknown plan, report or indicator; missing columns), 3 the
store cannot be opened.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.contracts.vocabulary import STATUSES
from metrics import queries
from metrics.audit import audit_report
from metrics.errors import MetricsError
from metrics.observations import OBSERVATION_COLUMNS
from metrics.targets import compute_attainment


class StoreUnavailableError(MetricsError):
    """The store file exists but cannot be opened (locked by the dashboard, or corrupt)."""


@contextmanager
def store_reader(db_path: Path | None) -> Iterator[Any]:
    """A :class:`loaders.store.queries.StoreReader` on the store, opened read-only (built when missing).

    Raises:
        StoreUnavailableError: The store cannot be opened.
    """
    from loaders.store.access import store_reader as open_reader

    with ExitStack() as stack:
        try:
            reader = stack.enter_context(open_reader(db_path))
        except Exception as exc:  # duckdb's own exception types and a busy store; metrics does not import duckdb
            message = getattr(exc, "message", None) or str(exc)
            raise StoreUnavailableError(
                f"无法以只读方式打开数据库：{message}", f"expected a readable DuckDB store, found: {message}"
            ) from exc
        yield reader


def _plain(value: object) -> object:
    """A JSON-friendly scalar: NaN/NA → None, numpy scalars → Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{key: _plain(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]


def _emit(payload: dict, tables: dict[str, pd.DataFrame], as_json: bool) -> None:
    if as_json:
        document = dict(payload)
        document.update({name: _records(frame) for name, frame in tables.items()})
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for key, value in payload.items():
        print(f"{key}: {value}")
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 500):
        for name, frame in tables.items():
            print(f"\n== {name} ({len(frame)})")
            print(frame.to_string(index=False) if not frame.empty else "(none)")


def _compare(args: argparse.Namespace) -> int:
    from loaders.contracts.registry import sample_sizes
    from loaders.read.bundled import home_school
    from metrics.schools import order_schools

    with store_reader(args.db) as reader:
        loaded = set(reader.reports()["school"].dropna())
        unknown = [s for s in args.school or [] if s not in loaded]
        if unknown:
            raise MetricsError(
                f"没有学校“{'、'.join(unknown)}”的报告；已载入：{'、'.join(sorted(loaded)) or '（无）'}。"
                "请用 --school 给出已载入的学校名称。",
                f"schools: no report of {', '.join(unknown)}; loaded: {', '.join(sorted(loaded))}. "
                "Give loaded school names with --school.",
            )
        schools = args.school or order_schools(loaded, home_school())
        result = queries.compare_schools(reader, args.indicator, schools, year=args.year, sample_sizes=sample_sizes())
    tables = {"aligned": result.aligned, "benchmarks": result.benchmarks, "trend": result.trend}
    _emit({"indicator_id": args.indicator, "year": args.year, "schools": schools}, tables, args.json)
    return 0


def _check_applies(plans: pd.DataFrame, plan_id: str, school: str) -> None:
    """Refuse to judge a school against a loaded plan that does not apply to it (another school's, another city's)."""
    from loaders.contracts.schools import read_schools
    from metrics.applicability import select_applicable_plans

    if not school or plan_id not in set(plans["plan_id"]):
        return  # an unknown plan is the metrics' own error
    if plan_id not in set(select_applicable_plans(plans, school, read_schools())["plan_id"]):
        raise MetricsError(
            f"规划 {plan_id} 不适用于{school}（学校只与本校及所在市、省的规划对标；所在地见 data/schools.csv）。",
            f"the plan {plan_id!r} does not apply to {school} (a school is judged only against its own, its city's"
            " and its province's plans; see data/schools.csv).",
        )


def _attainment(args: argparse.Namespace) -> int:
    with store_reader(args.db) as reader:
        school = args.school
        if school is None:
            schools = sorted(reader.reports()["school"].dropna().unique())
            if len(schools) != 1:  # the metrics say which schools there are
                compute_attainment(reader.targets(), reader.observations(), reader.indicators(), plan_id=args.plan)
            school = schools[0] if schools else ""
        _check_applies(reader.plans(), args.plan, school)
        table = queries.attainment(reader, args.plan, school, view_year=args.year)
    counts = {status: int((table["status"] == status).sum()) for status in STATUSES}
    counts = {status: n for status, n in counts.items() if n}
    _emit({"plan_id": args.plan, "school": args.school, "status_counts": counts}, {"targets": table}, args.json)
    return 0


def _audit(args: argparse.Namespace) -> int:
    with store_reader(args.db) as reader:
        reports = sorted(reader.reports()["report_id"].dropna().unique())
        if args.report is not None and args.report not in reports:
            raise MetricsError(
                f"没有报告“{args.report}”；已载入：{'、'.join(reports) or '（无）'}。",
                f"observations: expected report {args.report!r}; loaded reports: {', '.join(reports)}",
            )
        chosen = [args.report] if args.report else reports
        from loaders.contracts.registry import checkup_rules

        parts = [queries.checkup(reader, report_id, checkup_rules()) for report_id in chosen]
    if parts:
        findings = pd.concat(parts, ignore_index=True)
    else:
        findings = audit_report(
            pd.DataFrame(columns=OBSERVATION_COLUMNS), pd.DataFrame(columns=["indicator_id", "kind"])
        )
    counts = findings["check"].value_counts().to_dict() if not findings.empty else {}
    _emit(
        {"reports": chosen, "check_counts": {k: int(v) for k, v in counts.items()}},
        {"findings": findings},
        args.json,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests)."""
    parser = argparse.ArgumentParser(prog="python -m metrics", description="高职质量报告指标计算 / metrics")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_common(command: argparse.ArgumentParser) -> None:
        command.add_argument("--db", type=Path, default=None, help="DuckDB file (default data/quality.duckdb)")
        command.add_argument("--json", action="store_true", help="print JSON instead of tables")

    compare = sub.add_parser("compare", help="schools side by side on one indicator, as the 对比 page shows them")
    compare.add_argument("--indicator", required=True, help="indicator_id from data/indicators.csv")
    compare.add_argument(
        "--year", type=int, default=None, help="the reports' data year (default: each school's latest report)"
    )
    compare.add_argument(
        "--school", action="append", default=None, help="a school to compare (repeat; default: every loaded school)"
    )
    add_common(compare)
    compare.set_defaults(func=_compare)

    attainment = sub.add_parser("attainment", help="attainment of a plan's targets")
    attainment.add_argument("--plan", required=True, help="plan_id, e.g. wzvtc_2022_2025")
    attainment.add_argument("--school", default=None)
    attainment.add_argument(
        "--year",
        type=int,
        default=None,
        help="as the report of this year sees it: planners' entries count only for the years they describe "
        "(default: every entry counts)",
    )
    add_common(attainment)
    attainment.set_defaults(func=_attainment)

    audit = sub.add_parser("audit", help="check-up (体检) of loaded reports")
    audit.add_argument("--report", default=None, help="report_id; all loaded reports when omitted")
    add_common(audit)
    audit.set_defaults(func=_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StoreUnavailableError as exc:
        print(f"无法打开数据库（可能正被仪表盘占用）/ cannot open the store:\n{exc.message}", file=sys.stderr)
        return 3
    except MetricsError as exc:
        print(f"输入有误 / bad input:\n{exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
