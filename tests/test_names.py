"""School names without invisible characters (loaders.contracts.names.clean_name), applied by load_bytes."""

from __future__ import annotations

import pytest

from loaders.contracts.errors import FormatError
from loaders.contracts.names import clean_name
from loaders.read.load import load_bytes

CSV = "school,report_year,indicator_id,subject,year,years_after,value,unit\n{school},2021,majors,本校,2021,,4,个"


def test_clean_name_removes_what_cannot_be_seen_and_keeps_what_can() -> None:
    assert clean_name("温州\u200b职业\u200d技术\ufeff学院") == "温州职业技术学院"
    assert clean_name("\u202e温州职业技术学院\u200e\u200f\u2066\u2069") == "温州职业技术学院"
    assert clean_name(" 温州\u3000职业\u00a0技术  学院\u2028") == "温州 职业 技术 学院"
    assert clean_name("温州\u3164职业学院\u00ad") == "温州职业学院"
    assert clean_name("温州（东）职业学院") == clean_name("温州(东)职业学院")  # one compatibility form (NFKC)
    assert clean_name("e\u0301cole") == "\u00e9cole"  # composed
    assert clean_name("\u200b\u200f") == ""
    with pytest.raises(FormatError, match="school name"):  # nothing visible left: refused
        load_bytes(CSV.format(school="\u200b\u200b\u200b").encode(), "x.csv")


@pytest.mark.parametrize(
    "hidden", ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\ufeff"]
)
def test_a_loaded_school_name_loses_its_invisible_characters(hidden: str) -> None:
    result = load_bytes(CSV.format(school=f"{hidden}温州职业{hidden}技术学院{hidden}").encode(), "x.csv")
    assert (result.school, result.report_id) == ("温州职业技术学院", "温州职业技术学院-2021")


def test_a_targets_english_name_says_the_row_it_is_measured_on() -> None:
    from viz.names import target_label

    names = {"teachers_by_degree_share": "Share of full-time teachers by degree", "ratio": "Student-teacher ratio"}
    assert target_label("teachers_by_degree_share", "博士及以上", "博士比例", names, "en") == (
        "Share of full-time teachers by degree: Doctorate"
    )
    assert target_label("ratio", "本校", "生师比", names, "en") == "Student-teacher ratio"  # the school's own
    assert target_label("teachers_by_degree_share", "博士及以上", "博士比例", names, "zh") == "博士比例"
    # no indicator: the plan's own words
    assert target_label("unmapped", "", "社会服务满意度", names, "en") == "社会服务满意度"
