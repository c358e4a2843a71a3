"""数据 Data: what is loaded, table by table, with provenance."""

from __future__ import annotations

import streamlit as st

from dashboard import store

st.title("已载入数据 · Loaded data")

reports = store.reports()
if reports.empty:
    st.info("数据库中还没有报告。运行 `bash manage.sh start` 会从 data/ 自动载入。\n\nNo report is loaded yet.")
    st.stop()

st.dataframe(
    reports[["school", "report_year", "source_file", "format", "n_observations", "loaded_at"]].rename(
        columns={
            "school": "学校 School",
            "report_year": "年度 Year",
            "source_file": "来源文件 Source file",
            "format": "格式 Format",
            "n_observations": "数据项 Figures",
            "loaded_at": "载入时间 Loaded at (UTC)",
        }
    ),
    hide_index=True,
    use_container_width=True,
)

report_id = st.selectbox("报告 Report", reports["report_id"].tolist())
frame = store.observations(report_id)
by_table = frame.groupby("source_table", sort=False).agg(figures=("value", "size"), first_line=("source_line", "min"))
st.subheader("按表统计 · Figures per table")
st.dataframe(by_table.rename(columns={"figures": "数据项 Figures", "first_line": "首行 First line"}))
st.subheader("全部数据项 · All figures")
st.dataframe(
    frame[["source_table", "name_zh", "subject", "year", "years_after", "value", "unit", "source_line", "source_text"]],
    hide_index=True,
    use_container_width=True,
)
st.caption(f"来源 Source：{reports.loc[reports.report_id == report_id, 'source_file'].iloc[0]}")
