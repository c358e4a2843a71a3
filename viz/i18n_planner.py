"""Interface text of the planner's kept unlock and of entries by year (issue 25), merged into :data:`viz.i18n.TEXT`."""

from __future__ import annotations

PLANNER_TEXT: dict[str, dict[str, str]] = {
    "planner_lock": {"zh": "退出规划人员", "en": "Lock"},
    "planner_unlocked_caption": {
        "zh": "已以规划人员身份解锁：本浏览器刷新页面仍保持解锁，最长 {h} 小时；离开前请点“退出规划人员”。",
        "en": "Unlocked as planner: reloads in this browser stay unlocked for up to {h} hours; lock before you leave.",
    },
    "entry_other_year": {
        "zh": "已填报 {years} 年的数值（{values}），只在查看 {years} 年的报告时计入：填报值只计入它所描述的年度",
        "en": "Entered for {years} ({values}); it counts when the report for {years} is viewed: an entry counts only "
        "in the year it describes",
    },
}
