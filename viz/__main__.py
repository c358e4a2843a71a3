"""``python -m viz pack``: the report pack of a page, or of the whole dashboard, from the shell.

The one place in :mod:`viz` that reads the store: it reads through :mod:`loaders.store`,
compares with :func:`metrics.compare.compare_to_benchmark` and builds the same
:class:`viz.sections.Context` the dashboard builds, so the pack holds the charts a planner saw.

    python -m viz pack --page outcomes|enrollment|faculty|research|all --school S --year Y \\
        [--lang zh|en] [--benchmark 高职|全省|本科] [--plan ID] [--db PATH] [--no-png] --out FILE.zip
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

from viz.frames import attainment_table
from viz.pack import PackTable, build_pack
from viz.sections import SECTIONS, Context, build_context, plan_provenance


class PackError(Exception):
    """A pack cannot be made as asked (no such school or year, store busy …); message zh + en."""


def load_context(
    con: duckdb.DuckDBPyConnection, *, school: str | None, year: int | None, lang: str, benchmark: str
) -> Context:
    """The charts' context of one report, read from the store.

    Args:
        con: A connection to the store.
        school: School (the newest report's school when None).
        year: Report data year (the school's newest when None).
        lang: ``zh`` or ``en``.
        benchmark: Benchmark subject.

    Returns:
        The context.

    Raises:
        PackError: No report of that school and year is loaded.
    """
    from loaders.store import read_indicators, read_observations, read_reports
    from metrics.compare import compare_to_benchmark

    reports = read_reports(con)
    if reports.empty:
        raise PackError("数据库中没有报告。\nNo report is loaded.")
    school = school or str(reports["school"].iloc[0])
    mine = reports[reports["school"] == school]
    if mine.empty:
        known = "、".join(reports["school"].unique())
        raise PackError(f"没有“{school}”的报告（已载入：{known}）。\nNo report of {school!r} (loaded: {known}).")
    year = year or int(mine["report_year"].max())
    report = mine[mine["report_year"] == year]
    if report.empty:
        years = ", ".join(str(y) for y in sorted(mine["report_year"].unique()))
        raise PackError(
            f"没有{school} {year} 年的报告（已载入年度：{years}）。\nNo {year} report of {school} (loaded: {years})."
        )
    report_id = str(report["report_id"].iloc[0])
    history = read_observations(con)
    registry = read_indicators(con)
    observations = history[history["report_id"] == report_id].reset_index(drop=True)
    return build_context(
        school=school,
        year=year,
        lang=lang,
        benchmark=benchmark,
        observations=observations,
        registry=registry,
        comparison=compare_to_benchmark(observations, registry, school=school),
        history=history,
    )


def load_attainment(
    con: duckdb.DuckDBPyConnection, ctx: Context, plan_id: str | None
) -> tuple[pd.DataFrame, str, str] | None:
    """The attainment of a plan's targets by the context's school, as the 规划对标 page computes it.

    Args:
        con: A connection to the store.
        ctx: The charts' context (school, its reports, the registry).
        plan_id: The plan (the first loaded plan when None).

    Returns:
        ``(attainment rows, plan title, plan scope)``, or None when no plan is loaded.

    Raises:
        PackError: There is no plan ``plan_id``.
    """
    from loaders.store import read_plans, read_targets
    from metrics.targets import compute_attainment

    plans = read_plans(con)
    if plans.empty:
        return None
    plan_id = plan_id or str(plans["plan_id"].iloc[0])
    plan = plans[plans["plan_id"] == plan_id]
    if plan.empty:
        raise PackError(f"没有规划“{plan_id}”。\nNo plan {plan_id!r}.")
    plan = plan.iloc[0]
    attainment = compute_attainment(
        read_targets(con, plan_id),
        ctx.history,
        ctx.registry,
        plan_id=plan_id,
        plans=plans,
        school=ctx.school,
    )
    return attainment, str(plan["title"]), str(plan["scope"])


def attainment_tables(con: duckdb.DuckDBPyConnection, ctx: Context, plan_id: str | None) -> dict[str, PackTable]:
    """The plan-target table of the 规划对标 page for the whole-dashboard pack (empty without plans)."""
    loaded = load_attainment(con, ctx, plan_id)
    if loaded is None:
        return {}
    attainment, title, scope = loaded
    provenance = plan_provenance(title, scope, ctx.school, ctx.year, ctx.benchmark, ctx.lang)
    name = "规划目标达成" if ctx.lang == "zh" else "plan_attainment"
    return {f"targets/{name}": (attainment_table(attainment, ctx.lang), provenance)}


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m viz", description="图表包 / report packs")
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser("pack", help="一页或整个仪表盘的图表包 / the pack of a page or of every page")
    pack.add_argument("--page", required=True, choices=[*SECTIONS, "all"], help="页面 / page (all: every page)")
    pack.add_argument("--school", help="学校（默认：最新报告的学校）/ school (default: the newest report's)")
    pack.add_argument("--year", type=int, help="报告年度（默认：最新）/ report year (default: the newest)")
    pack.add_argument("--lang", choices=["zh", "en"], default="zh")
    pack.add_argument("--benchmark", choices=["高职", "全省", "本科"], default="高职")
    pack.add_argument("--plan", help="规划 id（--page all 时的规划对标表）/ plan id for the targets table")
    pack.add_argument("--db", type=Path, help="DuckDB 文件 / store file (default: $QUALITY_DB or data/quality.duckdb)")
    pack.add_argument("--no-png", action="store_true", help="只要 CSV 和 Excel / data files only")
    pack.add_argument("--out", type=Path, required=True, help="zip 文件 / the zip to write")
    args = parser.parse_args(argv)

    from loaders.paths import default_db_path
    from loaders.store import connect

    db = args.db or default_db_path()
    if not Path(db).exists():
        print(f"找不到数据库 {db}（先运行 python -m loaders sync）。\nNo store at {db} (run python -m loaders sync).")
        return 1
    try:
        con = connect(db, read_only=True)
    except duckdb.IOException as exc:
        print(
            f"无法打开 {db}：{exc}\n正在运行的仪表盘会独占数据库，可先停止它或用 --db 指定一份副本。\n"
            f"Cannot open {db}: {exc}\nA running dashboard holds the store; stop it or pass a copy with --db.",
            file=sys.stderr,
        )
        return 1
    try:
        ctx = load_context(con, school=args.school, year=args.year, lang=args.lang, benchmark=args.benchmark)
        pages = list(SECTIONS) if args.page == "all" else [args.page]
        items = {page: SECTIONS[page](ctx) for page in pages}
        tables = attainment_tables(con, ctx, args.plan) if args.page == "all" else {}
    except PackError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        con.close()
    data = build_pack(items, tables, args.lang, _progress, png=not args.no_png)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    count = sum(len(v) for v in items.values())
    print(f"{args.out}  {len(data) / 1e6:.1f} MB  ({count} charts / 张图, {len(tables)} tables / 张表)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
