"""Derived indicators: figures computed from other figures of the same report, by the registry's formulas.

Belongs here: evaluating every registry indicator that has a ``formula`` (``data/indicators.csv``,
parsed by :mod:`loaders.contracts.formula`, never by ``eval``) on the observations of each report, with the
provenance of every input. No formula is written in Python: a new derived indicator is a row of the
registry.

A derived value is computed for each report, year and ``years_after`` in which every input of the
formula has a value (one value per input, chosen as everywhere else by
:func:`metrics.observations.select_observations`: a table before a sentence); it is the school's own
figure (subject ``本校``) for that year, rounded to :data:`DERIVED_DECIMALS` decimals. Its
``source_table`` lists the inputs' tables, ``source_line`` is the first input's line and
``source_text`` shows the computation (``4541 ÷ 4830 × 100 = 94.02``) and each input's place;
``inputs`` lists them one by one. Pure: frames in, frames out.
"""

from __future__ import annotations

import pandas as pd

from loaders.contracts.formula import DEFAULT_SUBJECT, Formula, parse_formula
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.observations import ROW_REQUIRED, require_columns, select_observations, with_basis

#: Decimals a derived value is rounded to (as the reports print rates and ratios).
DERIVED_DECIMALS = 2

DERIVE_REQUIRED = ROW_REQUIRED

#: The columns of the derived rows: the observations' own, then ``basis`` and ``inputs``.
DERIVED_COLUMNS = [*DERIVE_REQUIRED, "source_text", "basis", "inputs"]


def formulas_of(indicators: pd.DataFrame) -> dict[str, Formula]:
    """``indicator_id → parsed formula`` of the registry's derived indicators (none without a column)."""
    if "formula" not in indicators.columns:
        return {}
    rows = indicators[indicators["formula"].fillna("").astype(str).str.strip() != ""]
    return {str(row.indicator_id): parse_formula(str(row.formula).strip()) for row in rows.itertuples(index=False)}


def derive_indicators(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Compute every derived indicator on every report of the observations.

    Args:
        observations: Frame in the observations contract (every row; one value per input is chosen).
        indicators: The registry with its ``formula`` column (and ``name_zh``, ``unit``).

    Returns:
        :data:`DERIVED_COLUMNS` (plus ``name_zh``/``name_en``/``domain``/``source_file`` when the
        observations have them), one row per derived indicator, report, year and ``years_after``
        whose inputs are all present and whose formula gives a value (a zero divisor gives none).

    Raises:
        MissingColumnsError: A required column is missing.
        FormulaError: A registry formula cannot be parsed.
    """
    require_columns(observations, DERIVE_REQUIRED, "observations")
    formulas = formulas_of(indicators)
    extra = [c for c in ("name_zh", "name_en", "domain", "source_file") if c in observations.columns]
    if not formulas or observations.empty:
        return pd.DataFrame(columns=[*DERIVED_COLUMNS, *extra])
    registry = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    names = registry["name_zh"].astype(str).to_dict() if "name_zh" in registry.columns else {}
    rows = with_basis(select_observations(observations))
    rows = rows[rows["basis"] != "derived"]
    group_key = ["report_id", "school", "report_year", "year", "years_after"]
    out: list[dict] = []
    every_input = {(term.indicator_id, term.subject) for formula in formulas.values() for term in formula.terms}
    pairs = zip(rows["indicator_id"].tolist(), rows["subject"].tolist(), strict=True)
    chosen = pd.Series([pair in every_input for pair in pairs], index=rows.index, dtype=bool)
    candidates = list(rows[chosen].itertuples(index=False))
    for indicator_id, formula in formulas.items():
        wanted = {(term.indicator_id, term.subject) for term in formula.terms}
        # The inputs of one report, year and years_after, in report order (plain Python: a school's
        # rows at many reports are thousands, and a frame per group cost most of attainment's time).
        groups: dict[tuple, tuple[tuple, dict]] = {}
        for r in candidates:
            if (r.indicator_id, r.subject) in wanted:
                raw = tuple(getattr(r, column) for column in group_key)
                _, found = groups.setdefault(tuple(None if pd.isna(v) else v for v in raw), (raw, {}))
                found[(r.indicator_id, r.subject)] = r
        for key, found in groups.values():
            if len(found) < len(wanted):
                continue
            values = {term: float(found[(term.indicator_id, term.subject)].value) for term in formula.terms}
            result = formula.evaluate(values)
            if result is None:
                continue
            used = [found[(term.indicator_id, term.subject)] for term in formula.terms]
            value = round(result, DERIVED_DECIMALS)
            places = "；".join(
                f"{_label(names, term.indicator_id, term.subject)} {r.value:g}{r.unit}："
                f"{r.source_table} 第 {r.source_line} 行"
                for term, r in zip(formula.terms, used, strict=True)
            )
            row = dict(zip(group_key, key, strict=True))
            first = min(used, key=lambda r: int(r.source_line))
            row.update(
                indicator_id=indicator_id,
                subject=SCHOOL_SUBJECT,
                value=value,
                unit=str(registry.at[indicator_id, "unit"]) if indicator_id in registry.index else "",
                source_table="/".join(dict.fromkeys(str(r.source_table) for r in used)),
                source_line=int(first.source_line),
                source_text=f"{formula.show(values)} = {value:g}（{places}）",
                basis="derived",
                inputs="; ".join(
                    f"{term}={r.value:g}@{r.source_table}:{r.source_line}"
                    for term, r in zip(formula.terms, used, strict=True)
                ),
            )
            for column in extra:
                row[column] = _extra(column, indicator_id, registry, first)
            out.append(row)
    frame = pd.DataFrame(out, columns=[*DERIVED_COLUMNS, *extra])
    return frame.astype(
        {
            "report_year": "int64",
            "year": "int64",
            "years_after": "Int64",
            "value": "float64",
            "source_line": "int64",
            **{
                c: "str"
                for c in DERIVED_COLUMNS
                if c not in ("report_year", "year", "years_after", "value", "source_line")
            },
        }
    )


def with_derived(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The observations with ``basis`` filled, followed by the derived rows (:func:`derive_indicators`)."""
    derived = derive_indicators(observations, indicators)
    base = with_basis(observations)
    if derived.empty:
        return base
    columns = list(dict.fromkeys([*base.columns, *derived.columns]))
    return pd.concat([base.reindex(columns=columns), derived.reindex(columns=columns)], ignore_index=True)


def _label(names: dict[str, str], indicator_id: str, subject: str) -> str:
    name = names.get(indicator_id, indicator_id)
    return name if subject == DEFAULT_SUBJECT else f"{name}[{subject}]"


def _extra(column: str, indicator_id: str, registry: pd.DataFrame, first: object) -> str:
    if column == "source_file":
        return str(getattr(first, "source_file", ""))
    return (
        str(registry.at[indicator_id, column]) if column in registry.columns and indicator_id in registry.index else ""
    )
