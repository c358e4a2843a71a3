"""``python -m viz pack``: the report pack, deck, Word appendix or offline HTML of a page or of the whole dashboard.

The one place in :mod:`viz` that reads the store: it reads through :mod:`loaders.store.writes`,
compares with :func:`metrics.compare.compare_to_benchmark` and builds the same
:class:`viz.sections.Context` the dashboard builds, so the pack holds the charts a planner saw.

    python -m viz pack --page outcomes|enrollment|faculty|research|all --school S --year Y \\
        [--lang zh|en] [--benchmark 高职|全省|本科] [--plan ID] [--db PATH] [--no-png] \\
        [--format zip|pptx|docx|html] --out FILE.zip|.pptx|.docx|.html
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts.errors import BilingualError, LoadError
from loaders.contracts.registry import checkup_rules
from loaders.contracts.schools import read_schools
from metrics import queries
from metrics.applicability import select_applicable_plans
from metrics.queries import Reader
from viz.catalogue import SECTIONS
from viz.documents import DOCUMENTS, render_document
from viz.dossier import Dossier
from viz.frames import plan_tables
from viz.names import plan_title
from viz.pack import PackTable
from viz.sections import Context, build_context


class PackError(BilingualError):
    """A pack cannot be made as asked (no such school or year, no such plan)."""


def load_context(reader: Reader, *, school: str | None, year: int | None, lang: str, benchmark: str) -> Context:
    """The charts' context of one report, read from the store.

    Args:
        reader: The store's reader (:func:`loaders.store.writes.access.store_reader`).
        school: School (the newest report's school when None).
        year: Report data year (the school's newest when None).
        lang: ``zh`` or ``en``.
        benchmark: Benchmark subject.

    Returns:
        The context.

    Raises:
        PackError: No report of that school and year is loaded.
    """
    reports = reader.reports()
    if reports.empty:
        raise PackError("数据库中没有报告。", "No report is loaded.")
    school = school or str(reports["school"].iloc[0])
    mine = reports[reports["school"] == school]
    if mine.empty:
        known = "、".join(reports["school"].unique())
        raise PackError(f"没有“{school}”的报告（已载入：{known}）。", f"No report of {school!r} (loaded: {known}).")
    year = year or int(mine["report_year"].max())
    report = mine[mine["report_year"] == year]
    if report.empty:
        years = ", ".join(str(y) for y in sorted(mine["report_year"].unique()))
        raise PackError(
            f"没有{school} {year} 年的报告（已载入年度：{years}）。",
            f"No {year} report of {school} (loaded: {years}).",
        )
    report_id = str(report["report_id"].iloc[0])
    findings = queries.checkup(reader, report_id, checkup_rules())  # read now: the connection may close first
    return build_context(
        school=school,
        year=year,
        lang=lang,
        benchmark=benchmark,
        observations=reader.observations(report_id),
        registry=reader.indicators(),
        comparison=queries.comparison(reader, report_id, school),
        history=reader.school_observations([school]),
        contradictions=lambda: findings,  # a chart of a table that contradicts itself: a note, as on the pages
    )


def load_attainment(
    reader: Reader, ctx: Context, plan_id: str | None
) -> tuple[pd.DataFrame, str, tuple[str, ...]] | None:
    """The attainment of a plan's targets by the context's school, as the 规划对标 page computes it.

    Args:
        reader: The store's reader (:func:`loaders.store.writes.access.store_reader`).
        ctx: The charts' context (school, its reports, the registry).
        plan_id: The plan (the first loaded plan that applies to the school when None).

    Returns:
        ``(attainment rows, plan title, the plan's tables as provenance names them)``, or None when no
        plan applies to the school.

    Raises:
        PackError: There is no plan ``plan_id``, or it does not apply to the school.
    """
    loaded = reader.plans()
    if plan_id and plan_id not in set(loaded["plan_id"]):
        raise PackError(f"没有规划“{plan_id}”。", f"No plan {plan_id!r}.")
    plans = select_applicable_plans(loaded, ctx.school, read_schools())  # never another school's plan
    if plan_id and plan_id not in set(plans["plan_id"]):
        raise PackError(
            f"规划“{plan_id}”不适用于{ctx.school}（学校只与本校及所在市、省的规划对标；所在地见 data/schools.csv）。",
            f"The plan {plan_id!r} does not apply to {ctx.school} (a school is judged only against its own, its"
            " city's and its province's plans; see data/schools.csv).",
        )
    if plans.empty:
        return None
    plan_id = plan_id or str(plans["plan_id"].iloc[0])
    plan = plans[plans["plan_id"] == plan_id]
    plan = plan.iloc[0]
    attainment = queries.attainment(reader, plan_id, ctx.school)
    return attainment, plan_title(plan_id, str(plan["title"]), ctx.lang), plan_tables(plan)


def load_dossier(reader: Reader, ctx: Context, page: str, plan_id: str | None) -> Dossier:
    """The view the dashboard shows for ``page`` (``all``: the whole dashboard, with the plan's targets).

    Args:
        reader: The store's reader (:func:`loaders.store.writes.access.store_reader`).
        ctx: The charts' context.
        page: A key of :data:`viz.catalogue.SECTIONS`, or ``all``.
        plan_id: The plan of the whole dashboard's targets (the first loaded plan when None).

    Returns:
        The dossier every format of :data:`viz.documents.DOCUMENTS` is made from.

    Raises:
        PackError: There is no plan ``plan_id``.
    """
    if page != "all":
        return Dossier(ctx, {page: SECTIONS[page](ctx)})
    loaded = load_attainment(reader, ctx, plan_id)
    attainment, title, tables = loaded if loaded is not None else (None, "", ())
    return Dossier(ctx, {name: build(ctx) for name, build in SECTIONS.items()}, attainment, title, tables, whole=True)


def attainment_tables(reader: Reader, ctx: Context, plan_id: str | None) -> dict[str, PackTable]:
    """The plan-target table of the 规划对标 page for the whole-dashboard pack (empty without plans)."""
    loaded = load_attainment(reader, ctx, plan_id)
    if loaded is None:
        return {}
    return dict(Dossier(ctx, {}, *loaded, whole=True).pack_tables())


def output_format(requested: str | None, out: Path) -> str:
    """The format asked for, else the one the output file's extension names (``.pptx`` …), else ``zip``."""
    if requested:
        return requested
    suffix = out.suffix.lower().lstrip(".")
    return next((kind for kind, spec in DOCUMENTS.items() if spec.extension == suffix), "zip")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m viz", description="图表包与办公文件 / report packs and office files"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser(
        "pack",
        help="一页或整个仪表盘的图表包、PPT、Word 附录或离线网页 / a page's or every page's pack, deck, appendix, HTML",
    )
    pack.add_argument("--page", required=True, choices=[*SECTIONS, "all"], help="页面 / page (all: every page)")
    pack.add_argument("--school", help="学校（默认：最新报告的学校）/ school (default: the newest report's)")
    pack.add_argument("--year", type=int, help="报告年度（默认：最新）/ report year (default: the newest)")
    pack.add_argument("--lang", choices=["zh", "en"], default="zh")
    pack.add_argument("--benchmark", choices=["高职", "全省", "本科"], default="高职")
    pack.add_argument("--plan", help="规划 id（--page all 时的规划对标表）/ plan id for the targets table")
    pack.add_argument("--db", type=Path, help="DuckDB 文件 / store file (default: $QUALITY_DB or data/quality.duckdb)")
    pack.add_argument(
        "--format",
        choices=list(DOCUMENTS),
        help="zip 图表包、pptx 演示文稿、docx Word 附录、html 离线网页（默认按 --out 的扩展名）"
        " / zip pack, pptx deck, docx appendix, html offline file (default: from --out's extension)",
    )
    pack.add_argument(
        "--no-png", action="store_true", help="不画 PNG（图表包只要 CSV/Excel，Word 附录不含图片）/ no PNGs"
    )
    pack.add_argument("--out", type=Path, required=True, help="输出文件 / the file to write")
    args = parser.parse_args(argv)

    from loaders.contracts.paths import default_db_path
    from loaders.store.access import store_reader

    db = args.db or default_db_path()
    if not Path(db).exists():
        print(f"找不到数据库 {db}（先运行 python -m loaders sync）。\nNo store at {db} (run python -m loaders sync).")
        return 1
    try:
        with store_reader(db) as reader:
            ctx = load_context(reader, school=args.school, year=args.year, lang=args.lang, benchmark=args.benchmark)
            dossier = load_dossier(reader, ctx, args.page, args.plan)
    except PackError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except (duckdb.Error, LoadError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        print(f"无法打开 {db}：{message}\nCannot open {db}: {message}", file=sys.stderr)
        return 1
    kind = output_format(args.format, args.out)
    data = render_document(kind, dossier, _progress, png=not args.no_png)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    count = sum(len(v) for v in dossier.pages.values())
    tables = len(dossier.pack_tables())
    print(f"{args.out}  {len(data) / 1e6:.1f} MB  {kind}  ({count} charts / 张图, {tables} tables / 张表)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
