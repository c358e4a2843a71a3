"""The closed vocabularies the interface names in zh and en: domains, the check-up's checks, the
write log's actions and outcomes, and units.

Belongs here: tables only. The functions that look them up (``status_name``, ``unit_name`` …) and
the page text are :mod:`viz.i18n`; benchmarks and attainment statuses are declared in
``data/specs/vocabulary.toml`` (:mod:`loaders.contracts.vocabulary`); names that come with the
data (subjects, plans, tables) :mod:`viz.names`.
"""

from __future__ import annotations

DOMAIN_NAMES = {
    "graduate_survey": {"zh": "毕业生调查", "en": "Graduate survey"},
    "enrollment": {"zh": "招生", "en": "Enrollment"},
    "student_development": {"zh": "学生发展", "en": "Student development"},
    "programs": {"zh": "专业与课程", "en": "Programmes and courses"},
    "faculty": {"zh": "师资", "en": "Faculty"},
    "conditions": {"zh": "办学条件", "en": "Facilities and funding"},
    "research_service": {"zh": "科研与社会服务", "en": "Research and service"},
    "international": {"zh": "国际交流", "en": "International"},
    "finance": {"zh": "经费", "en": "Finance"},
}


#: The check-up's checks (metrics.findings.CHECKS) in words.
CHECK_NAMES = {
    "parts_vs_total": {"zh": "分项之和与合计不符", "en": "Parts do not add up to the total"},
    "share_vs_count": {"zh": "占比与人数不符", "en": "Share does not match the count"},
    "conflicting_values": {"zh": "同一数据前后不一致", "en": "One figure stated differently"},
    "year_label": {"zh": "年份标注可疑", "en": "Doubtful year label"},
    "duplicate_label": {"zh": "行名重复", "en": "Row label given twice"},
    "cohort_label": {"zh": "届别标注可疑", "en": "Doubtful cohort label"},
    "text_vs_table": {"zh": "正文与表格不符", "en": "Text and table disagree"},
    "sentence_vs_table": {"zh": "正文数字与表格不符", "en": "A figure in the text differs from the table"},
    "sentence_vs_sentence": {"zh": "正文前后数字不一致", "en": "The text states a figure differently"},
}
#: Actions and outcomes of the write log (loaders.store.writelog) in words.
LOG_WORDS = {
    "upload": {"zh": "上传", "en": "Upload"},
    "delete": {"zh": "删除", "en": "Delete"},
    "unlock": {"zh": "解锁", "en": "Unlock"},
    "ingest": {"zh": "命令行载入", "en": "Command-line load"},
    "upload-plan": {"zh": "上传规划", "en": "Plan upload"},
    "ingest-plan": {"zh": "命令行载入规划", "en": "Command-line plan load"},
    "store": {"zh": "数据库", "en": "Store"},
    "added": {"zh": "新增", "en": "Added"},
    "replaced": {"zh": "已替换", "en": "Replaced"},
    "unchanged": {"zh": "内容相同，未改动", "en": "Unchanged"},
    "refused": {"zh": "已拒绝", "en": "Refused"},
    "deleted": {"zh": "已删除", "en": "Deleted"},
    "not found": {"zh": "未找到", "en": "Not found"},
    "wrong password": {"zh": "密码错误", "en": "Wrong password"},
    "locked out": {"zh": "暂停验证", "en": "Locked out"},
    "unlocked": {"zh": "已解锁", "en": "Unlocked"},
    "locked": {"zh": "已退出", "en": "Locked"},
    "damaged": {"zh": "已损坏", "en": "Damaged"},
    "recovered": {"zh": "已恢复", "en": "Recovered"},
    "unreadable lines": {"zh": "日志有行无法读取", "en": "Log lines unreadable"},
    "accept": {"zh": "确认采用存疑数字", "en": "Accept a held-back figure"},
    "accepted": {"zh": "已确认采用", "en": "Accepted"},
}


#: Documents named in provenance (the national minimums' circular) and their English names.
DOCUMENT_NAMES_EN = {"教发〔2004〕2号": "MoE circular No. 2 of 2004"}

#: Units as stored and how a Chinese reader writes them where they differ.
UNIT_NAMES_ZH = {"m2/生": "m²/生", "m2": "m²"}

#: Units as stored (Chinese) and their English names, for headers of English exports.
UNIT_NAMES_EN = {
    "人": "people",
    "人次": "person-times",
    "人日": "person-days",
    "人时": "person-hours",
    "元": "yuan",
    "元/生": "yuan per student",
    "m2/生": "m² per student",
    "平方米/生": "m² per student",
    "平方米": "m²",
    "亩": "mu",
    "本": "titles",
    "个/生": "per student",
    "万元": "10,000 yuan",
    "亿元": "100 million yuan",
    "百万元": "million yuan",
    "分": "points",
    "项": "items",
    "个": "count",
    "门": "courses",
    "家": "organisations",
    "课时": "class hours",
    "学时": "class hours",
    "课次": "classes",
    "倍": "×",
    "百分点": "pp",
}
