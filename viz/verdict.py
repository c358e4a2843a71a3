"""The overview's one-line verdict: the headline figures against the benchmark, the plan, the minimums.

Pure: the overview's frames in, one sentence out (the deck's title slide says the same of its page).
"""

from __future__ import annotations

import pandas as pd

from metrics.minimums import count_minimums
from viz.i18n import benchmark_name, t


def overview_verdict(
    cards: pd.DataFrame, attainment: pd.DataFrame | None, minimums: pd.DataFrame | None, benchmark: str, lang: str
) -> str:
    """One line a meeting can read first: 「8 项核心指标中 6 项优于全省高职；规划目标 115 项中 30 项已达成、
    4 项进度滞后；国家基本办学条件 4 项合格。」

    Args:
        cards: :func:`viz.cards.headline_cards` rows (``is_favourable``: better than the benchmark or not).
        attainment: :func:`metrics.targets.compute_attainment` rows (None without a plan).
        minimums: :func:`metrics.minimums.compare_to_minimums` rows (None or empty: not said).
        benchmark: The chosen benchmark subject.
        lang: ``zh`` or ``en``.

    Returns:
        The sentence; empty when there is nothing to say.
    """
    parts: list[str] = []
    if not cards.empty and "is_favourable" in cards.columns:
        judged = cards["is_favourable"].dropna()
        if len(judged):
            better = int(judged.astype(bool).sum())
            key = "verdict_cards_all" if better == len(judged) > 1 else "verdict_cards"  # one: 「1 项中 1 项」
            parts.append(t(key, lang, n=len(judged), better=better, benchmark=benchmark_name(benchmark, lang)))
    if attainment is not None and not attainment.empty:
        measurable = attainment[attainment["status"] != "not_measurable"]
        status = measurable["status"]
        met = int((status == "met").sum())
        behind = int(status.isin(["off_track", "not_met"]).sum())
        said = t("verdict_plan", lang, n=len(measurable), met=met)
        parts.append(said + (t("verdict_plan_behind", lang, behind=behind) if behind else ""))
    if minimums is not None and not minimums.empty:
        counts = count_minimums(minimums)
        if counts["unmet"]:
            parts.append(t("verdict_minimums_some", lang, **counts))
        elif counts["met"]:
            parts.append(t("verdict_minimums_all", lang, **counts))
    if not parts:
        return ""
    if lang == "zh":
        return "；".join(parts) + "。"
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]  # a sentence starts with a capital (all 5 … → All 5 …)
