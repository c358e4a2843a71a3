"""What pages are made of: a chart with its caption and downloads, KPI cards, target bullets, errors.

Belongs here: Streamlit rendering of one element at a time. Files a planner takes away (downloads,
packs, office documents) are :mod:`dashboard.downloads`; the print and presentation styles are
static files under ``dashboard/assets`` (:mod:`dashboard.static`). Only pages (through
:func:`show_error`) turn exceptions into messages; no traceback reaches a user.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, store
from dashboard.downloads import download_row
from loaders.contracts.errors import BilingualError
from loaders.contracts.vocabulary import STATUS_BADGES
from viz.exports import Provenance, reader_table, safe_file_name
from viz.i18n import t
from viz.markup import plain
from viz.names import target_label
from viz.png import WIDTH_FULL, WIDTH_HALF, png_available


def modebar_config(filename: str) -> dict:
    """Plotly's browser-side toolbar: no logo, PNG download at 2× with a meaningful file name.

    The toolbar's camera saves the chart as the browser draws it, without its source line; where the
    server can draw PNGs, the 下载 PNG button (chart and source line) replaces it, so no PNG leaves
    the dashboard without saying where its figures come from. Without Chromium on the server the
    camera stays as the only way to a picture.
    """
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": safe_file_name(filename)},
    }
    if png_available():
        config["modeBarButtonsToRemove"] = ["toImage"]
    return config


def chart(
    figure: go.Figure,
    provenance: Provenance,
    *,
    data: pd.DataFrame | None,
    name: str,
    lang: str,
    key: str,
    png_width: int = WIDTH_HALF,
) -> None:
    """Show a chart with its source caption and PNG, CSV and Excel downloads.

    Args:
        figure: The figure (built with the shared template).
        provenance: Source, tables and filters; shown as the caption.
        data: The chart's data for the downloads (None or empty: PNG only).
        name: Base of the download file names (indicator_school_year).
        lang: Interface language.
        key: Unique widget key on the page.
        png_width: Width in CSS pixels of the server-side PNG.
    """
    st.plotly_chart(figure, theme=None, width="stretch", key=f"chart_{key}", config=modebar_config(name))
    st.caption(plain(provenance.caption(lang)))
    from viz.frames import frame_unit, wide_frame

    has_data = data is not None and not data.empty
    table = reader_table(data, lang) if has_data else None
    wide = wide_frame(data, lang, by_subject=True) if has_data else None
    download_row(
        table, provenance, name=name, lang=lang, key=key, figure=figure, png_width=png_width, wide=wide,
        unit=frame_unit(data) if has_data else "",
    )  # fmt: skip


def unlock_form(form_key: str, lang: str, *, input_key: str | None = None) -> None:
    """The planner password form: unlocks this browser session, or says why not (wrong, locked out)."""
    with st.form(form_key):
        given = st.text_input(t("password", lang), type="password", key=input_key)
        if st.form_submit_button(t("unlock", lang)):
            attempt = auth.unlock(given)
            if attempt.ok:
                st.rerun()
            elif attempt.locked_for_s:
                st.error(t("locked_out", lang, s=math.ceil(attempt.locked_for_s)))
            else:
                st.error(t("wrong_password", lang))


def planner_session(lang: str) -> None:
    """The planner's unlock kept for the browser session (:mod:`dashboard.planner_session`); call once per run.

    A session not yet unlocked unlocks itself from its browser's token; right after an unlock or a
    lock the page asks the server once to set or clear the cookie (a ``fetch``: the websocket
    cannot set cookies); an unlocked session has 退出 in the sidebar.
    """
    from loaders.contracts.settings import setting

    auth.restore()
    request = auth.cookie_request()
    if request is not None:
        call = f"fetch({json.dumps(request)}, {{method: 'POST', credentials: 'same-origin', cache: 'no-store'}});"
        st.html(f"<script>{call}</script>", unsafe_allow_javascript=True)
    if auth.is_planner():
        with st.sidebar:
            st.caption(t("planner_unlocked_caption", lang, h=f"{float(setting('planner_session_h')):g}"))
            if st.button(t("planner_lock", lang), key="planner_lock", icon=":material/lock:"):
                auth.lock()
                st.rerun()


def show_error(exc: Exception, lang: str) -> None:
    """Show an error in the reader's language and stop the page (no traceback).

    The message is shown as text (see :func:`viz.markup.plain`): it names files and quotes cells.
    """
    message = exc.text(lang) if isinstance(exc, BilingualError) else str(exc)
    text = "  \n".join(plain(line) for line in message.splitlines())
    st.error(f"**{t('error_title', lang)}**\n\n{text}", icon=":material/error:")
    st.stop()


def render_items(items: list, lang: str) -> None:
    """Lay out :class:`viz.sections.ChartItem` s: half-width ones two to a row, full-width alone."""
    row = None
    slot = 0
    for item in items:
        if item.width == "full":
            chart(
                item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key,
                png_width=WIDTH_FULL,
            )  # fmt: skip
            row = None
            continue
        if row is None or slot == 2:
            row = st.columns(2)
            slot = 0
        with row[slot]:
            chart(item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key)
        slot += 1


def status_badge(status: str, text: str) -> str:
    """A status as a coloured Markdown badge (``:green-badge[已达成]``); ``text`` is made literal."""
    return f":{STATUS_BADGES.get(status, 'gray')}-badge[{plain(text)}]"


def kpi_card(card, *, help_text: str, key: str, delta_color: str = "normal", width: int = 236) -> None:
    """One headline card (:class:`viz.cards.CardText`): the value, its cohort, the benchmark and the gap
    (with its significance), and the plan's target in its own terms with its status.

    Args:
        card: What the card says.
        help_text: The tooltip (source table and line).
        key: Unique key of the card on the page.
        delta_color: ``normal``, or ``inverse`` for an indicator where lower is better.
        width: The card's width in pixels (cards wrap to the next row).
    """
    with st.container(border=True, width=width, key=f"kpi_{key}"):
        st.metric(
            plain(card.label),
            card.value,
            delta=card.gap or None,
            delta_color=delta_color,
            help=plain(help_text),
        )
        lines = [card.cohort]
        if card.benchmark:
            lines.append(card.benchmark + (f" · {card.significance}" if card.significance else ""))
        st.caption("  \n".join(plain(line) for line in lines if line))
        if card.target:
            st.markdown(f"{status_badge(card.status, card.status_text)} {plain(card.target)}")


def indicator_names(indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    """``indicator_id`` → the registry name in the reader's language."""
    column = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(indicators["indicator_id"].astype(str), indicators[column].astype(str), strict=True))


def indicator_name(indicators: pd.DataFrame, indicator_id: str, lang: str) -> str:
    """The registry name of an indicator in the reader's language."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    if row.empty:
        return indicator_id
    return str(row["name_zh" if lang == "zh" else "name_en"].iloc[0])


def indicator_unit(indicators: pd.DataFrame, indicator_id: str) -> str:
    """The registry unit of an indicator."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    return "" if row.empty else str(row["unit"].iloc[0])


def kpi_row(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    indicator_ids: list[str],
    *,
    subject: str,
    lang: str,
) -> None:
    """A row of plain KPI cards (value and unit) for indicators of one report and subject."""
    from viz.charts import format_value
    from viz.i18n import colon, unit_name
    from viz.names import table_name

    columns = st.columns(len(indicator_ids))
    missing: list[str] = []
    for column, indicator_id in zip(columns, indicator_ids, strict=True):
        rows = observations[(observations["indicator_id"] == indicator_id) & (observations["subject"] == subject)]
        rows = rows.sort_values("source_line")
        unit = indicator_unit(indicators, indicator_id)
        value = rows["value"].iloc[0] if not rows.empty else None
        where = None
        if not rows.empty:
            table = table_name(rows["source_table"].iloc[0], lang)
            line = rows["source_line"].iloc[0]
            where = f"{t('source', lang)}{colon(lang)}{table} · {t('line', lang)} {line} · {int(rows['year'].iloc[0])}"
        # The unit goes with the name (which wraps), so the value is never cut to "4,830 peo…".
        tight = unit in ("%", ":1") or not unit
        name = indicator_name(indicators, indicator_id, lang)
        if not tight:
            shown_unit = unit_name(unit, lang)
            name = f"{name}（{shown_unit}）" if lang == "zh" else f"{name} ({shown_unit})"
        column.metric(
            plain(name),
            format_value(value, unit, lang=lang, with_unit=tight),
            help=plain(where) if where else t("kpi_not_read", lang),
            border=True,
        )
        if value is None:
            missing.append(indicator_name(indicators, indicator_id, lang))
    if missing:  # a "—" card says why, and where to look
        names = ("、" if lang == "zh" else ", ").join(missing)
        st.caption(plain(t("kpi_missing", lang, names=names)))


@st.cache_resource(show_spinner=False, max_entries=2048)
def _bullet(**arguments: object) -> go.Figure:
    """:func:`viz.target_charts.bullet`, built once per arguments and shared by every session (not to be changed).

    A plan page draws dozens of bullets; building each figure again on every rerun cost more
    than the rest of the page.
    """
    from viz.target_charts import bullet

    return bullet(**arguments)


def target_name(row: object, names: dict[str, str], lang: str) -> str:
    """A target's name: the plan's own label in Chinese, the indicator's registry name in English."""
    return target_label(
        getattr(row, "indicator_id", ""), getattr(row, "subject", None), getattr(row, "label_zh", ""), names, lang
    )


def report_figures(report_id: str) -> tuple[dict[str, tuple[int, float]], frozenset[str]]:
    """What the viewed report says of each indicator, for :func:`viz.target_reasons.missing_reason`.

    Returns:
        ``indicator_id → (year, value)`` of the school's latest figure in the report, and the ids of the
        indicators whose figure is held back.
    """
    from loaders.contracts.vocabulary import SCHOOL_SUBJECT

    observations = store.observations(report_id)
    own = observations[observations["subject"] == SCHOOL_SUBJECT].sort_values("year")
    latest = own.drop_duplicates("indicator_id", keep="last")
    figures = {
        str(i): (int(y), float(v))
        for i, y, v in zip(latest["indicator_id"], latest["year"], latest["value"], strict=True)
    }
    held = store.held_observations(report_id)
    held_ids = (
        frozenset(held.loc[held["is_held"].astype(bool), "indicator_id"].astype(str)) if not held.empty else frozenset()
    )
    return figures, held_ids - set(figures)


def target_bullets(
    rows: pd.DataFrame,
    *,
    lang: str,
    names: dict[str, str],
    per_row: int = 3,
    key: str,
    figures: tuple[dict[str, tuple[int, float]], frozenset[str]] | None = None,
    fold_charts: bool = False,
) -> None:
    """Bullet charts (value, target, status) for measurable targets with a value, and one compact table
    for those the loaded reports carry no figure for (no empty chart slots), each with the reason.

    Args:
        rows: Rows of :func:`metrics.targets.compute_attainment`.
        lang: Interface language.
        names: ``indicator_id`` → name in ``lang`` (English targets are named by their indicator).
        per_row: Charts per row.
        key: Widget key prefix.
        figures: :func:`report_figures` of the viewed report (the reasons a target has no value).
        fold_charts: The charts in a closed expander (where a table above already shows each target's
            progress); the targets without data and their reasons stay in view. Printed open.
    """
    from contextlib import nullcontext

    from viz.charts import format_value
    from viz.entries import entries_elsewhere
    from viz.i18n import colon, status_help, status_name
    from viz.names import table_name
    from viz.target_charts import target_phrase
    from viz.target_reasons import missing_reason, year_note

    measurable = rows[rows["status"] != "not_measurable"]
    if measurable.empty:
        st.info(t("no_targets_here", lang))
        return
    drawn = measurable[measurable["current_value"].notna()]
    fold = st.expander(t("show_charts", lang, n=len(drawn))) if fold_charts and not drawn.empty else nullcontext()
    columns = []
    for position, row in enumerate(drawn.itertuples(index=False)):
        if position % per_row == 0:  # a row of its own per_row charts: it prints whole, never split across pages
            with fold:
                columns = st.columns(per_row)
        name = target_name(row, names, lang)
        status = status_name(str(row.status), lang)
        year = f"{t('target', lang)} {row.target_year}" if pd.notna(row.target_year) else ""
        with columns[position % per_row]:
            st.plotly_chart(
                _bullet(
                    title=name,
                    subtitle=" · ".join(part for part in (status, year) if part),
                    value=float(row.current_value),
                    target=float(row.target_value) if pd.notna(row.target_value) else None,
                    unit=str(row.unit) if pd.notna(row.unit) else "",
                    status=str(row.status),
                    comparator=str(row.comparator),
                    value_label=t("school_row", lang),
                    target_label=t("target", lang),
                    lang=lang,
                ),
                theme=None,
                width="stretch",
                key=f"{key}_{position}",
                config=modebar_config(f"{name}_{t('target', lang)}"),
            )
            needed = (
                f"{t('growth_needed', lang)} {format_value(row.growth_needed_pct, '%')} · "
                if pd.notna(row.growth_needed_pct) and row.status != "met"
                else ""
            )
            source = table_name(row.source_table, lang) if row.source_table else "—"
            st.caption(plain(f"{needed}{t('source', lang)}{colon(lang)}{source}"))
            elsewhere = entries_elsewhere(str(getattr(row, "entered_elsewhere", "")), str(row.unit), lang)
            if elsewhere:  # entered for another year than the viewed report's: said, not counted
                st.caption(plain(elsewhere))
            disputed = year_note(row, lang)
            if disputed:  # the report gives this figure under another year too
                st.caption(plain(disputed))
    waiting = measurable[measurable["current_value"].isna()]
    seen, held = figures if figures is not None else ({}, frozenset())
    if not waiting.empty:
        st.caption(t("targets_without_data", lang, n=len(waiting)))
        lines = []  # a list, not a table: the reason wraps instead of being cut at the right
        for r in waiting.to_dict("records"):
            ident = str(r["indicator_id"])
            target = target_phrase(
                r["comparator"], r["target_value"], str(r["unit"]), lang, r["target_low"], r["target_high"]
            )
            year = "" if pd.isna(r["target_year"]) else t("by_year", lang, year=int(r["target_year"]))
            reason = missing_reason(r, lang, observed=seen.get(ident), held=ident in held) or status_help(
                str(r["status"]), lang
            )
            elsewhere = entries_elsewhere(str(r.get("entered_elsewhere") or ""), str(r["unit"]), lang)
            if elsewhere:  # entered for another year than the viewed report's: said, not counted
                reason = f"{reason}{'；' if lang == 'zh' else '; '}{elsewhere}"
            name = target_name(pd.Series(r), names, lang)
            lines.append(
                f"- **{plain(name)}** {plain(target)}{plain(year)} · {status_name(str(r['status']), lang)}"
                f"{colon(lang)}{plain(reason)}"
            )
        st.markdown("\n".join(lines))


def status_counts(attainment: pd.DataFrame, lang: str) -> None:
    """Cards with the number of targets per status (met, on track, … no data); the not measurable in a line."""
    from viz.i18n import STATUS_NAMES, status_help, status_name

    counts = attainment["status"].value_counts()
    # The targets a report cannot measure are said in a line below, not as the largest card of the row.
    present = [s for s in STATUS_NAMES if s in counts.index and s != "not_measurable"]
    if present:
        for column, status in zip(st.columns(len(present)), present, strict=True):
            column.metric(status_name(status, lang), int(counts[status]), border=True, help=status_help(status, lang))
    if "not_measurable" in counts.index:
        st.caption(t("not_measurable_line", lang, n=int(counts["not_measurable"])))


def no_plan_notice(school: str, lang: str) -> None:
    """Say that no plan of this school is loaded, and how to load one (Data page or command line)."""
    from viz.markup import plain

    st.info(
        f"**{plain(t('no_plan_title', lang, school=school))}**\n\n{t('no_plan_how', lang)}",
        icon=":material/flag:",
    )
    st.page_link(
        "pages/data.py",
        label=t("plan_upload_title", lang),
        icon=":material/upload_file:",
        query_params={"tab": "upload"},  # the 载入新数据 tab, where 载入规划 is
    )


def dataframe(data: pd.DataFrame | dict, *, column_config: dict | None = None, **arguments: object) -> None:
    """``st.dataframe`` on screen, and every row of it on paper.

    The dataframe is drawn on a canvas, which prints only its visible scroll box and cuts the
    columns at the edge of the page; a static copy (:func:`viz.print_table.html_table`) follows it,
    hidden on screen and printed in its place (``dashboard/assets/print.css``).

    Args:
        data: The table (a frame, or a dict of columns).
        column_config: ``st.dataframe``'s column configuration (labels and number formats print too).
        **arguments: Passed on to ``st.dataframe`` (``hide_index``, ``width``, ``height``, ``key`` …).
    """
    from viz.print_table import html_table

    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    st.dataframe(frame, column_config=column_config, **arguments)
    st.html(html_table(frame, column_config))
