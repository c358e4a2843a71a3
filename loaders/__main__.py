"""Command line for the loaders.

    python -m loaders extract FILE [--json] [--school S] [--year Y]
                                                    print the figures found in FILE and the coverage (what
                                                    was read, table by table, and what was not and why)
    python -m loaders ingest FILE... [--db PATH] [--strict] [--replace] [--school S] [--year Y]
                                                    load files into the store (one transaction each); with
                                                    --strict nothing is written when a core table is missing;
                                                    a file from outside data/reports is kept in the uploads
                                                    folder so a rebuild brings it back (with --db: no copy)
    python -m loaders rebuild [--db PATH]           build the store afresh from data/ and the kept uploads
    python -m loaders sync [--db PATH]              build the store if missing, else load what changed
    python -m loaders template OUT.xlsx             write the blank Excel template
    python -m loaders plan-template OUT.xlsx        write the blank plan-targets workbook (a college's own plan)
    python -m loaders ingest-plan FILE [--db PATH] [--scope S --applies-to NAME --title T --issuer I]
                                                    load a plan: the filled plan-targets workbook, a known plan,
                                                    or a plan document with a 指标 / 目标值 / 年份 table; what
                                                    was not understood is listed (stderr); a copy is kept
    python -m loaders export --report ID OUT.(xlsx|csv) [--db PATH]
                                                    write one stored report as a workbook or tidy CSV
    python -m loaders targets [--plan ID] [--json]  print the plan targets
    python -m loaders synthetic --schools N --years M --out DIR [--seed S] [--first-year Y] [--workers W]
                                                    write N × M synthetic reports (marked 模拟/synthetic) to DIR
    python -m loaders build --from DIR... [--db PATH] [--workers W] [--no-bundled] [--strict]
                                                    build a store afresh from data/ plus the reports in DIR,
                                                    parsing in W processes, many reports per transaction

Errors go to stderr in Chinese and English; the exit status is 2 for a file that cannot be
loaded (or a report or output that ``export``/``template`` cannot write), 3 for a store that
cannot be opened. ``--school`` and ``--year`` give the school and data year of a document that does
not say them (a fragment, a report that only says 我院).

Size: ~500 lines, one module on purpose: the command line is one place (issue 22), every command
is a short function over one call of its layer (reading, plans, the store), and the parser that
lists them all is the help a planner reads; split by layer, each part would hold a handful of
ten-line functions and the parser would have to gather them back.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from loaders.contracts.errors import BilingualError, LoadError, StoreBusyError, UnknownReportError
from loaders.contracts.fields import OBSERVATION_FIELDS, names
from loaders.contracts.paths import REPORTS_DIR, default_db_path, uploads_dir
from loaders.plans.documents import targets_json
from loaders.plans.load import format_plan_report, read_plan_bytes
from loaders.plans.workbook import is_plan_workbook, plan_template_bytes
from loaders.read.coverage import coverage_records, format_coverage, strict_failures, summary, summary_line
from loaders.read.load import read_file
from loaders.read.record import LoadResult
from loaders.read.synthetic import write_reports
from loaders.read.tidy_csv import render_csv
from loaders.read.workbook_write import render_workbook, template_bytes
from loaders.store.access import open_for_reading, open_for_writing, prepare
from loaders.store.build import build_store, bundled_plan_files, bundled_report_files, rebuild, report_files_in
from loaders.store.isolate import load_file_isolated
from loaders.store.kept_plans import ingest_plan_upload
from loaders.store.leftovers import remove_leftovers
from loaders.store.queries import stored_report
from loaders.store.replacing import replacement_loss
from loaders.store.writelog import record
from loaders.store.writes import ingest_plan, ingest_result, ingest_upload

EXTRACT_KEYS = names(OBSERVATION_FIELDS, exclude=("source_text",))


def _extract(args: argparse.Namespace) -> int:
    result = load_file_isolated(
        args.file, school=args.school, report_year=args.year
    )  # in a child process under the upload's limits
    frame = result.observations[EXTRACT_KEYS]
    if args.json:
        json.dump(extract_document(result), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(frame.to_string(index=False))
        _print_coverage(result)
    return 0


def extract_document(result: LoadResult) -> dict[str, object]:
    """What ``extract --json`` prints: the report, how its years were found, coverage, figures."""
    records = [
        {key: (None if _is_missing(value) else _plain(value)) for key, value in row.items()}
        for row in result.observations[EXTRACT_KEYS].to_dict(orient="records")
    ]
    years = result.years
    return {
        "report_id": result.report_id,
        "school": result.school,
        "report_year": result.report_year,
        "title_year": getattr(years, "title_year", None),
        "year_basis": {"zh": years.basis_zh, "en": years.basis_en} if years is not None else None,
        "cohorts": [
            {"cohort": cohort, "years_after": after, "table": table}
            for cohort, after, table in getattr(years, "cohorts", [])
        ],
        "source_file": result.source_file,
        "format": result.format_used,
        "encoding": result.encoding,
        "notes": list(result.notes),
        "summary": summary(result.coverage),
        "coverage": coverage_records(result.coverage),
        "observations": records,
    }


def _print_coverage(result: LoadResult) -> None:
    """The notes, the coverage summary and every item not simply read, on stderr (both languages)."""
    for note in result.notes:
        print(note, file=sys.stderr)
    if not result.coverage:
        return
    print(f"{result.report_id}：{summary_line(result.coverage)}", file=sys.stderr)
    for line in format_coverage(result.coverage, "zh"):
        print(f"  {line}", file=sys.stderr)


def _is_missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    return value


def _ingest(args: argparse.Namespace) -> int:
    plan_files = [path for path in args.files if is_plan_workbook(_read_bytes(path))]
    if plan_files:  # a filled plan-targets workbook is a plan, not a report
        for path in plan_files:
            status = _ingest_plan_file(path, args.db, {})
            if status:
                return status
        args.files = [path for path in args.files if path not in plan_files]
        if not args.files:
            return 0
    # parse everything before writing anything, each file in a child process under the upload's limits
    results = [(path, load_file_isolated(path, school=args.school, report_year=args.year)) for path in args.files]
    for _, result in results:
        _print_coverage(result)
    if args.strict:
        failed = [(result, strict_failures(result.coverage)) for _, result in results]
        failed = [(result, items) for result, items in failed if items]
        for result, items in failed:
            names = "、".join(f"{item.name_zh}（{item.source_table or '未找到'}）" for item in items)
            names_en = "; ".join(f"{item.name_en} ({item.source_table or 'not found'})" for item in items)
            print(
                f"{result.source_file}：核心表格缺失或不完整，--strict 下不写入：{names}\n"
                f"{result.source_file}: core tables missing or incomplete; nothing written under --strict: {names_en}",
                file=sys.stderr,
            )
        if failed:
            return 2
    uploads = uploads_dir(args.db)  # the kept copies of this store, beside it (never another store's)
    how = ("要替换，请加 --replace。", "To replace it, add --replace.")
    with open_for_writing(Path(args.db or default_db_path())) as con:
        if not args.replace:  # replacing is a decision: list what would be lost, write nothing
            losses = [loss for _, r in results if (loss := replacement_loss(con, r)) is not None and loss.loses]
            for loss in losses:
                zh, en = loss.message()
                print(f"{zh}\n{how[0]}\n{en}\n{how[1]}", file=sys.stderr)
                detail = f"{loss.new_file}: would lose {len(loss.figures)} figures (python -m loaders ingest)"
                record(con, "ingest", "refused", report_id=loss.report_id, detail=detail)
            if losses:
                print("未写入任何内容。\nNothing was written.", file=sys.stderr)
                return 2
        for path, result in results:
            bundled = path.resolve().is_relative_to(REPORTS_DIR.resolve())
            try:
                if not bundled:  # keep a copy: a rebuild brings the report back
                    outcome = ingest_upload(
                        con, result, path.read_bytes(), uploads, allow_loss=args.replace, refused_how=how
                    )
                else:
                    outcome = ingest_result(con, result, allow_loss=args.replace, refused_how=how)
            except LoadError as exc:
                record(con, "ingest", "refused", report_id=result.report_id, file_sha256=result.sha256,
                       detail=exc.message)  # fmt: skip
                raise
            record(con, "ingest", outcome.action, report_id=result.report_id, file_sha256=result.sha256,
                   detail=f"{result.source_file} (python -m loaders ingest)")  # fmt: skip
            print(f"{outcome.report_id}: {outcome.action} ({outcome.n_observations} observations)")
    return 0


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    """Hold the store's file for the block (a serving dashboard asked to let go of it); nothing when it is new."""
    if not path.exists():
        yield
        return
    with open_for_writing(path):
        yield


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # load() says why, naming the file


def _ingest_plan(args: argparse.Namespace) -> int:
    meta = {"title": args.title, "issuer": args.issuer, "scope": args.scope, "applies_to": args.applies_to}
    return _ingest_plan_file(args.file, args.db, meta)


def _ingest_plan_file(path: Path, db: Path | None, meta: dict[str, object]) -> int:
    """Read a plan file, print what was not understood, write it (keeping a copy beside the store) and log it."""
    data = read_file(path)
    try:
        read = read_plan_bytes(data, path.name, meta)
    except LoadError as exc:
        record(None, "ingest-plan", "refused", detail=exc.message, db_path=db)
        raise
    print(format_plan_report(read), file=sys.stderr)
    with open_for_writing(Path(db or default_db_path())) as con:
        try:  # a copy is kept beside the store (never another store's): a rebuild brings the plan back
            outcome = ingest_plan_upload(con, read, data, uploads_dir(db))
        except LoadError as exc:
            record(con, "ingest-plan", "refused", report_id=read.plan_id, file_sha256=read.sha256, detail=exc.message)
            raise
        record(con, "ingest-plan", outcome.action, report_id=read.plan_id, file_sha256=read.sha256,
               detail=f"{read.source_file} (python -m loaders ingest-plan)")  # fmt: skip
    print(f"{outcome.report_id}: {outcome.action} ({outcome.n_observations} targets)")
    return 0


def _plan_template(args: argparse.Namespace) -> int:

    if args.out.suffix.lower() != ".xlsx":
        print(
            f"模板文件名应以 .xlsx 结尾：{args.out}\nthe template's name must end in .xlsx: {args.out}", file=sys.stderr
        )
        return 2
    return _write_output(args.out, plan_template_bytes(), "plan template")


def _rebuild(args: argparse.Namespace) -> int:

    _remove_leftovers(args)
    path = Path(args.db or default_db_path())
    with _held(path):  # a serving dashboard lets go of the file while it is replaced
        outcomes = rebuild(path, isolate=True)  # every file parsed under the upload's limits
    for outcome in outcomes:
        print(f"{outcome.report_id}: {outcome.action} ({outcome.n_observations} rows)")
        for note in outcome.notes:
            print(f"  {note}", file=sys.stderr)
    print(f"store written: {args.db or default_db_path()}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    """Build the store when missing, rebuild it when of another version or damaged, else load what changed."""
    path = Path(args.db or default_db_path())
    _remove_leftovers(args)
    done = prepare(path)  # missing: built; another version: rebuilt; damaged (not locked): kept aside, rebuilt
    if done is not None:
        print(f"数据库已重建 / {done}", file=sys.stderr)
        return 0
    with open_for_writing(path) as con:
        for file in bundled_report_files():
            outcome = ingest_result(con, load_file_isolated(file))  # under the upload's limits
            print(f"{outcome.report_id}: {outcome.action} ({outcome.n_observations} observations)")
        for file in bundled_plan_files():
            outcome = ingest_plan(con, file)
            print(f"{outcome.report_id}: {outcome.action} ({outcome.n_observations} targets)")
    return 0


def _remove_leftovers(args: argparse.Namespace) -> None:
    """Files killed builds and uploads left behind (``.rebuild-*``, ``.upload-*``), at start."""
    for path in remove_leftovers(Path(args.db or default_db_path()), uploads_dir(args.db)):
        print(f"removed a leftover of a killed process: {path}", file=sys.stderr)


def _synthetic(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()
    try:
        files = write_reports(
            args.out, args.schools, args.years, first_year=args.first_year, seed=args.seed, workers=args.workers
        )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{len(files)} synthetic reports written to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def _build(args: argparse.Namespace) -> int:

    files = bundled_report_files() if args.bundled else []
    for folder in args.folders:
        files += report_files_in(folder)
    plans = bundled_plan_files() if args.bundled else []

    def progress(done: int, total: int, seconds: float) -> None:
        print(f"  {done}/{total} files, {seconds:.1f} s", file=sys.stderr)

    summary = build_store(
        args.db,
        files,
        plans,
        workers=args.workers,
        batch=args.batch,
        require_core=args.strict,
        progress=progress,
        isolate=True,  # one worker too: every file parsed under the upload's limits
    )
    written = [o for o in summary.outcomes if o.action in ("added", "replaced")]
    print(
        f"store written: {args.db or default_db_path()} — {len(written)} reports/plans,"
        f" {sum(o.n_observations for o in written)} rows, {len(summary.failures)} failed, {summary.seconds:.1f} s"
    )
    for name, message in summary.failures:
        print(f"{name}: {message}", file=sys.stderr)
    if summary.partial:
        print(f"部分读取的报告 / reports partly read: {len(summary.partial)}", file=sys.stderr)
    for name, message in summary.partial:
        print(f"{name}: {message}", file=sys.stderr)
    return 2 if summary.failures else 0


def _targets(args: argparse.Namespace) -> int:

    text = targets_json(args.plan)
    if args.json:
        print(text)
    else:
        import pandas as pd

        frame = pd.read_json(io.StringIO(text))
        columns = ["plan_id", "label_zh", "comparator", "target_value", "unit", "target_year", "indicator_id"]
        print(frame[columns].to_string(index=False) if not frame.empty else "(no targets)")
    return 0


def _template(args: argparse.Namespace) -> int:

    if args.out.suffix.lower() != ".xlsx":
        print(
            f"模板文件名应以 .xlsx 结尾：{args.out}\nthe template's name must end in .xlsx: {args.out}", file=sys.stderr
        )
        return 2
    return _write_output(args.out, template_bytes(), "template")


def _export(args: argparse.Namespace) -> int:

    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        print(
            f"导出文件名应以 .xlsx 或 .csv 结尾：{args.out}\nthe output must end in .xlsx or .csv: {args.out}",
            file=sys.stderr,
        )
        return 2
    con = open_for_reading(Path(args.db or default_db_path()))
    try:
        report, source_file = stored_report(con, args.report)
    except UnknownReportError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    finally:
        con.close()
    if suffix == ".xlsx":
        data = render_workbook(report.observations, report.school, report.report_year, source_file)
    else:
        data = render_csv(report.observations, report.school, report.report_year)
    return _write_output(args.out, data, f"{args.report}: {len(report.observations)} observations")


def _write_output(path: Path, data: bytes, what: str) -> int:
    try:
        path.write_bytes(data)
    except OSError as exc:
        print(f"无法写入文件 {path}：{exc.strerror}\ncannot write {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"{what} written: {path}")
    return 0


def _given_school_year(command: argparse.ArgumentParser) -> None:
    """``--school`` and ``--year`` for a document that does not say them (a fragment, 我院 …)."""
    command.add_argument(
        "--school", default=None, help="学校名称（文件中未写明时）/ the school, when the file does not name it"
    )
    command.add_argument(
        "--year", type=int, default=None, help="数据年度（文件中未写明时）/ the data year, when the file lacks it"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests)."""
    parser = argparse.ArgumentParser(prog="python -m loaders", description="高职质量年度报告数据导入 / report loaders")
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="print the observations found in a file")
    extract.add_argument("file", type=Path)
    extract.add_argument("--json", action="store_true", help="JSON array instead of a table")
    _given_school_year(extract)
    extract.set_defaults(func=_extract)
    ingest = sub.add_parser("ingest", help="load files into the store")
    ingest.add_argument("files", type=Path, nargs="+")
    ingest.add_argument("--db", type=Path, default=None, help="DuckDB file (default data/quality.duckdb)")
    ingest.add_argument(
        "--strict",
        action="store_true",
        help="write nothing when a core table (survey, enrollment, scorecard) is missing",
    )
    ingest.add_argument(
        "--replace",
        action="store_true",
        help="replace a stored report even when the new file loses figures or core items (without it: exit 2,"
        " nothing written, the loss listed)",
    )
    _given_school_year(ingest)
    ingest.set_defaults(func=_ingest)
    rebuild = sub.add_parser("rebuild", help="build the store afresh from data/")
    rebuild.add_argument("--db", type=Path, default=None)
    rebuild.set_defaults(func=_rebuild)
    sync = sub.add_parser("sync", help="build the store if missing, else load what changed")
    sync.add_argument("--db", type=Path, default=None)
    sync.set_defaults(func=_sync)
    template = sub.add_parser("template", help="write the blank Excel template")
    template.add_argument("out", type=Path, help="the .xlsx to write")
    template.set_defaults(func=_template)
    plan_template = sub.add_parser("plan-template", help="write the blank plan-targets workbook")
    plan_template.add_argument("out", type=Path, help="the .xlsx to write")
    plan_template.set_defaults(func=_plan_template)
    ingest_plan = sub.add_parser("ingest-plan", help="load a plan: the filled workbook or a plan document")
    ingest_plan.add_argument("file", type=Path)
    ingest_plan.add_argument("--db", type=Path, default=None, help="DuckDB file (default data/quality.duckdb)")
    ingest_plan.add_argument("--scope", choices=("school", "city", "province"), default=None,
                             help="whom a document applies to: a school, a city or a province")  # fmt: skip
    ingest_plan.add_argument("--applies-to", default=None, help="the school's, city's or province's name")
    ingest_plan.add_argument("--title", default=None, help="the plan's title (default: the document's first line)")
    ingest_plan.add_argument("--issuer", default=None, help="who issued it (default: whom it applies to)")
    ingest_plan.set_defaults(func=_ingest_plan)
    export = sub.add_parser("export", help="write one stored report as .xlsx (template layout) or tidy .csv")
    export.add_argument("--report", required=True, help="report id, e.g. 温州职业技术学院-2020")
    export.add_argument("out", type=Path, help="the .xlsx or .csv to write")
    export.add_argument("--db", type=Path, default=None, help="DuckDB file (default data/quality.duckdb)")
    export.set_defaults(func=_export)
    targets = sub.add_parser("targets", help="print the plan targets parsed from data/plans")
    targets.add_argument("--plan", default=None, help="only this plan id (e.g. wzvtc_2022_2025)")
    targets.add_argument("--json", action="store_true", help="JSON array instead of a table")
    targets.set_defaults(func=_targets)
    synthetic = sub.add_parser("synthetic", help="write synthetic reports (for measuring; never into data/)")
    synthetic.add_argument("--schools", type=int, required=True, help="number of schools")
    synthetic.add_argument("--years", type=int, required=True, help="consecutive report years per school")
    synthetic.add_argument("--out", type=Path, required=True, help="target folder (outside data/)")
    synthetic.add_argument("--seed", type=int, default=0, help="seed of the random values")
    synthetic.add_argument("--first-year", type=int, default=2015, help="the first report year")
    synthetic.add_argument("--workers", type=int, default=2, help="processes rendering in parallel")
    synthetic.set_defaults(func=_synthetic)
    build = sub.add_parser("build", help="build a store afresh from data/ and folders of reports, quickly")
    build.add_argument("--from", dest="folders", type=Path, action="append", default=[], help="a folder of reports")
    build.add_argument("--db", type=Path, default=None, help="DuckDB file to write (default data/quality.duckdb)")
    build.add_argument("--workers", type=int, default=2, help="parsing processes")
    build.add_argument("--batch", type=int, default=None, help="reports per transaction (default: setting)")
    build.add_argument(
        "--strict", action="store_true", help="leave out (and list) reports whose core tables are missing or damaged"
    )
    build.add_argument(
        "--no-bundled", dest="bundled", action="store_false", help="leave out data/reports, uploads and plans"
    )
    build.set_defaults(func=_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StoreBusyError as exc:  # held by another process for longer than we waited
        print(exc.message, file=sys.stderr)
        return 3
    except BilingualError as exc:  # a file not loaded, an unknown plan or report, an outdated store
        print(exc.message, file=sys.stderr)
        return 2
    except duckdb.Error as exc:  # whatever else the database says: a message, never a traceback
        said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"数据库出错：{said}\nthe database reported an error: {said}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
