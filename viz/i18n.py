"""Interface text in Chinese (default) and English.

Indicator names come from the registry (``name_zh``/``name_en``); everything else a page says
is a key here. A missing key falls back to the key itself so a gap is visible, not a crash.
"""

from __future__ import annotations

from loaders.contracts.vocabulary import BENCHMARK_NAMES, STATUS_HELP, STATUS_NAMES
from viz.i18n_held import HELD_TEXT
from viz.i18n_own_plan import OWN_PLAN_TEXT
from viz.i18n_plan import BASIS_NAMES, PLAN_TEXT
from viz.i18n_planner import PLANNER_TEXT
from viz.vocabulary import CHECK_NAMES, DOMAIN_NAMES, LOG_WORDS, UNIT_NAMES_EN, UNIT_NAMES_ZH

LANGUAGES = {"zh": "中文", "en": "English"}

TEXT: dict[str, dict[str, str]] = {
    # frame
    "app_title": {"zh": "高职质量年报对标", "en": "Quality report benchmarks"},
    "school": {"zh": "学校", "en": "School"},
    "report_year": {"zh": "报告年度", "en": "Report year"},
    "benchmark": {"zh": "对比基准", "en": "Benchmark"},
    "plan": {"zh": "规划目标", "en": "Plan"},
    "language": {"zh": "语言 Language", "en": "语言 Language"},
    "peers": {"zh": "对比学校", "en": "Peer schools"},
    "section_overview": {"zh": "概览", "en": "Overview"},
    "section_domains": {"zh": "专题", "en": "Domains"},
    "section_plans": {"zh": "对标与对比", "en": "Targets and comparison"},
    "section_data": {"zh": "数据", "en": "Data"},
    "page_overview": {"zh": "总览", "en": "Overview"},
    "page_outcomes": {"zh": "就业与收入", "en": "Graduate outcomes"},
    "page_enrollment": {"zh": "招生", "en": "Enrollment"},
    "page_faculty": {"zh": "师资", "en": "Faculty"},
    "page_research": {"zh": "科研与社会服务", "en": "Research & service"},
    "page_targets": {"zh": "规划对标", "en": "Plan targets"},
    "page_compare": {"zh": "对比", "en": "Compare"},
    "page_data": {"zh": "数据", "en": "Data"},
    "no_reports": {
        "zh": "数据库中还没有报告。运行 `bash manage.sh start` 会从 data/ 自动载入。",
        "en": "No report is loaded yet. `bash manage.sh start` loads the bundled data.",
    },
    "no_data": {"zh": "没有数据", "en": "No data"},
    "warmup_done": {"zh": "预热完成，用时 {seconds} 秒", "en": "warmed up in {seconds} s"},
    "warmup_failed": {
        "zh": "预热未完成（首位访问者将稍慢）",
        "en": "warm-up did not finish (the first visitor waits a little longer)",
    },
    "more_charts_follow": {"zh": "其余 {n} 张图表随后显示……", "en": "More charts follow ({n})…"},
    "show_them_now": {"zh": "立即显示", "en": "Show them now"},
    "computing": {"zh": "正在计算对比并核对报告数据……", "en": "Comparing and checking the report…"},
    "source": {"zh": "来源", "en": "Source"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "one_year_after": {"zh": "毕业一年后", "en": "1 yr after"},
    "three_years_after": {"zh": "毕业三年后", "en": "3 yrs after"},
    "cohort": {"zh": "{year}届", "en": "class of {year}"},
    "school_row": {"zh": "本校", "en": "School"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "difference": {"zh": "差值", "en": "Difference"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "subject": {"zh": "对象", "en": "Subject"},
    "year": {"zh": "年份", "en": "Year"},
    "over_years": {"zh": "历年", "en": "over the years"},
    "table": {"zh": "表", "en": "Table"},
    "line": {"zh": "行", "en": "Line"},
    "raw_text": {"zh": "原文", "en": "Raw text"},
    "count": {"zh": "人数", "en": "Count"},
    "target": {"zh": "目标", "en": "Target"},
    "status": {"zh": "状态", "en": "Status"},
    "error_title": {"zh": "出错了", "en": "Something went wrong"},
    "one_year_only": {
        "zh": "只载入了一个年度的报告，暂无趋势可画。载入其他年度的报告后这里会显示变化。",
        "en": "Only one report year is loaded: no trend to draw yet.",
    },
    "not_measurable_line": {
        "zh": "另有 {n} 项目标为文字表述或年报没有对应指标，无法用年报衡量（列在「规划对标」页末）。",
        "en": "{n} more targets are worded goals or have no figure in the reports: not measurable from them"
        " (listed at the end of Plan targets).",
    },
    "kpi_not_read": {
        "zh": "这份报告中没有读到这项数据；读取情况见「数据 › 读取情况」。",
        "en": "This report gave no such figure; see Data › What was read.",
    },
    "kpi_missing": {
        "zh": "“—”：这份报告中没有读到{names}（表格未找到或未读全）。原因与补救见「数据 › 读取情况」；"
        "规划目标的现值可在「规划对标」页填报。",
        "en": "“—”: this report gave no {names} (its table was not found or not read in full). See Data › What was"
        " read for why; a plan target's current value can be entered on Plan targets.",
    },
    "trend_too_few_years": {
        "zh": "已载入 {reports} 份报告，但其中只有 {years} 个年度有这项数据，暂无趋势可画。",
        "en": "{reports} reports are loaded, but only {years} year(s) have this figure: no trend to draw yet.",
    },
    "no_targets_here": {"zh": "所选规划在这一领域没有可测量的目标。", "en": "The plan has no measurable target here."},
    "growth_needed": {"zh": "需年均增长", "en": "Growth needed / yr"},
    "by_year": {"zh": "（{year} 年）", "en": " by {year}"},
    "verdict_cards": {
        "zh": "{n} 项核心指标中 {better} 项优于{benchmark}",
        "en": "{better} of {n} headline figures better than {benchmark}",
    },
    "verdict_cards_all": {
        "zh": "{n} 项核心指标均优于{benchmark}",
        "en": "all {n} headline figures better than {benchmark}",
    },
    "verdict_plan": {
        "zh": "可衡量的规划目标 {n} 项中 {met} 项已达成",
        "en": "{met} of {n} measurable plan targets met",
    },
    "verdict_plan_behind": {"zh": "、{behind} 项滞后或未达成", "en": ", {behind} behind or missed"},
    "verdict_minimums_all": {
        "zh": "有数据的 {met} 项国家基本办学条件全部合格",
        "en": "all {met} national minimums with data met",
    },
    "verdict_minimums_some": {
        "zh": "国家基本办学条件 {unmet} 项未达合格线",
        "en": "{unmet} national minimums not met",
    },
    "targets_without_data": {
        "zh": "已载入的报告中没有数据的目标（{n} 项）：",
        "en": "Targets the loaded reports carry no figure for ({n}):",
    },
    # significance of a survey rate's gap (metrics.significance)
    "sig_significant": {"zh": "差异显著", "en": "significant"},
    "sig_immaterial": {"zh": "差距不足 2 个百分点", "en": "under 2 pp"},
    "sig_not_significant": {"zh": "在抽样误差内", "en": "within sampling error"},
    "sig_no_sample": {"zh": "报告未给出样本量", "en": "no sample size in the report"},
    "sig_interval": {
        "zh": "95% 置信区间 {low}–{high}（作答 {n} 人）",
        "en": "95% confidence interval {low}–{high} ({n} respondents)",
    },
    "sig_gap": {"zh": "较{benchmark} {gap}，p {p}：{verdict}", "en": "vs {benchmark} {gap}, p {p}: {verdict}"},
    "sig_error_bars": {
        "zh": "误差线：95% 置信区间（Wilson 法；差异用双样本 z 检验）",
        "en": "Error bars: 95% CI (Wilson; gaps: z-test)",
    },
    "sig_method": {
        "zh": "方法：95% 置信区间用 Wilson 方法，样本为报告所列作答人数；差异用双样本 z 检验（未合并方差；"
        "本校毕业生也在全省样本中，按独立样本计算偏保守）；基准无样本量时按定值作单样本检验。"
        "“差异显著”指 p < 0.05 且差距 ≥ 2 个百分点。",
        "en": "Method: 95% confidence interval by the Wilson score method, on the respondents the report prints;"
        " the gap by a two-sample z test (unpooled; the school's graduates are also in the provincial sample,"
        " so treating the samples as independent is conservative); a benchmark without a sample size is taken"
        " as a fixed value (one-sample score test). Significant: p < 0.05 and a gap of at least 2 percentage"
        " points.",
    },
    # overview
    "overview_title": {"zh": "总览：{school} {year}", "en": "Overview: {school} {year}"},
    "headline": {"zh": "核心指标", "en": "Headline indicators"},
    "vs": {"zh": "较{benchmark}", "en": "vs {benchmark}"},
    "findings": {"zh": "报告体检", "en": "Report check-up"},
    "findings_count": {
        "zh": "体检发现 {n} 处可能的数据不一致，建议在报告发布前核对。",
        "en": "The check-up found {n} possible inconsistencies to verify before the report is published.",
    },
    "no_findings": {"zh": "体检未发现数据不一致。", "en": "The check-up found no inconsistencies."},
    "see_findings": {"zh": "查看体检结果", "en": "See the findings"},
    "plan_status": {"zh": "规划目标", "en": "Plan target"},
    # data page
    "tab_loaded": {"zh": "已载入", "en": "Loaded"},
    "tab_provenance": {"zh": "数据溯源", "en": "Provenance"},
    "tab_findings": {"zh": "报告体检", "en": "Check-up"},
    "tab_upload": {"zh": "载入新数据", "en": "Load data"},
    "pick_table": {"zh": "表格", "en": "Table"},
    "pick_figure": {"zh": "数据项", "en": "Figure"},
    "context": {"zh": "原文上下文", "en": "Context in the report"},
    "check": {"zh": "检查项", "en": "Check"},
    "message": {"zh": "说明", "en": "Message"},
    "lines": {"zh": "行号", "en": "Lines"},
    "upload_help": {
        "zh": "支持质量年报的文本（.txt，UTF-8 或 GB18030）、PDF、Excel 模板（.xlsx）和整理好的 CSV。"
        "先预览，确认后才写入。",
        "en": "Quality reports as text (.txt, UTF-8 or GB18030), PDF, the Excel template (.xlsx) or tidy CSV."
        " You see a preview first; nothing is written until you confirm.",
    },
    "upload_disabled": {
        "zh": "上传需要规划人员密码，请联系管理员。",
        "en": "Uploading needs the planner password; please ask the administrator.",
    },
    "secrets_unreadable": {
        "zh": "设置文件 {where} 无法读取（{cause}），规划人员登录暂不可用；请联系管理员修正该文件。",
        "en": "The settings file {where} cannot be read ({cause}); the planner role stays closed until the"
        " administrator corrects it.",
    },
    "template_download": {"zh": "下载填报模板", "en": "Download the Excel template"},
    "template_help": {
        "zh": "空白的 Excel 填报模板：按说明填写另一所学校或另一年度的数据，再在这里上传。",
        "en": "The blank Excel template: fill it in for another school or year as its first sheet explains,"
        " then upload it here.",
    },
    "upload_rejected": {
        "zh": "未能载入“{name}”：{reason}\n\n请上传质量年报的文本（.txt）、PDF、填报模板（.xlsx）或整理好的 CSV；"
        "数据库没有任何改动。",
        "en": "“{name}” was not loaded: {reason}\n\nPlease upload a quality report as text (.txt), PDF, the"
        " filled-in template (.xlsx) or a tidy CSV; nothing was changed.",
    },
    "password": {"zh": "规划人员密码", "en": "Planner password"},
    "unlock": {"zh": "解锁", "en": "Unlock"},
    "wrong_password": {"zh": "密码不正确。", "en": "Wrong password."},
    "choose_file": {"zh": "选择文件", "en": "Choose a file"},
    "choose_one": {"zh": "请选择", "en": "Choose one"},
    "choose_many": {"zh": "请选择（可多选）", "en": "Choose one or more"},
    "no_options": {"zh": "没有可选项", "en": "Nothing to choose"},
    "no_match": {"zh": "无匹配项", "en": "No match"},
    "upload_button": {"zh": "选择文件上传", "en": "Upload"},
    "preview": {"zh": "预览：将载入以下数据", "en": "Preview: this will be loaded"},
    "confirm_load": {"zh": "确认载入", "en": "Load it"},
    "loaded_ok": {"zh": "已载入：{report}（{action}，{n} 个数据项）", "en": "Loaded: {report} ({action}, {n} figures)"},
    "open_loaded_overview": {"zh": "查看{school} {year} 年总览", "en": "Open the overview of {school}, {year}"},
    "coverage_legend": {
        "zh": "已读取：表格与数字都已读出 · 部分读取：找到了，但有的行或列没读出 · 未找到：报告里没有找到"
        "（标题可能不同） · 未读取：找到了，但本系统不读它（如项目清单），不影响数字。",
        "en": "Read: table and figures read · Partly read: found, some rows or columns not read · Not found: "
        "not in the report (its caption may differ) · Not read: found, but this system does not read it "
        "(e.g. project lists); no figure depends on it.",
    },
    "replaces": {
        "zh": "数据库中已有该校该年度的报告，确认后将被替换。",
        "en": "This school and year is already loaded; it will be replaced.",
    },
    # the upload gate's answers (dashboard/gate.py), both languages in one plain-text body
    "gate_not_planner": {
        "zh": "仅限已输入规划人员密码的会话上传",
        "en": "only a session unlocked with the planner password may upload",
    },
    "gate_no_length": {"zh": "上传需给出长度（Content-Length）", "en": "an upload must state its Content-Length"},
    "gate_too_large": {"zh": "文件超过上传上限", "en": "the file is larger than the upload limit"},
    "gate_session_files": {
        "zh": "本会话待处理文件已达上限，请先载入或移除一个",
        "en": "this session holds its most files: load or remove one",
    },
    "gate_session_bytes": {
        "zh": "本会话待处理文件过大，请先载入或移除一个",
        "en": "this session holds its most bytes: load or remove a file",
    },
    "gate_total_bytes": {
        "zh": "服务器上传缓存已满，请稍后重试",
        "en": "the server holds its most uploads; please retry shortly",
    },
    "gate_script_remote": {"zh": "仅限本机调用", "en": "only callers on this machine"},
    "gate_script_often": {"zh": "请稍后再试", "en": "too soon after the previous check"},
    "replaced_meanwhile": {
        "zh": "在您查看预览期间，这份报告（{report}）已被更改：{when} 载入了文件“{file}”。本次未写入任何内容。"
        "请核对上方预览；确需替换，请再次点击“确认载入”。",
        "en": "While you were looking at the preview, this report ({report}) was changed: the file '{file}' was loaded"
        " at {when}. Nothing was written. Check the preview above; to replace it anyway, click 'Load it' again.",
    },
    "unchanged": {"zh": "与已载入的内容完全相同，无需再次载入。", "en": "Identical to what is loaded; nothing to do."},
    # coverage: what was read from a report
    "tab_coverage": {"zh": "读取情况", "en": "What was read"},
    "coverage_title": {"zh": "读取情况：哪些表读到了，哪些没有", "en": "What was read, table by table"},
    "coverage_pick": {"zh": "报告", "en": "Report"},
    "coverage_status": {"zh": "状态", "en": "Status"},
    "coverage_item": {"zh": "表格/指标（★ 为核心）", "en": "Table or indicators (★ core)"},
    "coverage_kind": {"zh": "类别", "en": "Kind"},
    "coverage_problems": {"zh": "未读取的内容与原因", "en": "What was not read, and why"},
    "coverage_attention": {
        "zh": "需要留意的项目（未找到、部分读取、换算与说明）：",
        "en": "Items that need attention (not found, partly read, conversions and notes):",
    },
    "coverage_all_read": {
        "zh": "读取规则所列的表格均已完整读取。",
        "en": "Every table the rules know was read in full.",
    },
    "coverage_every_item": {
        "zh": "全部项目（含已读取与未设读取规则的表格）",
        "en": "Every item (also those read in full and tables no rule reads)",
    },
    "coverage_core_missing": {
        "zh": "核心表格未找到：{names}。这些数据不会出现在对比与趋势中。",
        "en": "Core tables not found: {names}. These figures will be missing from comparisons and trends.",
    },
    "coverage_none": {
        "zh": "这份报告载入时还没有读取情况记录（在此功能之前载入），重新载入后可见。",
        "en": "No record of what was read for this report (loaded before this was recorded); load it again to see it.",
    },
    "year_basis": {"zh": "数据年度依据", "en": "How the data year was found"},
    "title_year": {"zh": "标题年度", "en": "Title year"},
    "years_line": {"zh": "数据年度 {year}（{basis}）", "en": "Data year {year} ({basis})"},
    "years_title": {"zh": "；标题年度 {year}", "en": "; title year {year}"},
    "years_unknown_basis": {"zh": "导入时指定", "en": "given when loading"},
    "preview_coverage": {
        "zh": "确认前请先看读取情况：未找到或部分读取的表格不会写入缺失的数字。",
        "en": "Before confirming, check what was read: nothing is written for what is missing or partly read.",
    },
    # compare
    "compare_title": {"zh": "对比：多校、历年与基准", "en": "Compare schools, editions and benchmarks"},
    "pick_indicator": {"zh": "指标", "en": "Indicator"},
    "pick_subject": {"zh": "对象", "en": "Subject"},
    "pick_years_after": {"zh": "毕业后年数", "en": "Years after graduation"},
    "one_school": {
        "zh": "目前只载入了一所学校，暂无同组排名。要加入其他学校，请到“数据 → 载入新数据”上传其质量年报"
        "（文本、PDF、Excel 模板或 CSV）；载入后左侧会出现“对比学校”。",
        "en": "Only one school is loaded, so there is no peer ranking yet. To add a school, upload its quality"
        " report under Data → Load data (text, PDF, the Excel template or CSV); “Peer schools” then appears in"
        " the sidebar.",
    },
    "add_school_link": {"zh": "数据 → 载入新数据", "en": "Data → Load data"},
    "against_every_benchmark": {"zh": "本校与各基准", "en": "The school against every benchmark"},
    "rank": {"zh": "排名", "en": "Rank"},
    "percentile": {"zh": "百分位", "en": "Percentile"},
    "cmp_pick_year": {"zh": "比较哪份报告", "en": "Reports compared"},
    "cmp_latest": {"zh": "各校最新报告", "en": "Each school's latest report"},
    "cmp_year_option": {"zh": "{year} 年度报告", "en": "Reports of {year}"},
    "cmp_latest_reports": {"zh": "各校最新报告", "en": "each school's latest report"},
    "cmp_reports_of": {"zh": "{year} 年度报告", "en": "reports of {year}"},
    "cmp_benchmark_of_each": {"zh": "{benchmark}（各校报告）", "en": "{benchmark} (each school's report)"},
    "cmp_cohorts_differ": {
        "zh": "各校届别不同（{cohorts}）：比较的是{after}这一相同时点，不是同一届毕业生。",
        "en": "The cohorts differ ({cohorts}): they are compared at the same point ({after}), not as one class.",
    },
    "cmp_years_differ": {
        "zh": "各校数据年度不同（{years}）：每校取其所选报告的数据年度。",
        "en": "The data years differ ({years}): each school's figure is of its chosen report's data year.",
    },
    "cmp_rank_words": {"zh": "第 {rank} 名（共 {n} 所学校）", "en": "{rank} of {n} schools"},
    "cmp_not_ranked": {
        "zh": "不排名：只有 {n} 所学校有此数据，至少 {min} 所才排名",
        "en": "not ranked: {n} school(s) with this figure, a rank needs {min}",
    },
    "cmp_no_value": {"zh": "所选报告未载明此数据", "en": "not stated in the chosen report"},
    "cmp_no_report": {"zh": "未载入该年度报告", "en": "no report of that year loaded"},
    "cmp_not_drawn": {"zh": "图中未画出：{schools}。", "en": "Not drawn: {schools}."},
    "cmp_cohort_or_year": {"zh": "届别/年度", "en": "Cohort / year"},
    "cmp_cohort": {"zh": "{year}届", "en": "class of {year}"},
    "cmp_n_schools": {"zh": "{n} 所学校", "en": "{n} schools"},
    "cmp_data_year": {"zh": "{year}年", "en": "{year}"},
    "cmp_gap_to": {"zh": "与{benchmark}差距", "en": "Gap to {benchmark}"},
    "cmp_significance_of": {"zh": "显著性（{benchmark}）", "en": "Significance ({benchmark})"},
    "cmp_table": {"zh": "数值、差距与排名", "en": "Values, gaps and rank"},
    "cmp_trend": {
        "zh": "历年趋势：各校多份报告连成一线",
        "en": "Trend across editions: each school's reports as one line",
    },
    "cmp_trend_none": {
        "zh": "所选学校都没有两个年份以上的此项数据，无法画趋势；载入同一学校其他年度的报告后即可显示。",
        "en": "No chosen school has this figure for two or more years; load another year's report of a school"
        " to see a trend.",
    },
    "given_ask": {
        "zh": "文件中没有写明学校或数据年度：请在下面填写，按所填内容重新读取"
        "（填写的内容随报告一并保存，重建时同样使用）。",
        "en": "The file does not say its school or data year: fill it in below and it is read again with it"
        " (what you give is kept with the report and used again on a rebuild).",
    },
    "given_school": {"zh": "学校名称", "en": "School name"},
    "given_school_hint": {"zh": "如：某某职业技术学院", "en": "e.g. the college's full Chinese name"},
    "given_year": {"zh": "数据年度", "en": "Data year"},
    "given_year_hint": {"zh": "如：2020（报告所述数据的年度）", "en": "e.g. 2020 (the year the data describe)"},
    "given_read": {"zh": "按此重新读取", "en": "Read again with these"},
    "cmp_trend_left_out": {"zh": "趋势中未画出：{schools}。", "en": "Not drawn in the trend: {schools}."},
    "cmp_trend_one_year": {
        "zh": "{school}（此项只有 {year} 一个年度的数据，一个点连不成线）",
        "en": "{school} (this figure only for {year}: one point makes no line)",
    },
    "cmp_trend_no_year": {
        "zh": "{school}（已载入的报告中没有此项数据）",
        "en": "{school} (no loaded report has this figure)",
    },
    "cmp_cohort_axis": {"zh": "届别（{after}）", "en": "Cohort ({after})"},
    "cmp_add_peers": {
        "zh": "在左侧“对比学校”中选择其他已载入的学校，即可在此并列比较。",
        "en": "Choose other loaded schools under “Peer schools” in the sidebar to compare them here.",
    },
    "sig_not_assessed": {"zh": "不适用（非调查比率）", "en": "n/a (not a survey rate)"},
    "home_mark": {"zh": "（主校）", "en": " (home)"},
    "peer_mark": {"zh": "（对比校）", "en": " (peer)"},
    "overlay_peers": {
        "zh": "叠加对比学校（各取最新报告，按毕业后年数对齐）",
        "en": "Overlay the peer schools (each one's latest report, aligned by years after graduation)",
    },
    "school_help": {
        "zh": "主校在前，其次是对比学校，再次是其他学校；可输入校名查找。",
        "en": "Home school first, then the peers, then the others; type to find a school.",
    },
    # targets
    "targets_title": {"zh": "规划对标：目标达成情况", "en": "Plan targets: attainment"},
    "status_filter": {"zh": "按状态筛选", "en": "Filter by status"},
    "domain_filter": {"zh": "按领域筛选", "en": "Filter by domain"},
    "unmapped_domain": {"zh": "（报告无对应数据）", "en": "(not in the reports)"},
    "measurable_charts": {"zh": "可测量目标：现状与目标", "en": "Measurable targets: value and target"},
    "unmeasurable": {"zh": "暂无法用年报数据衡量的目标", "en": "Targets the reports cannot measure"},
    "show_charts": {"zh": "查看 {n} 张逐项图", "en": "Show the {n} charts"},
    "unmeasurable_rows": {"zh": "查看这 {n} 项目标及原因", "en": "Show these {n} targets and why"},
    # 规划对标's table headers at 1366 px (the full words are each column's tooltip, and print)
    "target_text_short": {"zh": "目标（原文）", "en": "As written"},
    "growth_needed_short": {"zh": "需年均增长", "en": "Growth / yr"},
    "next_year_needed_short": {"zh": "明年需达到", "en": "Next year"},
    "current_value": {"zh": "现值", "en": "Current"},
    "current_year": {"zh": "年份", "en": "Year"},
    "target_text": {"zh": "目标（原文）", "en": "As written in the plan"},
    "comparator": {"zh": "比较", "en": "≥ / ≤"},
    "progress": {"zh": "进度", "en": "Progress"},
    "next_year_needed": {"zh": "明年需达到", "en": "Needed next year"},
    "note": {"zh": "说明", "en": "Note"},
    "level": {"zh": "指标层级", "en": "Level"},
    "general_group": {"zh": "目标", "en": "Targets"},
    "attainment_summary": {"zh": "目标达成概况", "en": "Attainment summary"},
    # outcomes
    "outcomes_title": {"zh": "就业与收入：本校与全省对比", "en": "Graduate outcomes: school vs province"},
    "outcomes_intro": {
        "zh": "浙江省毕业生职业发展状况调查：本校与全省、本科、高职平均的对比，毕业一年后与三年后分列。",
        "en": "Zhejiang graduate survey: the school against the provincial, undergraduate and vocational averages,"
        " one and three years after graduation.",
    },
    "employer_dimensions": {"zh": "用人单位满意度（按能力维度）", "en": "Employer satisfaction by dimension"},
    "score": {"zh": "得分", "en": "Score"},
    "destinations_industry": {"zh": "就业行业流向", "en": "Employment by industry"},
    "destinations_employer": {"zh": "就业单位类型", "en": "Employment by employer type"},
    "regions_title": {"zh": "毕业去向与生源地", "en": "Where graduates work vs where they came from"},
    "origin": {"zh": "生源数", "en": "From the region"},
    "destination": {"zh": "就业流向数", "en": "Working in the region"},
    "province_cities": {"zh": "省内各市", "en": "Cities of the province"},
    "home_counties": {"zh": "本地各县市区", "en": "Counties of the home city"},
    "people": {"zh": "人数", "en": "People"},
    # enrollment
    "enrollment_title": {"zh": "招生：计划、录取与报到", "en": "Enrollment: plan, admitted, registered"},
    "registration_rate_by_channel": {"zh": "各口径报到率", "en": "Registration rate by channel"},
    "intake_mix": {"zh": "录取新生生源类型", "en": "Admitted students by prior schooling"},
    "intake_regions": {"zh": "新生生源地区", "en": "New students by origin"},
    "intake_3yr": {"zh": "近三年报到新生生源类型", "en": "Registered by prior schooling, 3 years"},
    # faculty
    "faculty_title": {"zh": "师资：结构、双师与生师比", "en": "Faculty: structure, dual-qualified share, ratio"},
    "by_title": {"zh": "专任教师职称结构", "en": "Full-time teachers by title"},
    "by_degree": {"zh": "专任教师学位结构", "en": "Full-time teachers by degree"},
    "training": {"zh": "教师进修、培训与交流（人次）", "en": "Teacher training and exchange (person-times)"},
    "against_targets": {"zh": "与规划目标对照", "en": "Against plan targets"},
    # research
    "research_title": {"zh": "科研与社会服务", "en": "Research and service"},
    "income_by_kind": {"zh": "到款额（按类型）", "en": "Income by kind"},
    "kind": {"zh": "类型", "en": "Kind"},
    "patents": {"zh": "知识产权与成果转化", "en": "Intellectual property and transfer"},
    "training_volume": {"zh": "非学历培训服务（人日）", "en": "Non-degree training (person-days)"},
    "top_projects_missing": {
        "zh": "报告的项目清单（表5-1、5-2）未结构化载入，此处不列出。",
        "en": "The report's project lists (Tables 5-1 and 5-2) are not loaded as figures and are not shown.",
    },
    # data page
    "data_title": {"zh": "数据：已载入的报告与规划", "en": "Data: loaded reports and plans"},
    "reports": {"zh": "报告", "en": "Reports"},
    "plans": {"zh": "规划", "en": "Plans"},
    "figures": {"zh": "数据项", "en": "Figures"},
    "targets_count": {"zh": "目标数", "en": "Targets"},
    "loaded_at": {"zh": "载入时间（北京时间）", "en": "Loaded at (Beijing time)"},
    "issuer": {"zh": "发布单位", "en": "Issued by"},
    "scope": {"zh": "范围", "en": "Scope"},
    "scope_school": {"zh": "学校", "en": "School"},
    "scope_city": {"zh": "城市", "en": "City"},
    "scope_province": {"zh": "省", "en": "Province"},
    "format_text": {"zh": "文本", "en": "Text"},
    "format_pdf": {"zh": "PDF", "en": "PDF"},
    "format_xlsx": {"zh": "Excel", "en": "Excel"},
    "format_csv": {"zh": "CSV", "en": "CSV"},
    "source_file": {"zh": "来源文件", "en": "Source file"},
    "format": {"zh": "格式", "en": "Format"},
    # the store: why the data cannot be read or written (shown as they are, both languages)
    "store_missing_readonly": {
        "zh": "只读模式下找不到数据库文件 {name}。请由数据维护者发布该文件（python -m loaders rebuild --db …）。",
        "en": "Read-only mode: the database file {name} does not exist. Publish it first"
        " (python -m loaders rebuild --db …).",
    },
    "store_locked": {
        "zh": "数据库文件 {name} 正被另一个程序以写入方式打开（如正在运行的导入命令）。请待其结束后刷新页面。",
        "en": "The database file {name} is open for writing by another program (an import, perhaps)."
        " Reload this page when it has finished.",
    },
    "store_damaged_readonly": {
        "zh": "只读模式下无法打开数据库文件 {name}（文件已损坏或不是数据库）。请重新发布该文件"
        "（python -m loaders rebuild --db …），然后重启本服务。",
        "en": "Read-only mode: the database file {name} cannot be opened (damaged, or not a database)."
        " Publish it again (python -m loaders rebuild --db …) and restart this service.",
    },
    "store_unopenable": {"zh": "无法打开数据库文件 {name}。", "en": "The database file {name} cannot be opened."},
    "store_changed_readonly": {
        "zh": "数据库文件在服务运行期间被改动。只读副本不会自行修复：请重新发布该文件并重启本服务。",
        "en": "The database file changed while being served. A read-only replica does not repair it: publish"
        " the file again and restart this service.",
    },
    "store_nothing_written": {
        "zh": "本次未写入任何内容。{reason}请重新操作。",
        "en": "nothing was written; {reason} Please retry.",
    },
    "upload_copy_failed": {
        "zh": "无法保存上传文件的副本（{reason}），未写入任何内容。",
        "en": "the upload's copy cannot be saved ({reason}); nothing was written.",
    },
    # exports (issue 6)
    "category": {"zh": "类别", "en": "Category"},
    "series": {"zh": "系列", "en": "Series"},
    "source_table": {"zh": "来源表", "en": "Source table"},
    "source_line": {"zh": "来源行", "en": "Source line"},
    "report_name": {"zh": "报告", "en": "Report"},
    "ci_low": {"zh": "95% 置信下限（%）", "en": "95% CI low (%)"},
    "ci_high": {"zh": "95% 置信上限（%）", "en": "95% CI high (%)"},
    "significance": {"zh": "与基准的差异", "en": "Gap to the benchmark"},
    "wide_sheet": {"zh": "宽表", "en": "Wide"},
    "download_png": {"zh": "下载 PNG", "en": "Download PNG"},
    "png_unavailable": {
        "zh": "服务器上没有可用的 Chromium，无法生成 PNG；可用图表右上角工具栏的相机按钮在浏览器中下载。",
        "en": "No Chromium on the server, so it cannot draw PNGs; use the camera button in the chart's toolbar"
        " to download one from your browser.",
    },
    "pack_page": {"zh": "生成本页图表包", "en": "Build this page's pack"},
    "pack_all": {"zh": "生成整个仪表盘的图表包", "en": "Build the whole-dashboard pack"},
    "pack_all_title": {"zh": "汇报材料", "en": "Report pack"},
    "pack_help": {
        "zh": "图表包（zip）：每张图的 PNG、数据的 CSV 和 Excel，以及一份说明（README.txt）。",
        "en": "A zip with every chart as PNG, its data as CSV and Excel, and an index (README.txt).",
    },
    "pack_building": {"zh": "正在生成图表包…", "en": "Building the pack…"},
    "pack_ready": {"zh": "图表包已生成", "en": "The pack is ready"},
    "pack_save": {"zh": "下载本页图表包", "en": "Download this page's pack"},
    "pack_save_all": {"zh": "下载整个仪表盘的图表包", "en": "Download the whole-dashboard pack"},
    "pack_no_png": {
        "zh": "服务器上没有 Chromium：图表包只含 CSV 和 Excel。",
        "en": "No Chromium on the server: the pack holds CSV and Excel only.",
    },
    # office files (issue 17): PowerPoint deck, Word appendix, offline HTML
    "office_title": {
        "zh": "{school} {year} 年质量年度报告对标分析",
        "en": "{school}: quality report {year} against benchmarks",
    },
    "office_page_title": {
        "zh": "{school} {year} 年质量年度报告 · {page}",
        "en": "{school}: quality report {year} · {page}",
    },
    "office_charts": {"zh": "{n} 张图", "en": "{n} charts"},
    "office_created": {"zh": "生成时间：{when}", "en": "Made: {when}"},
    "office_skipped": {"zh": "没有数据、未放入的图表：{names}", "en": "Charts left out (no data): {names}"},
    "office_targets": {"zh": "规划目标达成：{plan}", "en": "Plan targets: {plan}"},
    "attainment_file": {"zh": "规划目标达成", "en": "plan_attainment"},
    "download_pptx": {"zh": "下载 PPT（可编辑图表）", "en": "Download PowerPoint (editable charts)"},
    "download_docx": {"zh": "下载 Word 附录", "en": "Download Word appendix"},
    "download_html": {"zh": "下载离线网页", "en": "Download offline HTML"},
    "office_help": {
        "zh": "PPT：每张图一页，图表可在 PowerPoint/WPS 中编辑；Word：计分卡、编号的表和图、逐项文字，"
        "可直接粘贴进年报；离线网页：一个 HTML 文件，无需服务器或网络即可打开，图表可交互。",
        "en": "PowerPoint: a slide per chart, charts editable in PowerPoint/WPS; Word: scorecard, numbered tables and"
        " figures and a sentence per indicator to paste into the report; offline HTML: one file that opens without a"
        " server or network, charts interactive.",
    },
    "office_data_table": {"zh": "数据表", "en": "Data table"},
    "office_offline_note": {
        "zh": "本文件可离线打开，无需服务器或网络；图表可缩放、悬停查看数值，工具栏相机按钮可下载 PNG。",
        "en": "This file opens offline, without a server or network; zoom and hover on the charts, and the"
        " toolbar's camera button downloads a PNG.",
    },
    "office_appendix": {"zh": "{title}：数据附录", "en": "{title}: data appendix"},
    "other_n": {"zh": "其他 {n} 项", "en": "Other ({n})"},
    "office_other_names": {"zh": "{label}：{names}", "en": "{label}: {names}"},
    "office_scorecard": {
        "zh": "计分卡：本校与{benchmark}平均",
        "en": "Scorecard: the school and the {benchmark} average",
    },
    "office_findings": {"zh": "主要发现", "en": "Findings"},
    "office_cohort": {"zh": "届别", "en": "Cohort"},
    "office_no_png_asked": {"zh": "未要求生成图片。", "en": "Pictures were not requested."},
    "office_png_missing": {
        "zh": "本附录未含图表图片：{reason}表格与文字不受影响。",
        "en": "This appendix has no chart pictures: {reason} Tables and sentences are complete.",
    },
    "office_targets_summary": {
        "zh": "《{plan}》共 {total} 项目标，其中 {n} 项可用年报数据衡量：{parts}。",
        "en": "{plan} sets {total} targets; {n} can be measured with the reports: {parts}.",
    },
    # presentation mode
    "page_present": {"zh": "演示", "en": "Present"},
    "present_title": {"zh": "演示模式", "en": "Presentation mode"},
    "present_intro": {
        "zh": "选择要演示的图表，按选择的先后排序；链接中保存了顺序，可直接分享。演示时用 ← → 键或按钮翻页。",
        "en": "Choose the charts to show, in the order you pick them; the link keeps the order and can be shared."
        " While presenting, use ← → or the buttons to move.",
    },
    "present_pages": {"zh": "页面", "en": "Pages"},
    "present_deck": {"zh": "图表（按演示顺序）", "en": "Charts (in presentation order)"},
    "present_start": {"zh": "开始演示", "en": "Start presenting"},
    "present_exit": {"zh": "退出演示", "en": "Exit"},
    "present_prev": {"zh": "上一张", "en": "Previous"},
    "present_next": {"zh": "下一张", "en": "Next"},
    "present_empty": {"zh": "还没有选择图表。", "en": "No chart chosen yet."},
    # a slide's chart: the categories past what a projected slide can label, one part of a split chart,
    # and the hover hints a projector has no use for (viz.deck)
    "slide_part": {"zh": "（{part}/{parts}）", "en": " ({part}/{parts})"},
    "sig_error_bars_slide": {"zh": "误差线：95% 置信区间", "en": "Error bars: 95% confidence interval"},
    "kpi_line": {
        "zh": "可与{name}比较的 {compared} 项核心指标中 {better} 项优于{name}。",
        "en": "{better} of the {compared} headline indicators compared with {name} are better than it.",
    },
    "kpi_line_targets": {
        "zh": "可与{name}比较的 {compared} 项核心指标中 {better} 项优于{name}；"
        "有规划目标的 {targeted} 项中已达成 {met} 项。",
        "en": "{better} of the {compared} headline indicators compared with {name} are better than it; {met} of the"
        " {targeted} with a plan target met it.",
    },
    "plan_line": {"zh": "{n} 项目标有数据：{counts}。", "en": "{n} targets with data: {counts}."},
    # data page: view-only copies, upload limits, deleting a report
    "read_only": {
        "zh": "这是只读的数据副本（QUALITY_DB_READONLY=1）：可以浏览，不能载入、替换或删除数据。"
        "数据由数据维护者统一发布。",
        "en": "This is a read-only copy of the data (QUALITY_DB_READONLY=1): you can look, but not load,"
        " replace or delete data. The data is published centrally.",
    },
    "upload_limit": {
        "zh": "单个文件不超过 {mb} MB。文件类型按内容识别，与扩展名无关。",
        "en": "At most {mb} MB per file. The file type is recognised from its content, not its name.",
    },
    "delete_title": {"zh": "删除已载入的报告", "en": "Delete a loaded report"},
    "delete_pick": {"zh": "要删除的报告", "en": "Report to delete"},
    "delete_confirm": {"zh": "我确认要删除这份报告的全部数据", "en": "Yes, delete all figures of this report"},
    "delete_button": {"zh": "删除", "en": "Delete"},
    "deleted": {"zh": "已删除：{report}", "en": "Deleted: {report}"},
    "not_found": {"zh": "没有这份报告（可能已被删除）。", "en": "No such report (deleted already?)."},
    "delete_bundled": {
        "zh": "这份报告随系统一同提供，重建数据库时会重新载入；要永久删除，请系统管理员移除随附的报告文件。",
        "en": "This report ships with the system and comes back when the store is rebuilt; to remove it for"
        " good, the system's administrator takes the shipped report file out.",
    },
    "school_label": {"zh": "学校", "en": "School"},
    "file_label": {"zh": "文件", "en": "File"},
    "locked_out": {
        "zh": "密码错误次数过多，已暂停验证，请 {s} 秒后再试。",
        "en": "Too many wrong passwords: no password is checked for {s} more seconds.",
    },
    "parsing": {
        "zh": "正在读取文件（在独立进程中，有时间与内存上限）…",
        "en": "Reading the file (in a separate process, with time and memory limits)…",
    },
    "write_log": {"zh": "写入记录", "en": "Write log"},
    "write_log_help": {
        "zh": "每次载入、替换、删除、密码错误与数据库恢复的时间、操作、报告、文件哈希与结果（最新在前）。",
        "en": "Every upload, replacement, deletion, wrong password and store recovery: time, action, report,"
        " file hash and outcome (newest first).",
    },
    "log_logged_at": {"zh": "时间（北京时间）", "en": "Time (Beijing time)"},
    "log_action": {"zh": "操作", "en": "Action"},
    "log_report_id": {"zh": "报告", "en": "Report"},
    "log_file_sha256": {"zh": "文件 SHA-256", "en": "File SHA-256"},
    "log_outcome": {"zh": "结果", "en": "Outcome"},
    "log_detail": {"zh": "说明", "en": "Detail"},
    "store_recovered": {"zh": "数据库已自动恢复", "en": "The store was recovered"},
}


TEXT.update(PLAN_TEXT)
TEXT.update(HELD_TEXT)
TEXT.update(OWN_PLAN_TEXT)
TEXT.update(PLANNER_TEXT)


def basis_name(basis: str, lang: str) -> str:
    """Display name of what a value rests on (table, derived, entered, narrative)."""
    return BASIS_NAMES.get(basis, {}).get(lang, basis)


def both(key: str, **values: object) -> tuple[str, str]:
    """``(zh, en)`` texts of ``key``: for a :class:`~loaders.contracts.errors.BilingualError` or any message."""
    return t(key, "zh", **values), t(key, "en", **values)


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    entry = TEXT.get(key)
    text = key if entry is None else entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def check_name(check: str, lang: str) -> str:
    """A check-up check in words (``conflicting_values`` → 同一数据前后不一致)."""
    return CHECK_NAMES.get(check, {}).get(lang, check)


def log_word(word: str, lang: str) -> str:
    """A write-log action or outcome in words (``refused`` → 已拒绝)."""
    return LOG_WORDS.get(word, {}).get(lang, word)


def colon(lang: str) -> str:
    """``：`` in Chinese, ``: `` in English."""
    return "：" if lang == "zh" else ": "


def status_help(status: str, lang: str) -> str:
    """What an attainment status means (a tooltip beside its name)."""
    return STATUS_HELP.get(status, {}).get(lang, "")


def benchmark_name(subject: str, lang: str) -> str:
    """Display name of a benchmark series (``高职`` → 全省高职 / Zhejiang vocational)."""
    return BENCHMARK_NAMES.get(subject, {}).get(lang, subject)


def domain_name(domain: str, lang: str) -> str:
    """Display name of an indicator domain (``faculty`` → 师资 / Faculty)."""
    return DOMAIN_NAMES.get(domain, {}).get(lang, domain)


def status_name(status: str, lang: str) -> str:
    """Display name of an attainment status."""
    return STATUS_NAMES.get(status, {}).get(lang, status)


def unit_note(unit: str, lang: str) -> str:
    """``（单位：%）`` / `` (unit: %)`` after a table's title."""
    return f"（单位：{unit}）" if lang == "zh" else f" (unit: {unit_name(unit, 'en')})"


def unit_name(unit: str, lang: str) -> str:
    """A unit as the reader writes it: stored units are Chinese; English names for ``en``."""
    return UNIT_NAMES_EN.get(unit, unit) if lang == "en" else UNIT_NAMES_ZH.get(unit, unit)
