"""Interface text is complete in both languages: every key has zh and en, every key the code asks for
exists, no key is dead, the closed vocabularies cover every code they name, and the pages' code holds no
Chinese of its own (it all comes through viz.i18n, or is data)."""

from __future__ import annotations

import ast
import csv
import re
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from loaders.contracts import vocabulary as contract_words
from loaders.contracts.paths import ROOT, SPECS_DIR
from viz import i18n, names, vocabulary

CJK = re.compile(r"[\u3400-\u9fff]")
CODE_DIRS = ("dashboard", "pages", "viz")


def _python_files() -> list[Path]:
    return [ROOT / "app.py", *(p for d in CODE_DIRS for p in sorted((ROOT / d).glob("*.py")))]


def _trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in _python_files()}


def _t_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args
    ]


def _families() -> dict[str, set[str]]:
    """Keys the code builds from a prefix and a code (``t(f"sig_{verdict}")``), with every code it can take."""
    from dashboard.downloads import DOWNLOADS
    from dashboard.navigation import PAGES
    from dashboard.slides import DECK_PAGES
    from loaders.plans.spec import PlanSpec
    from loaders.read.formats import FORMATS
    from loaders.store.writelog import COLUMNS
    from metrics.significance import VERDICTS
    from viz.catalogue import load_catalogue

    with open(SPECS_DIR / "plan_specs.toml", "rb") as handle:
        scopes = {plan.get("scope", "") for plan in tomllib.load(handle)["plan"]} - {""}
    scopes |= set(get_args(PlanSpec.model_fields["scope"].annotation))  # every scope a plan may declare
    pages = {Path(p.script).stem for p in PAGES} | set(DECK_PAGES)
    return {
        "download_": {kind for kind, _, _ in DOWNLOADS},
        "sig_": set(VERDICTS),
        "format_": {fmt.name for fmt in FORMATS},
        "scope_": scopes,
        "log_": set(COLUMNS),
        "page_": pages,
        "_title": {page.id for page in load_catalogue().page},  # t(f"{page_id}_title")
        "basis_mark_": {"entered", "narrative"},  # viz.target_tables._mark
        "entry_missing_": {"target", "value", "source", "author"},  # viz.entries.entry_problems
    }


def _family_keys() -> set[str]:
    keys = set()
    for affix, codes in _families().items():
        keys |= {f"{code}{affix}" if affix.startswith("_") else f"{affix}{code}" for code in codes}
    return keys


def _literals() -> set[str]:
    """Every string constant of the code (outside viz/i18n.py) and every value of the page catalogue."""
    found: set[str] = set()
    for path, tree in _trees().items():
        if path.name in ("i18n.py", "vocabulary.py"):
            continue
        found |= {
            node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    with open(SPECS_DIR / "pages.toml", "rb") as handle:
        walk(tomllib.load(handle))
    return found


def test_every_key_has_chinese_and_english() -> None:
    missing = [key for key, entry in i18n.TEXT.items() if not entry.get("zh") or not entry.get("en")]
    assert missing == [], f"keys without a translation: {missing}"
    chinese_english = [key for key, entry in i18n.TEXT.items() if CJK.search(entry["en"]) and key != "language"]
    assert chinese_english == [], f"English text with Chinese in it: {chinese_english}"
    for table in (contract_words.SUBJECT_NAMES, vocabulary.DOMAIN_NAMES, contract_words.STATUS_NAMES,
                  contract_words.STATUS_HELP, vocabulary.CHECK_NAMES, vocabulary.LOG_WORDS):  # fmt: skip
        for code, entry in table.items():
            assert entry.get("zh") and entry.get("en") and not CJK.search(entry["en"]), code


def test_every_key_the_code_asks_for_exists() -> None:
    families = _families()
    unknown = []
    for path, tree in _trees().items():
        for call in _t_calls(tree):
            key = call.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value not in i18n.TEXT:
                    unknown.append(f"{path.name}:{call.lineno} {key.value}")
            elif isinstance(key, ast.JoinedStr):
                head = key.values[0].value if isinstance(key.values[0], ast.Constant) else ""
                tail = key.values[-1].value if isinstance(key.values[-1], ast.Constant) else ""
                if not any(affix in (head, tail) for affix in families):
                    unknown.append(f"{path.name}:{call.lineno} f-string key with no known family")
    assert unknown == [], "\n".join(unknown)
    generated = _family_keys() - set(i18n.TEXT)
    assert generated == set(), f"keys the code builds that are missing: {sorted(generated)}"


def test_no_dead_keys() -> None:
    used = _literals() | _family_keys()
    dead = sorted(set(i18n.TEXT) - used)
    assert dead == [], f"keys nothing uses: {dead}"


def test_the_vocabularies_cover_every_code() -> None:
    from loaders.contracts.registry import read_registry
    from loaders.contracts.vocabulary import STATUSES
    from metrics.findings import CHECKS

    assert set(contract_words.STATUS_NAMES) == set(STATUSES) == set(contract_words.STATUS_HELP)
    assert set(vocabulary.CHECK_NAMES) == set(CHECKS)
    units = set(read_registry()["unit"]) | {"倍", "元/生", "百分点", "亿元"}
    untranslated = sorted(u for u in units if CJK.search(u) and u not in vocabulary.UNIT_NAMES_EN)
    assert untranslated == [], f"units without an English name: {untranslated}"


def test_the_bundled_data_has_english_names() -> None:
    from loaders.contracts.paths import REPORTS_DIR
    from loaders.plans.documents import parse_all_plans
    from loaders.read.load import load

    subjects = set()
    for path in REPORTS_DIR.glob("*.txt"):
        subjects |= set(load(path).observations["subject"])
    assert sorted(subjects - set(names.subject_names_en())) == []
    plans, targets = parse_all_plans()
    assert sorted(set(plans["plan_id"]) - set(names.plan_names_en())) == []
    headings = set(targets["level1"].dropna()) - {""}
    assert sorted(headings - set(names.plan_terms_en())) == []
    with open(SPECS_DIR / "subject_names_en.csv", encoding="utf-8") as handle:
        assert all(row["name_en"] and not CJK.search(row["name_en"]) for row in csv.DictReader(handle))


@pytest.mark.parametrize(
    ("table", "english"),
    [
        ("表2-15", "Table 2-15"),
        ("§五", "Section 5"),
        ("§六(三)", "Section 6(3)"),
        ("附件2", "Annex 2"),
        ("计分卡", "Scorecard"),
        ("工作表「招生」", "Sheet 「招生」"),
    ],
)
def test_table_names_in_english(table: str, english: str) -> None:
    assert names.table_name(table, "en") == english
    assert names.table_name(table, "zh") == table


#: Chinese string constants the pages' code may hold: the survey's and reports' own codes (data keys,
#: never shown as such), and file names for Chinese readers.
ALLOWED = {"本校", "高职", "全省", "本科", "合计", "质量年报填报模板.xlsx"}


def test_pages_and_dashboard_hold_no_chinese_of_their_own() -> None:
    found = []
    for path, tree in _trees().items():
        if path.parent.name not in ("dashboard", "pages") and path.name != "app.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
                if node.value in ALLOWED or ast.get_docstring(tree) == node.value:
                    continue
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value[:40]!r}")
    # Docstrings and comments are for engineers; everything else a reader sees comes through viz.i18n.
    found = [f for f in found if '"""' not in f]
    docstrings = _docstring_lines()
    found = [f for f in found if f.split(" ")[0] not in docstrings]
    assert found == [], "Chinese in the interface code, not in viz/i18n.py:\n" + "\n".join(found)


def _docstring_lines() -> set[str]:
    lines = set()
    for path, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
                body = getattr(node, "body", [])
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    lines.add(f"{path.relative_to(ROOT)}:{body[0].value.lineno}")
    return lines
