"""viz.catalogue: the domain pages' charts as data (data/specs/pages.toml), checked when read."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from viz.catalogue import PAGES_SPEC, SECTIONS, load_catalogue
from viz.i18n import TEXT

CATALOGUE = load_catalogue()


def test_the_four_domain_pages_and_their_charts_in_page_order() -> None:
    assert list(SECTIONS) == ["outcomes", "enrollment", "faculty", "research"]
    faculty = CATALOGUE.get("faculty")
    assert [c.chart_key for c in faculty.chart] == [
        "teachers_by_title",
        "teachers_by_degree",
        "teacher_training_persontimes",
        "national_minimums",
    ]
    # from data/indicators.csv, not the spec; the minimums chart has one unit per standard (data/benchmarks)
    assert [c.unit for c in faculty.chart] == ["人", "人", "人次", ""]
    assert faculty.target_domains == ("faculty",)


def test_every_text_key_of_the_catalogue_has_both_languages() -> None:
    keys = {f"{page.id}_title" for page in CATALOGUE.page}
    for page in CATALOGUE.page:
        keys |= {k for k in (page.intro, page.note) if k}
        for chart in page.chart:
            keys |= {k for k in (chart.title, chart.title_prefix, *chart.series) if k}
            if chart.value_label != "name":
                keys.add(chart.value_label)
    missing = sorted(k for k in keys if set(TEXT.get(k, {})) < {"zh", "en"})
    assert not missing


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('kind = "subjects"\n  title = "by_title"', 'kind = "subject"\n  title = "by_title"', "kind"),
        ('title = "by_degree"', 'titel = "by_degree"', "titel"),  # a misspelt key
        ('indicators = ["teachers_by_degree"]', 'indicators = ["teachers_by_degre"]', "teachers_by_degre"),
        (  # a chart whose bars would mix 人 and 万元
            'indicators = ["enroll_plan", "enroll_admitted", "enroll_registered"]\n  [[page.chart]]',
            'indicators = ["enroll_plan", "tech_service_income"]\n  [[page.chart]]',
            "several units",
        ),
        ('key = "national_minimums"\n  kind = "minimums"', 'kind = "minimums"', "a minimums chart has a key"),
    ],
)
def test_catalogue_mistakes_fail_loudly(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = PAGES_SPEC.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "pages.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_catalogue(broken)
