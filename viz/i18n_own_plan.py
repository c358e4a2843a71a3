"""Interface text of plans that belong to someone: which plans apply to a school, and a college
loading its own plan (the plan-targets workbook, a plan document's target table). Merged into
:data:`viz.i18n.TEXT`; kept apart so that file stays one idea long.
"""

from __future__ import annotations

OWN_PLAN_TEXT: dict[str, dict[str, str]] = {
    "no_plan_sidebar": {
        "zh": "尚未载入适用于本校的规划",
        "en": "No plan of this school is loaded",
    },
    "no_plan_title": {
        "zh": "尚未载入适用于{school}的规划——请载入本校规划",
        "en": "No plan of {school} is loaded — load one",
    },
    "no_plan_how": {
        "zh": "这里只显示与全省基准的比较：学校只与适用于它的规划（本校规划，及所在市、省的规划）对标，"
        "不使用其他学校的目标。载入本校规划的方法：规划人员在「数据 → 载入新数据 → 载入规划」下载规划目标模板，"
        "每行填一个目标后上传（需规划人员密码）；也可上传规划文件本身（文本、PDF、Word 导出文本或 Excel），"
        "其中含“指标 / 目标值 / 年份”表格即可读取。命令行：python -m loaders plan-template 规划目标.xlsx，"
        "填好后运行 python -m loaders ingest-plan 规划目标.xlsx。学校所在的市、省由系统管理员登记。",
        "en": "Only the comparison with the provincial benchmarks is shown: a school is judged only against plans that"
        " apply to it (its own, its city's and its province's), never against another school's targets. To load this"
        " school's plan: on the Data page, tab 'Load new data', section 'Load a plan', download the plan-targets"
        " template, fill one target per row and upload it (planner password); or upload the plan document itself"
        " (text, PDF, Word export or Excel) when it holds a table with indicator / target / year columns. From the"
        " command line: python -m loaders plan-template PLAN.xlsx, then python -m loaders ingest-plan PLAN.xlsx."
        " A school's city and province are registered by the system's administrator.",
    },
    "plan_upload_title": {"zh": "载入规划", "en": "Load a plan"},
    "plan_upload_help": {
        "zh": "上传填好的规划目标模板，或含“指标 / 目标值 / 年份”表格的规划文件。先预览读取情况，确认后写入；"
        "未能对应到指标的行保留原文并列出，不会丢弃。",
        "en": "Upload the filled plan-targets template, or a plan document with a table of indicator / target / year"
        " columns. You see what was read first and confirm before anything is written; a row that maps to no"
        " indicator keeps its wording and is listed, never dropped.",
    },
    "plan_template_file": {"zh": "规划目标填报模板.xlsx", "en": "plan_targets_template.xlsx"},
    "plan_template_download": {"zh": "下载规划目标模板", "en": "Download the plan-targets template"},
    "plan_template_help": {
        "zh": "每行一个目标：指标（从指标登记表选择）、比较、目标值、单位、年份、相对基准、规划原文、来源文件；"
        "顶部填规划名称、发布单位和适用范围。",
        "en": "One target per row: indicator (from the registry), comparator, target value, unit, year, relative"
        " benchmark, the plan's wording, source document; the plan's title, issuer and scope at the top.",
    },
    "plan_choose_file": {"zh": "选择规划文件", "en": "Choose a plan file"},
    "plan_document_meta": {
        "zh": "规划文件本身未写明的信息（模板已含这些信息时不必填写）：",
        "en": "What the plan document does not say itself (not needed for the template):",
    },
    "plan_title_field": {"zh": "规划名称", "en": "Plan title"},
    "plan_issuer_field": {"zh": "发布单位", "en": "Issuer"},
    "plan_applies_field": {"zh": "适用对象（学校、市或省的名称）", "en": "Applies to (a school, city or province)"},
    "plan_read_summary": {
        "zh": "{title}：读出 {n} 个目标，其中 {mapped} 个对应到指标，{unmapped} 个未对应（保留原文）。适用于：{who}。",
        "en": "{title}: {n} targets read, {mapped} mapped to an indicator, {unmapped} not mapped (wording kept)."
        " Applies to: {who}.",
    },
    "plan_not_understood": {"zh": "未能完全读懂的行", "en": "Rows not fully understood"},
    "plan_all_understood": {"zh": "每一行都已读懂。", "en": "Every row was understood."},
    "plan_confirm": {"zh": "确认载入此规划", "en": "Load this plan"},
    "plan_loaded": {
        "zh": "规划 {plan} 已载入（{action}，{n} 个目标）。",
        "en": "Plan {plan} loaded ({action}, {n} targets).",
    },
    "plan_rejected": {
        "zh": "未能读取规划文件 {name}：{reason}",
        "en": "The plan file {name} could not be read: {reason}",
    },
    "plan_row_place": {"zh": "位置", "en": "Where"},
    "plan_row_problem": {"zh": "问题", "en": "Problem"},
    "plan_status_unmapped": {"zh": "未对应指标", "en": "No indicator"},
    "plan_status_not_understood": {"zh": "未读懂", "en": "Not understood"},
    "plan_status_no_value": {"zh": "无目标值", "en": "No target value"},
    "plan_status_skipped": {"zh": "非目标行", "en": "Not a target"},
}
