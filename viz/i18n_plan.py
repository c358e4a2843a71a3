"""Interface text of what plan targets are measured by: the basis of a value, hand entries (填报), and
the national minimum standards (国家基本办学条件). Merged into :data:`viz.i18n.TEXT`; kept apart so
that file stays one idea long.
"""

from __future__ import annotations

#: What a value rests on (metrics.observations.BASES), as a planner reads it.
BASIS_NAMES: dict[str, dict[str, str]] = {
    "table": {"zh": "表格", "en": "Table"},
    "derived": {"zh": "计算", "en": "Derived"},
    "entered": {"zh": "填报（手工）", "en": "Entered by hand"},
    "narrative": {"zh": "正文（可信度较低）", "en": "Narrative (lower confidence)"},
}

PLAN_TEXT: dict[str, dict[str, str]] = {
    "basis": {"zh": "依据", "en": "Basis"},
    "source_place": {"zh": "出处", "en": "Where"},
    "basis_help": {
        "zh": "依据：表格＝报告的表格或清单计数；计算＝按指标登记表中的公式由报告数据算出；"
        "正文＝报告正文句子中的数字（可信度低于表格）；填报（手工）＝规划人员填报的数值。",
        "en": "Basis: Table = a table (or list count) of the report; Derived = computed from the report's figures by"
        " a formula of the indicator registry; Narrative = a number from a sentence of the report (lower confidence"
        " than a table); Entered by hand = a value a planner entered.",
    },
    "line_ref": {"zh": "{table} 第 {line} 行", "en": "{table} line {line}"},
    "entries_title": {"zh": "填报：报告未载的现值", "en": "Entered by hand: values the reports lack"},
    "entries_help": {
        "zh": "规划人员可为本规划的任一数值目标填报某一年的现值（数值、年份、来源文件、说明）。"
        "填报值标为“填报（手工）”，与报告数据分开显示；同一年报告表格有数时以表格为准，"
        "只有正文数字时以填报为准。查看者只能查看。",
        "en": "A planner may enter the current value of any numeric target of this plan for a year (value, year, source"
        " document, note). Entered values are marked 'Entered by hand' and shown apart from the reports' figures;"
        " where a report's table states the same year it is used, where the report only has a sentence the entry"
        " is. Viewers can see entries but not change them.",
    },
    "entries_none": {"zh": "尚无填报记录。", "en": "No value has been entered yet."},
    "entries_locked": {
        "zh": "只有规划人员可以填报、修改或删除；请输入规划人员密码。",
        "en": "Only planners can enter, change or delete values; give the planner password.",
    },
    "entries_disabled": {
        "zh": "未设置规划人员密码（planner_password），本服务不接受填报。",
        "en": "No planner password is set (planner_password): this service takes no entries.",
    },
    "entry_pick": {"zh": "修改或删除已有填报（不选则新增）", "en": "Change or delete an entry (none: a new one)"},
    "entry_target": {"zh": "目标", "en": "Target"},
    "entry_year": {"zh": "年份", "en": "Year"},
    "entry_year_window": {
        "zh": "所看报告为 {year} 年，不在可填报的年份内：填报只收规划期内（含基期）"
        "且不晚于今年的数值（{first}–{last} 年）。",
        "en": "The report viewed is for {year}, outside the years an entry may be for: only values within the"
        " plan's period (with its base year) and not after this year ({first}–{last}).",
    },
    "entry_value": {"zh": "现值", "en": "Current value"},
    "entry_value_unit": {"zh": "现值（单位：{unit}）", "en": "Current value (unit: {unit})"},
    "entry_source": {"zh": "来源文件", "en": "Source document"},
    "entry_source_help": {
        "zh": "如：2023 年高职院校人才培养工作状态数据采集表",
        "en": "e.g. the 2023 data-collection forms on talent training (state data)",
    },
    "entry_note": {"zh": "说明", "en": "Note"},
    "required_mark": {"zh": "（必填）", "en": "(required)"},
    "entry_required_help": {"zh": "标“（必填）”的各项须填写。", "en": "Fields marked (required) must be filled in."},
    "entry_missing_target": {"zh": "请选择要填报的目标。", "en": "Choose the target this value is for."},
    "entry_missing_value": {"zh": "请填写现值（一个数字）。", "en": "Enter the current value (a number)."},
    "entry_missing_source": {
        "zh": "请填写来源文件，例如“2023 年高职院校人才培养工作状态数据采集表”。",
        "en": "Enter the source document, e.g. the 2023 data-collection forms on talent training.",
    },
    "entry_missing_author": {"zh": "请填写填报人姓名。", "en": "Enter who is entering it."},
    "entry_author": {"zh": "填报人", "en": "Entered by"},
    "entry_entered_at": {"zh": "首次填报（北京时间）", "en": "First entered (Beijing time)"},
    "entry_updated_at": {"zh": "最后修改（北京时间）", "en": "Last changed (Beijing time)"},
    "entry_save": {"zh": "保存填报", "en": "Save entry"},
    "entry_saved": {"zh": "已保存（{action}）：{what}", "en": "Saved ({action}): {what}"},
    "entry_delete": {"zh": "删除这条填报", "en": "Delete this entry"},
    "entry_delete_confirm": {"zh": "确认删除", "en": "I am sure"},
    "entry_deleted": {"zh": "已删除：{what}", "en": "Deleted: {what}"},
    "entries_export": {"zh": "填报记录", "en": "Entries"},
    "entry_table": {"zh": "填报", "en": "Entered by hand"},
    "entry_planners_only": {"zh": "只有规划人员可以填报。", "en": "only planners can enter values."},
    "entry_copy_failed": {
        "zh": "无法保存填报记录（{reason}），未写入任何内容。",
        "en": "the entry cannot be kept ({reason}); nothing was written.",
    },
    # the marker beside a current value on the targets page (see basis_help)
    "basis_mark_entered": {"zh": "（填报）", "en": " (entered)"},
    "basis_mark_narrative": {"zh": "（正文）", "en": " (text)"},
    # national minimum standards
    "minimums_title": {
        "zh": "国家基本办学条件（教发〔2004〕2号）",
        "en": "National minimum school conditions (MoE circular No. 2 of 2004)",
    },
    "minimum_line": {"zh": "合格线", "en": "Minimum"},
    "minimum_share": {"zh": "达到合格线的程度（%）", "en": "Against the minimum (%)"},
    "minimums_count": {
        "zh": "国家基本办学条件：{met} 项合格、{unmet} 项未达合格线、{open} 项无数据或无合格值",
        "en": "National minimums: {met} met, {unmet} below, {open} without data or threshold",
    },
    "minimums_help": {
        "zh": "对照《普通高等学校基本办学条件指标（试行）》（教发〔2004〕2号）附件表一「合格」中"
        "本校类别的五项基本办学条件指标（依原文转录，逐条注明出处）。"
        "限制招生线和监测指标的合格值未取得原文，"
        "未填写（不凭记忆或推测填数），显示为“无合格值（原文未得）”。",
        "en": "The five basic school-running conditions of the Ministry's circular No. 2 of 2004 (annex, table 1,"
        " 'qualified') for the school's type, transcribed from its text, each with its reference."
        " The 'restricted enrolment' levels and the monitoring thresholds"
        " were not at hand in the circular's text, so they are left out (none is guessed) and shown as"
        " 'No threshold (text not found)'.",
    },
    "minimum_school_type": {"zh": "学校类别：{kind}", "en": "School type: {kind}"},
    "minimum_beyond": {"zh": "合格线的 {share}%（超出刻度）", "en": "{share}% of the minimum (beyond the scale)"},
    "minimums_no_type": {
        "zh": "{school} 的学校类别（如综合、工科、农林、医学院校）尚未登记，国家基本办学条件的合格线因类别而异，"
        "因此未作对照；请管理员在学校类别表中为该校登记类别。",
        "en": "{school}'s school type (comprehensive, engineering, agriculture, medicine …) is not registered;"
        " the national minimums differ by type, so none is judged. Ask the administrator to register its type.",
    },
    "minimum_status_met": {"zh": "合格", "en": "Met"},
    "minimum_status_below": {"zh": "未达合格线", "en": "Below the minimum"},
    "minimum_status_no_value": {"zh": "报告无数据", "en": "Not in the report"},
    "minimum_status_no_threshold": {"zh": "无合格值（原文未得）", "en": "No threshold (text not found)"},
}
