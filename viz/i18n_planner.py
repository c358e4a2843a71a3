"""Interface text of the planner's kept unlock and of entries by year (issue 25), merged into :data:`viz.i18n.TEXT`."""

from __future__ import annotations

PLANNER_TEXT: dict[str, dict[str, str]] = {
    "planner_lock": {"zh": "退出规划人员", "en": "Lock"},
    "planner_unlocked_caption": {
        "zh": "已以规划人员身份解锁：本浏览器刷新页面仍保持解锁，最长 {h} 小时；离开前请点“退出规划人员”。",
        "en": "Unlocked as planner: reloads in this browser stay unlocked for up to {h} hours; lock before you leave.",
    },
    "entry_other_year": {
        "zh": "已填报 {years} 年：{values}（填报值只计入所描述年度的报告）",
        "en": "Entered for {years}: {values} (an entry counts only in the report of the year it describes)",
    },
}
