"""Parse the text of a 高职 quality report (质量年度报告) into tidy observations.

Belongs here: finding the tables named in ``data/specs/report_tables.toml`` by their captions
or headings, rejoining wrapped cells, and turning every numeric cell into one observation
with its provenance. Anything that differs between schools or years is in the spec, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.contracts.errors import FormatError, SchoolUnknownError
from loaders.read.blocks import read_block
from loaders.read.coverage import CoverageItem, Problem, missing_item
from loaders.read.document import Caption, Document, find_captions
from loaders.read.fold import fold_spaced, to_simplified
from loaders.read.forms import FormRegion, edition_coverage, form_rows_missing, read_form_rows
from loaders.read.grid_header import caption_score, recognise, scan_region
from loaders.read.grids import read_grid
from loaders.read.holds import check_agreement
from loaders.read.lists import list_matches, read_list
from loaders.read.record import LoadResult, observation_table
from loaders.read.spec import BlockSpec, ReportSpec, TableSpec, load_spec, squeeze
from loaders.read.text import count_radicals, normalize
from loaders.read.years import YearInfo, resolve_years

_NO_TABLE = (
    "没有找到任何可识别的质量报告表格（如“表 2-15 … 就业状况”）。请确认这是高职质量年度报告。",
    "no recognisable quality-report table was found (e.g. '表 2-15 … 就业状况').",
)


def parse_report_lines(
    lines: list[str],
    source: str,
    school: str | None = None,
    report_year: int | None = None,
    spec: ReportSpec | None = None,
    doubts: dict[int, list[tuple[float, str, str]]] | None = None,
) -> LoadResult:
    """Parse a report's lines into observations and a coverage report.

    Args:
        lines: Raw lines of the report text (line ``i`` is line number ``i + 1``).
        source: File name, for provenance and messages.
        school: School name; found in the text when None.
        report_year: Data year of the report; found in the text when None.
        spec: The spec; the bundled one when None.
        doubts: Numbers whose reading the source already doubts, per 0-based line index:
            ``(value as printed, reason zh, reason en)`` (a PDF number joined across a gap no
            header proves): a figure read from one of them is held back with the reason.

    Returns:
        The parsed report. Tables, rows and cells that could not be read are not stored; each is
        named, with its line and the reason, in ``coverage``.

    Raises:
        FormatError: No table of the spec was found, or the school/year cannot be determined (or
            the year is outside 1990–2100).
    """
    spec = spec or load_spec()
    raw = "\n".join(lines)
    # One normalisation pass over the whole text (no line break is created or removed by it).
    norm = [fold_spaced(line.strip()) for line in normalize(raw).split("\n")] if lines else []
    norm, traditional = to_simplified(norm)
    captions = find_captions(norm, spec)
    if not _has_known_table(norm, captions, spec):
        raise FormatError(source, "", *_NO_TABLE)
    given = school
    school = school or _find_school(norm, spec, source)
    years = resolve_years(norm, spec, source, report_year)
    doc = Document(lines, norm, source, school, years.data_year, spec, captions, doubts=doubts or {})
    items = _read(doc)
    if not doc.rows:
        raise FormatError(source, "", *_NO_TABLE)
    years.cohorts = sorted(doc.cohorts, key=lambda c: (c[0], c[1] if c[1] is not None else -1, c[2]))
    report_item = _report_item(doc, years, count_radicals(raw), traditional)
    if given is not None:
        _say_given_school(norm, spec, source, given, report_item)
    check_agreement(doc, report_item)
    coverage = [report_item, *items]
    _say_partial(coverage)
    table = observation_table(doc.rows)
    return LoadResult(
        school=school,
        report_year=years.data_year,
        table=table,
        lines=list(lines),
        coverage=coverage,
        years=years,
        list_rows=list(doc.list_rows),
    )


@dataclass
class _Found:
    """What the reading of one report found, by kind, before it is put in spec order."""

    tables: dict[str, list[CoverageItem]] = field(default_factory=dict)
    lists: dict[str, list[CoverageItem]] = field(default_factory=dict)
    blocks: dict[str, CoverageItem] = field(default_factory=dict)
    forms: dict[str, list[FormRegion]] = field(default_factory=dict)
    #: Every form region that gave rows (a known form or not), for the editions' coverage.
    regions: list[FormRegion] = field(default_factory=list)
    #: Captions that are no known form: read by indicator names, or not read.
    other: list[CoverageItem] = field(default_factory=list)


def _read(doc: Document) -> list[CoverageItem]:
    """Read every captioned region and narrative section; the coverage items in spec order."""
    found = _Found()
    for caption in doc.captions:
        if caption.continuation:
            continue
        if caption.form is None and _read_by_caption(doc, caption, found):
            continue
        _read_form_region(doc, caption, found)
    _read_sections(doc, found)
    return _in_spec_order(doc, found)


def _read_by_caption(doc: Document, caption: Caption, found: _Found) -> bool:
    """Read a region as the table, list or block its caption names; False when it names none."""
    spec = doc.spec
    scan = scan_region(doc, caption.index + 1, doc.region_end(caption))
    match = recognise(doc, caption, scan)
    if match is not None:
        table_spec = match[0]
        item = _item(caption, table_spec.id, "table", table_spec.zh, table_spec.en, table_spec.core)
        years_after = read_grid(doc, table_spec, caption, item, scan)
        if table_spec.expect_years_after:
            item.item_id = f"{table_spec.id}@{years_after}"
            item.name_zh += f"·毕业{years_after}年后"
            item.name_en += f", {years_after} year(s) after graduation"
        found.tables.setdefault(table_spec.id, []).append(item)
        return True
    listed = next((s for s in spec.lists if list_matches(s, caption.title)), None)
    if listed is not None:
        item = _item(caption, listed.id, "list", listed.zh, listed.en, listed.core)
        read_list(doc, listed, caption, item)
        found.lists.setdefault(listed.id, []).append(item)
        return True
    block = next((b for b in spec.block if b.caption and _caption_matches(b.caption, caption.title)), None)
    if block is not None:
        item = _item(caption, block.id, "block", block.zh, block.en, block.core)
        read_block(doc, block, item, caption.index, doc.region_end(caption), caption.table, caption.title)
        found.blocks[block.id] = item
        return True
    return False


def _read_form_region(doc: Document, caption: Caption, found: _Found) -> None:
    """Read a region row by row by indicator names: a known appendix form, or a caption no spec names."""
    spec = doc.spec
    form = spec.forms_by_id.get(caption.form) if caption.form else None
    if form is not None:
        item = _item(caption, f"form:{form.id}", "form", form.zh, form.en, form.core)
    else:
        item = _item(caption, f"caption:{caption.table}", "unrecognised", caption.title, caption.title, False)
    region = FormRegion(caption, item, caption.form)
    before = len(doc.rows)
    read_form_rows(doc, region)
    for block in spec.block:
        if caption.form and caption.form in block.within_form:
            read_block(doc, block, item, caption.index, doc.region_end(caption), caption.table, caption.title)
    region.indicators = {row[0] for row in doc.rows[before:]}
    if region.indicators:
        found.regions.append(region)
    if form is not None:
        found.forms.setdefault(form.id, []).append(region)
    elif item.n_values:
        item.kind = "form"
        item.problems.insert(
            0,
            Problem(
                "form_unknown",
                "info",
                "表题不在已知附表名称中，按指标名称读取了其中的行",
                "the caption is not a known form; its rows were read by their indicator names",
            ),
        )
        found.other.append(item)
    else:
        item.status = "not_read"
        found.other.append(item)


def _read_sections(doc: Document, found: _Found) -> None:
    """Read the narrative sections found by their start pattern rather than a caption."""
    for block in doc.spec.block:
        if block.start is None:
            continue
        span = _find_section(doc.norm, block)
        if span is None:
            continue
        item = CoverageItem(
            block.id, "block", block.zh, block.en, core=block.core, source_table=block.source_table or ""
        )
        item.line = span[0] + 1
        item.caption = doc.norm[span[0]]
        read_block(doc, block, item, span[0], span[1], block.source_table or "", "")
        found.blocks[block.id] = item


def _in_spec_order(doc: Document, found: _Found) -> list[CoverageItem]:
    """The coverage items: tables, lists, forms, editions, blocks in spec order, then the rest; a
    missing item for everything the spec names that was not found."""
    spec = doc.spec
    items: list[CoverageItem] = []
    for table_spec in spec.table:
        items.extend(_table_items(table_spec, found.tables.get(table_spec.id, [])))
    for list_spec in spec.lists:
        listed = found.lists.get(list_spec.id, [])
        items.extend(_numbered(listed))
        if not listed:
            items.append(
                missing_item(
                    list_spec.id,
                    "list",
                    list_spec.zh,
                    list_spec.en,
                    list_spec.core,
                    "报告中未找到这张清单表（表题未识别）",
                    "the report has no such list (caption not recognised)",
                )
            )
    for form_id, found_regions in found.forms.items():
        for region in found_regions:
            form_rows_missing(doc, form_id, region, found.regions)
            items.append(region.item)
    items.extend(edition_coverage(doc, found.forms, found.regions))
    for block in spec.block:
        if block.id in found.blocks:
            items.append(found.blocks[block.id])
        elif not block.within_form:
            items.append(
                missing_item(
                    block.id, "block", block.zh, block.en, block.core, "报告中未找到这一部分", "not found in the report"
                )
            )
    items.extend(found.other)
    return items


def _table_items(table_spec: TableSpec, found: list[CoverageItem]) -> list[CoverageItem]:
    """The items of one table of the spec: each found (numbered), and each expected one missing."""
    items = list(_numbered(found))
    for years_after in table_spec.expect_years_after:
        if not any(i.item_id == f"{table_spec.id}@{years_after}" for i in found):
            have = "、".join(f"{i.source_table}" for i in found)
            items.append(
                missing_item(
                    f"{table_spec.id}@{years_after}",
                    "table",
                    f"{table_spec.zh}·毕业{years_after}年后",
                    f"{table_spec.en}, {years_after} year(s) after graduation",
                    table_spec.core,
                    f"未找到毕业 {years_after} 年后的这张表" + (f"（已找到：{have}）" if have else ""),
                    f"the table for {years_after} year(s) after graduation was not found"
                    + (f" (found: {have})" if have else ""),
                )
            )
    if not found and not table_spec.expect_years_after:
        items.append(
            missing_item(
                table_spec.id,
                "table",
                table_spec.zh,
                table_spec.en,
                table_spec.core,
                "报告中未找到这张表（表题与表头均未识别）",
                "the report has no such table (neither caption nor header recognised)",
            )
        )
    return items


def _numbered(found: list[CoverageItem]) -> list[CoverageItem]:
    """Give a second instance of the same item id its own id (``…#2``)."""
    seen: dict[str, int] = {}
    for item in found:
        seen[item.item_id] = seen.get(item.item_id, 0) + 1
        if seen[item.item_id] > 1:
            item.item_id += f"#{seen[item.item_id]}"
    return found


def _item(caption: Caption, item_id: str, kind: str, zh: str, en: str, core: bool) -> CoverageItem:
    return CoverageItem(
        item_id, kind, zh, en, core=core, source_table=caption.table, caption=caption.title, line=caption.index + 1
    )


def _caption_matches(groups: list[list[str]], title: str) -> bool:
    squeezed = squeeze(title)
    return all(any(squeeze(term) in squeezed for term in group) for group in groups)


def _say_given_school(norm: list[str], spec: ReportSpec, source: str, given: str, item: CoverageItem) -> None:
    """Say that the school was given when importing, and when the text names another one."""
    try:
        found = _find_school(norm, spec, source)
    except FormatError:
        found = None
    if found is not None and found != given:
        item.problems.append(
            Problem(
                "school_given",
                "warning",
                f"学校按导入时指定的“{given}”读取；文本中写的是“{found}”",
                f"the school is the one given when importing, '{given}'; the text names '{found}'",
            )
        )
    else:
        item.problems.append(
            Problem("school_given", "info", f"学校：导入时指定（{given}）", f"school: given when importing ({given})")
        )


def _say_partial(coverage: list[CoverageItem]) -> None:
    """Say on the report item when the file is a fragment: fewer than half the core items found."""
    core = [item for item in coverage if item.core]
    found = [item for item in core if item.status in ("found", "partial")]
    read = [item for item in coverage if item.n_values and item.kind != "report"]
    if not core or len(found) * 2 >= len(core):
        return
    names = "、".join(f"{item.source_table or item.name_zh}" for item in read)
    coverage[0].problems.append(
        Problem(
            "partial_report",
            "warning",
            f"这是一份不完整的报告（片段）：只读到 {len(read)} 张表（{names}），核心项目 {len(found)}/{len(core)} 项；"
            "按部分报告载入，缺少的表见下",
            f"this is a partial report (a fragment): {len(read)} table(s) read ({names}), {len(found)} of"
            f" {len(core)} core items; loaded as a partial report, the missing tables are listed below",
        )
    )


def _report_item(
    doc: Document, years: YearInfo, radicals: dict[str, int], traditional: list[int] | None = None
) -> CoverageItem:
    """The report-level item: how the years were resolved, cohorts, characters folded."""
    item = CoverageItem("report", "report", "报告年度与文字", "Report years and text", status="info")
    item.problems.append(
        Problem(
            "data_year",
            "info",
            f"数据年度 {years.data_year}：{years.basis_zh}",
            f"data year {years.data_year}: {years.basis_en}",
        )
    )
    if years.title_year is not None:
        item.problems.append(
            Problem("title_year", "info", f"标题年度 {years.title_year}", f"title year {years.title_year}")
        )
    groups: dict[tuple[int, int | None], list[str]] = {}
    for cohort, after, table in years.cohorts:
        groups.setdefault((cohort, after or 0), []).append(table)
    for (cohort, after), tables in groups.items():
        when_zh = f"毕业 {after} 年后" if after else "毕业当年"
        when_en = f"{after} year(s) after graduation" if after else "at graduation"
        item.problems.append(
            Problem(
                "cohort",
                "info",
                f"{cohort} 届（{when_zh}）：{'、'.join(tables)}",
                f"class of {cohort} ({when_en}): {', '.join(tables)}",
            )
        )
    for problem in years.problems:
        item.problems.append(problem)
    if radicals:
        folded = "、".join(f"{ch}→{normalize(ch)}×{n}" for ch, n in sorted(radicals.items()))
        item.problems.append(
            Problem(
                "characters_folded",
                "info",
                f"文字层中的 {sum(radicals.values())} 个部首字符已按常用字读取：{folded}",
                f"{sum(radicals.values())} radical character(s) of the text layer were read as the ordinary"
                f" ones: {folded}",
            )
        )
    if traditional:
        shown = "、".join(str(index + 1) for index in traditional[:10]) + ("…" if len(traditional) > 10 else "")
        item.problems.append(
            Problem(
                "traditional_folded",
                "info",
                f"{len(traditional)} 行繁体字按简体匹配（OpenCC t2s；原文照存）：第 {shown} 行",
                f"{len(traditional)} line(s) in Traditional characters matched as Simplified (OpenCC t2s; the"
                f" text is kept as printed): line(s) {shown}",
            )
        )
    return item


def _has_known_table(norm: list[str], captions: list[Caption], spec: ReportSpec) -> bool:
    """Whether the text has anything the spec knows: a caption of a table, form or block, or a section."""
    for caption in captions:
        if caption.form or (caption.title and any(caption_score(t, caption.title) for t in spec.table)):
            return True
        if caption.title and any(b.caption and _caption_matches(b.caption, caption.title) for b in spec.block):
            return True
        if not caption.numbered and not caption.form:  # a caption without "表 N": known by its header
            header = squeeze("".join(norm[caption.index + 1 : caption.index + 4]), normalized=True)
            if any(key in header for t in spec.table for key in t.key_terms):
                return True
    starts = [re.compile(block.start) for block in spec.block if block.start]
    return any(pattern.search(line) for line in norm for pattern in starts)


def _find_school(norm: list[str], spec: ReportSpec, source: str) -> str:
    counts: dict[str, int] = {}
    text = "\n".join(norm)
    for pattern in spec.school_res:
        for name in _matches_per_line(pattern, norm, text, "school"):
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        raise SchoolUnknownError(
            source,
            "",
            "无法从文本中识别学校名称（如只写“我院”），请在导入时指定学校"
            "（网页上传：在上传处填写学校名称；命令行：python -m loaders extract/ingest 文件 --school 学校名称）。",
            "cannot tell the school's name from the text (it may only say 我院); give it when importing"
            " (upload page: fill in the school's name there; command line:"
            " python -m loaders extract/ingest FILE --school NAME).",
        )
    return max(counts, key=lambda name: (counts[name], len(name)))


_LINE_SENSITIVE = re.compile(r"\^|\$|\\[AZz]|\(\?<?[=!]")  # anchors and lookarounds see line ends


def _matches_per_line(pattern: re.Pattern[str], norm: list[str], text: str, group: str) -> list[str]:
    """``group`` of every match of ``pattern`` in each line, in order (as ``finditer`` per line).

    One ``finditer`` over the whole text (the lines joined by ``\\n``) gives the same matches when
    the pattern has no anchors or lookarounds and no match spans a line break; otherwise the
    lines are searched one by one.
    """
    if not _LINE_SENSITIVE.search(pattern.pattern):
        matches = list(pattern.finditer(text))
        if not any("\n" in match.group(0) for match in matches):
            return [match.group(group) for match in matches]
    return [match.group(group) for line in norm for match in pattern.finditer(line)]


def _find_section(norm: list[str], block: BlockSpec) -> tuple[int, int] | None:
    start_re, end_re = re.compile(block.start or ""), re.compile(block.end or "")
    for start, line in enumerate(norm):
        if start_re.search(line):
            for end in range(start + 1, len(norm)):
                if end_re.search(norm[end]):
                    return start, end
            return start, len(norm)
    return None
