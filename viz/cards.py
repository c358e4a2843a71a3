"""KPI cards that answer the question: the value, its cohort, the benchmark and the gap, the target.

Belongs here: :func:`headline_cards` (one row per headline indicator, from the comparison, the
significance of its gaps, the observations and the plan's attainment) and :func:`card_text` (what a
card says, in the reader's language: ``2019届·毕业一年后``, ``全省高职 4,885.36 元 · 差 +1,493.54 元``,
``目标 ≥ 1.3 倍全省高职（≥ 6,351 元）· 现 1.31 倍``). The overview, the presentation's KPI slide and the
office files draw the same words. No arithmetic on indicators: the numbers come from :mod:`metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from viz.charts import RATIO_UNIT, format_value, rounded
from viz.frames import cohort_label
from viz.i18n import benchmark_name, status_name, t, unit_name
from viz.target_charts import comparator_symbol, target_phrase

CARD_COLUMNS = [
    "indicator_id", "value", "unit", "year", "years_after", "benchmark_value", "difference",
    "difference_unit", "is_favourable", "verdict", "status", "target_value", "comparator", "target_unit",
    "target_year", "relative_to", "current_target_value", "reference_unit", "target_equivalent",
    "source_table", "source_line",
]  # fmt: skip


def headline_cards(
    comparison: pd.DataFrame,
    observations: pd.DataFrame,
    attainment: pd.DataFrame | None,
    indicator_ids: list[str],
    benchmark: str,
    gaps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per headline indicator: latest value, the benchmark and the gap, the plan's target.

    Graduate-survey indicators take the one-year-after figure of the latest cohort from
    ``comparison`` (so the difference is the metrics module's); the others take the report's
    first statement for ``本校``. The target is the plan's first target on the indicator, with its
    current value in the target's own terms (a multiple of a benchmark for ``relative`` targets)
    and, for those, the target restated in the benchmark's unit.

    Args:
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of the report.
        observations: Observations of the report.
        attainment: :func:`metrics.targets.compute_attainment` rows of the chosen plan, or None.
        indicator_ids: Headline indicators in display order.
        benchmark: The chosen benchmark subject.
        gaps: :func:`metrics.significance.assess_gaps` rows of the report (``verdict`` against the
            chosen benchmark), or None.

    Returns:
        :data:`CARD_COLUMNS`, one row per indicator.
    """
    rows = []
    for indicator_id in indicator_ids:
        row: dict[str, object] = {"indicator_id": indicator_id}
        survey = comparison[(comparison["indicator_id"] == indicator_id) & (comparison["benchmark"] == benchmark)]
        if not survey.empty:
            survey = survey.sort_values(["years_after", "year"], ascending=[True, False], kind="stable")
            first = survey.iloc[0]
            row.update({c: first[c] for c in ("value", "unit", "year", "years_after", "benchmark_value", "difference")})
            row.update(
                difference_unit=first["difference_unit"],
                is_favourable=first["is_favourable"],
                source_table=first["source_table"],
                source_line=first["source_line"],
            )
            if gaps is not None and not gaps.empty:
                match = gaps[
                    (gaps["indicator_id"] == indicator_id)
                    & (gaps["benchmark"] == benchmark)
                    & (gaps["year"] == first["year"])
                    & (gaps["years_after"] == first["years_after"])
                ]
                if not match.empty:
                    row["verdict"] = match["verdict"].iloc[0]
        else:
            own = observations[
                (observations["indicator_id"] == indicator_id) & (observations["subject"] == SCHOOL_SUBJECT)
            ]
            own = own.sort_values(["year", "source_line"], ascending=[False, True], kind="stable")
            if not own.empty:
                first = own.iloc[0]
                row.update({c: first[c] for c in ("value", "unit", "year", "source_table", "source_line")})
        if attainment is not None and not attainment.empty:
            target = attainment[attainment["indicator_id"] == indicator_id]
            if not target.empty:
                first_target = target.iloc[0]
                row.update(
                    status=first_target["status"],
                    target_value=first_target["target_value"],
                    comparator=first_target["comparator"],
                    target_unit=first_target["unit"],
                    target_year=first_target["target_year"],
                    relative_to=first_target["relative_to"],
                    current_target_value=first_target["current_value"],
                    reference_unit=first_target.get("reference_unit", ""),
                    target_equivalent=first_target.get("target_equivalent"),
                )
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=CARD_COLUMNS)


@dataclass(frozen=True)
class CardText:
    """What one KPI card says, in the reader's language (plain text: each renderer escapes it).

    Attributes:
        label: Indicator name with its unit (``平均月收入（元）``).
        value: The value without its unit (``6,378.90``; ``—`` when missing).
        cohort: Which figure it is (``2019届·毕业一年后``, or the data year ``2020 年``).
        benchmark: The chosen benchmark's value (``全省高职 4,885.36 元``), empty without one.
        gap: The difference (``+1,493.54 元``), empty without a benchmark.
        significance: For a survey rate, whether the gap is significant (``差异显著``) or that the
            report gives no sample size; empty otherwise.
        target: The plan's target in its own terms, with the current value in them.
        status: The target's status code (``met`` …), empty without a target.
        status_text: Its name (``已达成``).
    """

    label: str
    value: str
    cohort: str
    benchmark: str
    gap: str
    significance: str
    target: str
    status: str
    status_text: str


def _known(value: object) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and pd.isna(value))


def _gap_text(difference: float, unit: str, lang: str) -> str:
    if unit == "百分点":
        return f"{difference:+,.2f} {'个百分点' if lang == 'zh' else 'pp'}"
    return f"{difference:+,.2f} {unit_name(unit, lang)}".rstrip()


def target_text(card: dict, lang: str) -> str:
    """The plan's target in its own terms: ``目标 ≥ 1.3 倍全省高职（≥ 6,351 元）· 现 1.31 倍``.

    An absolute target reads ``目标 ≥ 98%（2025 年）``; none gives ``""``.
    """
    if not _known(card.get("target_value")) or not isinstance(card.get("comparator"), str):
        return ""
    symbol = comparator_symbol(card["comparator"])
    unit = str(card.get("target_unit") or "")
    year = card.get("target_year")
    relative = card.get("relative_to")
    if isinstance(relative, str) and relative:
        subject = relative.replace("|", "@").partition("@")[2] or SCHOOL_SUBJECT
        bench = benchmark_name(subject, lang)
        multiple = f"{float(card['target_value']):g}"
        current = card.get("current_target_value")
        equivalent = card.get("target_equivalent")
        reference_unit = str(card.get("reference_unit") or "")
        if lang == "zh":
            text = f"目标 {symbol} {multiple} 倍{bench}"
            if _known(equivalent):
                text += f"（{symbol} {rounded(equivalent, reference_unit, lang=lang)}）"
            return text + (f" · 现 {float(current):.2f} 倍" if _known(current) else "")
        text = f"Target {symbol} {multiple}× {bench}"
        if _known(equivalent):
            text += f" ({symbol} {rounded(equivalent, reference_unit, lang=lang)})"
        return text + (f" · now {float(current):.2f}×" if _known(current) else "")
    value = target_phrase(card["comparator"], card["target_value"], unit, lang)
    if lang == "zh":
        return f"目标 {value}" + (f"（{int(year)} 年）" if _known(year) else "")
    return f"Target {value}" + (f" by {int(year)}" if _known(year) else "")


def card_text(card: dict, name: str, registry_unit: str, benchmark: str, lang: str) -> CardText:
    """What a headline card says (see :class:`CardText`).

    Args:
        card: A row of :func:`headline_cards` (as a dict).
        name: The indicator's name in ``lang``.
        registry_unit: The indicator's unit in the registry (when the card has none).
        benchmark: The chosen benchmark subject.
        lang: ``zh`` or ``en``.
    """
    unit = card["unit"] if isinstance(card.get("unit"), str) and card["unit"] else registry_unit
    shown_unit = unit_name(unit, lang)
    label = f"{name}（{shown_unit}）" if lang == "zh" else f"{name} ({shown_unit})"
    if unit == RATIO_UNIT:  # 生师比 14.02 : 1, not 生师比（:1） 14.02
        label = name
    cohort = ""
    if _known(card.get("years_after")) and _known(card.get("year")):
        cohort = cohort_label(int(card["year"]), card["years_after"], lang)
    elif _known(card.get("year")):
        cohort = f"{int(card['year'])} 年" if lang == "zh" else f"{int(card['year'])}"
    bench, gap = "", ""
    if _known(card.get("benchmark_value")):
        bench = f"{benchmark_name(benchmark, lang)} {format_value(card['benchmark_value'], unit, lang=lang)}"
        if _known(card.get("difference")):
            gap = _gap_text(float(card["difference"]), str(card["difference_unit"]), lang)
    verdict = card.get("verdict")
    significance = t(f"sig_{verdict}", lang) if isinstance(verdict, str) and verdict else ""
    status = card.get("status") if isinstance(card.get("status"), str) else ""
    return CardText(
        label=label,
        value=format_value(card.get("value"), unit, with_unit=unit == RATIO_UNIT),
        cohort=cohort,
        benchmark=bench,
        gap=gap,
        significance=significance,
        target=target_text(card, lang),
        status=status,
        status_text=status_name(status, lang) if status else "",
    )
