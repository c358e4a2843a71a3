"""Display names of things that come from the data: subjects, source tables, plans.

Belongs here: the English names of the report's row labels (``data/specs/subject_names_en.csv``:
本校, 合计, 制造业, 温州市 …), of the plans and their headings (``data/specs/plan_names_en.csv``,
``plan_terms_en.csv``), and the English form of
a source table's name (表2-15 → Table 2-15, §五 → Section 5, 附件2 → Annex 2). Chinese is always
the text as stored; a name without an English entry is shown as stored (a school's or a new
report's own words are data, not interface text), and stored UTC times as the planners' Beijing time.
Interface text itself is :mod:`viz.i18n`.
"""

from __future__ import annotations

import csv
import re
from functools import cache

import pandas as pd

from loaders.contracts.paths import SPECS_DIR

SUBJECT_NAMES_CSV = SPECS_DIR / "subject_names_en.csv"
PLAN_NAMES_CSV = SPECS_DIR / "plan_names_en.csv"
PLAN_TERMS_CSV = SPECS_DIR / "plan_terms_en.csv"

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@cache
def subject_names_en() -> dict[str, str]:
    """Stored subject (Chinese) → English name."""
    with open(SUBJECT_NAMES_CSV, encoding="utf-8") as handle:
        return {row["subject"]: row["name_en"] for row in csv.DictReader(handle)}


@cache
def plan_names_en() -> dict[str, tuple[str, str]]:
    """``plan_id`` → (English title, English issuer)."""
    with open(PLAN_NAMES_CSV, encoding="utf-8") as handle:
        return {row["plan_id"]: (row["title_en"], row["issuer_en"]) for row in csv.DictReader(handle)}


@cache
def plan_terms_en() -> dict[str, str]:
    """A plan's heading (一级指标 …, as stored) → English."""
    with open(PLAN_TERMS_CSV, encoding="utf-8") as handle:
        return {row["term"]: row["name_en"] for row in csv.DictReader(handle)}


def plan_term(text: object, lang: str) -> str:
    """A plan's heading (``高质量人才培养``) in the reader's language; unknown ones as stored."""
    value = "" if text is None else str(text)
    return plan_terms_en().get(value, value) if lang == "en" else value


def subject_name(subject: object, lang: str) -> str:
    """A report's row label in the reader's language (``制造业`` → Manufacturing); unknown ones as stored."""
    text = "" if subject is None else str(subject)
    return subject_names_en().get(text, text) if lang == "en" else text


def target_label(indicator_id: object, subject: object, label_zh: object, names: dict[str, str], lang: str) -> str:
    """A plan target's name: the plan's own label in Chinese; in English the indicator's registry name,
    with the row it is measured on when that is not the school's own (博士比例 → "Share of full-time
    teachers by degree: Doctorate", not the bare indicator, which reads as any degree)."""
    label = "" if label_zh is None else str(label_zh)
    if lang != "en":
        return label
    name = names.get(str(indicator_id), label)
    row = "" if subject is None or pd.isna(subject) else str(subject)
    return f"{name}: {subject_name(row, lang)}" if row and row != "本校" and name != label else name


def plan_title(plan_id: str, title: str, lang: str) -> str:
    """A plan's title in the reader's language (the stored title in Chinese)."""
    return plan_names_en().get(plan_id, (title, ""))[0] if lang == "en" else title


def plan_issuer(plan_id: str, issuer: str, lang: str) -> str:
    """A plan's issuer in the reader's language."""
    if lang != "en":
        return issuer
    return plan_names_en().get(plan_id, ("", ""))[1] or issuer


def _numeral(text: str) -> str:
    """``五`` → ``5``, ``十二`` → ``12`` (the section numbers reports use); other text unchanged."""
    if not text or any(ch not in _NUMERALS for ch in text):
        return text
    if "十" not in text:
        return "".join(str(_NUMERALS[ch]) for ch in text)
    tens, _, ones = text.partition("十")
    return str((_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0))


def table_name(table: object, lang: str) -> str:
    """A source table as the reader's language names it.

    ``表2-15`` → ``Table 2-15``, ``§五`` → ``Section 5``, ``§六(三)`` → ``Section 6(3)``,
    ``附件2`` → ``Annex 2``, ``附表1`` → ``Annex table 1``, ``计分卡`` → ``Scorecard``,
    ``工作表「招生」`` → ``Sheet 「招生」``; Chinese unchanged.
    """
    text = "" if table is None else str(table)
    if lang != "en" or not text:
        return text
    if "/" in text:  # a derived figure's inputs: ``§三/表3-1`` → ``Section 3/Table 3-1``
        return "/".join(table_name(part, lang) for part in text.split("/"))
    if match := re.fullmatch(r"§\s*([一二三四五六七八九十]+)(?:[（(]([一二三四五六七八九十]+)[）)])?", text):
        return f"Section {_numeral(match[1])}" + (f"({_numeral(match[2])})" if match[2] else "")
    for prefix, english in (("工作表", "Sheet "), ("附表", "Annex table "), ("附件", "Annex "), ("表", "Table ")):
        if text.startswith(prefix):
            return english + text[len(prefix) :].strip()
    return {"计分卡": "Scorecard"}.get(text, text)


#: A table or section named inside a sentence (``表2-14``, ``§五``, ``§六(三)``, ``附件2``).
_TABLE_IN_TEXT = re.compile(
    r"§\s*[一二三四五六七八九十]+(?:[（(][一二三四五六七八九十]+[）)])?|(?:附表|附件|表)\s*\d+(?:-\d+)*"
)
#: A number followed by a stored unit (``526 人``, ``3,255.21 万元``).
_NUMBER_AND_UNIT = re.compile(r"(\d[\d,.]*\s*)(人次|人日|人时|万元|亿元|元/生|元|人|个|项|门|家|分)(?![\u4e00-\u9fff])")


def english_references(text: object) -> str:
    """An English sentence made by the loaders or metrics, with the tables and units it names in English.

    ``表2-14 line 1256 says 3463 人`` → ``Table 2-14 line 1256 says 3463 people``. Quoted row labels
    and other data values stay as the report wrote them.
    """
    from viz.vocabulary import UNIT_NAMES_EN

    sentence = "" if text is None else str(text)
    sentence = _TABLE_IN_TEXT.sub(lambda m: table_name(m[0].replace(" ", ""), "en"), sentence)
    sentence = sentence.replace("合计行", "合计 row")  # 合计 is the report's own row label

    def unit(match: re.Match) -> str:
        times = "× " if match[2] in ("万元", "亿元") else ""  # 3,255.21 × 10,000 yuan
        return f"{match[1].rstrip()} {times}{UNIT_NAMES_EN.get(match[2], match[2])}"

    return _NUMBER_AND_UNIT.sub(unit, sentence)


#: The planners' time zone: times are stored in UTC and shown in Beijing time.
LOCAL_ZONE = "Asia/Shanghai"


def local_times(values: pd.Series) -> list[str]:
    """Stored UTC times (naive) as the planners' wall-clock time, ``2026-11-30 10:02`` ("—" when missing)."""
    stamps = pd.to_datetime(values, errors="coerce")
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize("UTC")
    local = stamps.dt.tz_convert(LOCAL_ZONE)
    return ["—" if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M") for v in local]


#: An indicator id in a reason (``response_rate``, also one word: ``apprentices``); only ids the names know
#: are replaced, so other English words stay.
_ID = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![A-Za-z0-9_])")


def named(text: str, names: dict[str, str]) -> str:
    """Indicator ids in a reason written as their names (``response_rate`` → 作答率), a name already
    quoted just before not said twice (「表中没有“作答率”列（response_rate）」 → 「表中没有“作答率”列」)."""
    text = _ID.sub(lambda m: names.get(m.group(0), m.group(0)), text)
    return re.sub(r"“([^”]+)”列[（(]\1[）)]", r"“\1”列", text)
