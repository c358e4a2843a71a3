"""Interface text of figures held back and of replacing a report (issue 24), merged into :data:`viz.i18n.TEXT`."""

from __future__ import annotations

HELD_TEXT: dict[str, dict[str, str]] = {
    # figures held back (loaders.read.holds)
    "held_title": {"zh": "暂不采用的数字（读数存疑）", "en": "Figures held back (reading in doubt)"},
    "held_help": {
        "zh": "这些数字已按原样存储，但读数存疑（例如同一数字在正文与附表中相差约 10 倍，或比例与其人数不符约 10 倍），"
        "在规划人员确认之前，不用于任何卡片、图表、排名、达成状态或导出。",
        "en": "These figures are stored as read, but the reading is in doubt (the same figure about 10 times"
        " apart in the body and the appendix, a share about 10 times off its counts …). Until a planner"
        " accepts one, it is used in no card, chart, rank, status or export.",
    },
    "held_none": {"zh": "本报告没有暂不采用的数字。", "en": "No figure of this report is held back."},
    "held_count": {
        "zh": "{n} 个数字读数存疑、暂不采用（{accepted} 个已由规划人员确认采用）。",
        "en": "{n} figures are held back as their reading is in doubt ({accepted} accepted by a planner).",
    },
    "held_reason": {"zh": "存疑原因", "en": "Why it is held back"},
    "held_state": {"zh": "状态", "en": "State"},
    "held_state_held": {"zh": "暂不采用", "en": "Held back"},
    "held_state_accepted": {"zh": "已确认采用（{who}，{when}）", "en": "Accepted ({who}, {when})"},
    "held_accept_title": {"zh": "确认采用一个数字", "en": "Accept a figure"},
    "held_accept_pick": {"zh": "要确认的数字（核对原文后）", "en": "Figure to accept (after checking the report)"},
    "held_accept_by": {"zh": "确认人", "en": "Accepted by"},
    "held_accept_note": {"zh": "说明（可选）", "en": "Note (optional)"},
    "held_accept_sure": {
        "zh": "我已核对报告原文，此数字读数正确",
        "en": "I checked the report: this figure is read correctly",
    },
    "held_accept_button": {"zh": "确认采用", "en": "Accept"},
    "held_accepted_ok": {"zh": "已确认采用：{figure}", "en": "Accepted: {figure}"},
    "held_unlock_help": {
        "zh": "确认采用需要规划人员密码（与载入数据相同）。",
        "en": "Accepting a figure needs the planner password (as loading data does).",
    },
    "held_preview": {
        "zh": "此文件中有 {n} 个数字读数存疑，载入后将暂不采用，直到规划人员确认。",
        "en": "{n} figures of this file are in doubt: once loaded they are held back until a planner accepts them.",
    },
    # a chart drawing a table whose own figures disagree (metrics.audit)
    "chart_contradiction_note": {
        "zh": "注：报告本身在{tables}中的数字不一致（如各行之和与合计不符），图中按原文绘制；详见数据页的体检。",
        "en": "Note: the report's own figures in {tables} disagree (rows not adding up to the total, say); drawn"
        " as printed; see the check-up on the Data page.",
    },
    # replacing a stored report (loaders.store.replacing)
    "replace_loses": {
        "zh": "替换将丢失已存储报告中的 {n} 个数字和 {m} 个核心项目（已存 {stored} 个数字，新文件 {new} 个）。",
        "en": "Replacing would lose {n} figures and {m} core items of the stored report ({stored} figures stored,"
        " {new} in the new file).",
    },
    "replace_lost_core": {"zh": "将丢失的核心项目：{names}", "en": "Core items that would be lost: {names}"},
    "replace_lost_figures": {"zh": "将丢失的数字", "en": "Figures that would be lost"},
    "replace_confirm_loss": {
        "zh": "我确认用这个文件替换已存储的报告，并丢失上列数字",
        "en": "Replace the stored report with this file, losing the figures listed",
    },
    "replace_refused_how": {
        "zh": "如确需替换，请勾选确认丢失后再载入。",
        "en": "To replace it anyway, tick the box accepting the loss, then load.",
    },
}
