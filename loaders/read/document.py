"""One report's text while it is being read: its lines, captions, years and the figures found so far.

Belongs here: what the table, form and block readers share — the normalised lines, the captions
that divide the text into regions, the place of a line for messages, and :meth:`Document.observe`,
the one door through which every figure enters (unit conversion, plausible range, provenance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from loaders.contracts.registry import out_of_range, registry_units
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.spec import ReportSpec, squeeze

#: The line that introduces a workbook sheet without a caption of its own (see :mod:`loaders.read.sheets`);
#: the sheet's name is then its caption.
SHEET_MARK = "【工作表】"

#: Reports are about years in this range; anything else is a typing error or an attack.
MIN_YEAR = 1990
MAX_YEAR = 2100

_FORM_PREFIX = re.compile(
    r"^(?:附件\d*[:.、]?)?(?:附表\d*[:.、]?)?(?:[\u4e00-\u9fa5]{2,14}?(?:学院|学校|大学))?(?:\d{4}年度?)?"
)
_FORM_SUFFIX = re.compile(r"^(?:表|一览表|指标表|情况表)?(?:\([^()]{0,20}\))?$")


@dataclass(frozen=True)
class Caption:
    """A caption: the start of a table or form.

    Attributes:
        index: 0-based line index.
        table: How figures under it are labelled (``表2-15``, ``表1``, or a form's name such as
            ``计分卡`` when it has no number).
        title: The caption's title (normalised, without the number).
        numbered: Whether it had a ``表 N`` number.
        form: The form id its title names, if any.
        continuation: Whether it only says the previous table goes on (``续表``).
    """

    index: int
    table: str
    title: str
    numbered: bool
    form: str | None = None
    continuation: bool = False


@dataclass
class Document:
    """A report being read. ``rows`` collects observation tuples in :data:`OBSERVATION_COLUMNS` order."""

    lines: list[str]
    norm: list[str]
    source: str
    school: str
    data_year: int
    spec: ReportSpec
    captions: list[Caption] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    #: ``(cohort, years_after, table)`` of every survey table read
    cohorts: list[tuple[int, int | None, str]] = field(default_factory=list)
    #: The rows of the list tables read, in :data:`loaders.contracts.fields.LIST_ROW_FIELDS` order
    list_rows: list[tuple[Any, ...]] = field(default_factory=list)
    #: Numbers the source's reading doubts, per line index: ``(value, reason zh, reason en)``
    doubts: dict[int, list[tuple[float, str, str]]] = field(default_factory=dict)

    def where(self, index: int, table: str) -> str:
        """A place for messages: ``表2-15 第 1277 行``."""
        return f"{table} 第 {index + 1} 行"

    def region_end(self, caption: Caption) -> int:
        """Where a caption's region ends: at the next caption that is not a continuation of it."""
        for other in self.captions:
            if other.index > caption.index and not other.continuation:
                return other.index
        return len(self.norm)

    def continuation_lines(self, caption: Caption) -> list[int]:
        """Line indexes of the continuation captions (``续表``) inside a caption's region."""
        end = self.region_end(caption)
        return [c.index for c in self.captions if caption.index < c.index < end and c.continuation]

    def observe(
        self,
        item: CoverageItem,
        indicator: str,
        subject: str,
        year: int,
        years_after: int | None,
        value: float,
        table: str,
        index: int,
        factor: float = 1.0,
        printed_unit: str | None = None,
        held: tuple[str, str] | None = None,
    ) -> bool:
        """Record one figure, or the reason it was refused.

        Args:
            item: The coverage item the figure belongs to (problems are added to it).
            indicator: Registry id.
            subject: What the figure is about (``本校``, a programme, ``合计``).
            year: The year the figure is for.
            years_after: Years after graduation (graduate surveys), else None.
            value: The number as printed.
            table: Source table (``表2-15``).
            index: 0-based line index of the number.
            factor: Printed unit → registry unit.
            printed_unit: The unit as printed, when it differs from the registry's.
            held: ``(zh, en)`` when the reading is in doubt: the figure is stored with the reason
                (``held_reason``, Chinese first) and listed in coverage as held back.

        Returns:
            Whether the figure was kept.
        """
        unit = registry_units()[indicator]
        if held is None and index in self.doubts:
            held = next(((zh, en) for printed, zh, en in self.doubts[index] if printed == value), None)
        if factor != 1.0:
            value = round(value * factor, 10)
            item.add(
                Problem(
                    "unit_converted",
                    "info",
                    f"{indicator}：单位由 {printed_unit} 换算为 {unit}（×{factor:g}）",
                    f"{indicator}: converted from {printed_unit} to {unit} (×{factor:g})",
                )
            )
        refused = out_of_range(indicator, value)
        if refused is not None:
            item.add(Problem("out_of_range", "warning", refused[0], refused[1], index + 1))
            return False
        reason = None
        if held is not None:
            reason = f"{held[0]} / {held[1]}"
            item.add(
                Problem(
                    "held_back",
                    "warning",
                    f"{indicator}（{subject}，{year}）= {value:g} 读数存疑，暂存待核：{held[0]}",
                    f"{indicator} ({subject}, {year}) = {value:g}: reading in doubt, held back: {held[1]}",
                    index + 1,
                )
            )
        self.rows.append(
            (indicator, subject, year, years_after, value, unit, table, index + 1, self.lines[index].strip(), reason)
        )
        item.n_values += 1
        return True


def find_captions(norm: list[str], spec: ReportSpec) -> list[Caption]:
    """Every caption of the text: numbered ones (``表 2-15 …``) and unnumbered form titles (``计分卡``).

    Args:
        norm: Normalised, stripped lines.
        spec: The report spec.

    Returns:
        The captions in text order.
    """
    captions: list[Caption] = []
    names = sorted(((squeeze(n), f.id) for f in spec.form for n in f.names), key=lambda item: -len(item[0]))
    any_name = re.compile("|".join(re.escape(name) for name, _ in names))
    for index, line in enumerate(norm):
        if not line:
            continue
        first = line[0]
        if line.startswith(SHEET_MARK):
            title = line[len(SHEET_MARK) :].strip()
            squeezed = squeeze(title)
            form = next((form_id for name, form_id in names if name in squeezed), None)
            captions.append(Caption(index, f"工作表「{title}」", title, numbered=False, form=form))
            continue
        if first in "表附续":
            caption = _numbered(index, line, spec, names)
            if caption is not None:
                captions.append(caption)
                continue
        if len(line) <= 40 and any_name.search(line.replace(" ", "")):
            form = _form_title(line, names)
            if form is not None:
                captions.append(Caption(index, form[1], line, numbered=False, form=form[0]))
                continue
        if _UNNUMBERED_RE.match(line) and _table_follows(norm, index):
            captions.append(Caption(index, f"「{line}」", line, numbered=False))
    return captions


# A caption without "表 N": a short line that ends in 表 (统计表, 情况表, 一览表 …), no sentence in it.
_UNNUMBERED_RE = re.compile(r"^(?![表附续])[^。，；:,;]{3,38}表$")
_NUMBER_CELL_RE = re.compile(r"^[\d.,]+%?$")


def _table_follows(norm: list[str], index: int) -> bool:
    """Whether a header line (no numbers) and then a row ending in numbers follow within a few lines."""
    header = False
    for line in [line for line in norm[index + 1 : index + 8] if line][:5]:
        if line[0] in "表附续":
            return False  # a caption of its own follows ("…如下表" above "表 2-3 …")
        tokens = line.split()
        numbers = 0
        while numbers < len(tokens) and _NUMBER_CELL_RE.match(tokens[-1 - numbers]):
            numbers += 1
        if numbers and numbers < len(tokens):
            return header
        if not numbers and len(tokens) >= 2:
            header = True
    return False


def _numbered(index: int, line: str, spec: ReportSpec, names: list[tuple[str, str]]) -> Caption | None:
    body = line
    continuation = False
    if body.startswith("续表"):
        continuation, body = True, body[1:]
    match = spec.caption_re.match(body)
    if not match:
        if spec.continuation_re.match(line):
            return Caption(index, "", line, numbered=False, continuation=True)
        return None
    number = re.sub(r"\s*[-–—.]\s*", "-", match.group("num"))
    title = match.group("title").strip()
    if spec.continuation_re.match(title):
        continuation, title = True, ""
    if not title and not continuation:
        return None
    squeezed = squeeze(title)
    form = next((form_id for name, form_id in names if name in squeezed), None)
    return Caption(index, f"表{number}", title, numbered=True, form=form, continuation=continuation)


def _form_title(line: str, names: list[tuple[str, str]]) -> tuple[str, str] | None:
    """``(form id, name)`` when a short line is a form's title without a number (``2020年计分卡``)."""
    squeezed = squeeze(line, normalized=True)
    rest = squeezed[_FORM_PREFIX.match(squeezed).end() :]
    for name, form_id in names:
        if rest.startswith(name) and _FORM_SUFFIX.match(rest[len(name) :]):
            return form_id, name
    return None
