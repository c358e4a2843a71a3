"""The closed vocabularies, declared once in ``data/specs/vocabulary.toml`` and imported everywhere.

Belongs here: the subject of the school being viewed (:data:`SCHOOL_SUBJECT` — "本校" names *the
school whose report it is*, never a particular school), the benchmark series of the graduate
survey in display order, and the attainment statuses with their names, meanings and colours.
The file is checked when read: a status or benchmark without its names fails loudly.
"""

from __future__ import annotations

import tomllib
from typing import Any

from loaders.contracts.paths import SPECS_DIR

VOCABULARY_TOML = SPECS_DIR / "vocabulary.toml"


def _read() -> dict[str, Any]:
    data = tomllib.loads(VOCABULARY_TOML.read_text(encoding="utf-8"))
    required = {
        "benchmark": ("subject", "zh", "en"),
        "status": ("id", "zh", "en", "help_zh", "help_en", "colour", "badge"),
    }
    for section, keys in required.items():
        for position, entry in enumerate(data[section], 1):
            missing = [key for key in keys if not str(entry.get(key, "")).strip()]
            if missing:
                raise ValueError(f"{VOCABULARY_TOML.name}: [[{section}]] #{position} lacks {', '.join(missing)}")
    for key in ("subject", "zh", "en"):
        if not str(data["school"].get(key, "")).strip():
            raise ValueError(f"{VOCABULARY_TOML.name}: [school] lacks {key}")
    return data


_DATA = _read()

#: The subject under which a report states its own school's figures.
SCHOOL_SUBJECT: str = _DATA["school"]["subject"]
#: The benchmark subjects of the graduate survey, in the order its tables print them.
BENCHMARK_SUBJECTS: tuple[str, ...] = tuple(entry["subject"] for entry in _DATA["benchmark"])
#: The benchmark a view compares with unless the reader chooses another.
DEFAULT_BENCHMARK: str = _DATA["default_benchmark"]
if DEFAULT_BENCHMARK not in BENCHMARK_SUBJECTS:
    raise ValueError(f"{VOCABULARY_TOML.name}: default_benchmark {DEFAULT_BENCHMARK!r} is not a [[benchmark]]")
#: The benchmarks as the interface offers them: the default first, then the others in table order.
BENCHMARK_CHOICES: tuple[str, ...] = (DEFAULT_BENCHMARK, *(s for s in BENCHMARK_SUBJECTS if s != DEFAULT_BENCHMARK))
#: Display names (``{"zh": …, "en": …}``) of the school's series and of each benchmark.
SUBJECT_NAMES: dict[str, dict[str, str]] = {
    SCHOOL_SUBJECT: {"zh": _DATA["school"]["zh"], "en": _DATA["school"]["en"]},
    **{entry["subject"]: {"zh": entry["zh"], "en": entry["en"]} for entry in _DATA["benchmark"]},
}
#: Benchmark display names only, in the order the interface offers them.
BENCHMARK_NAMES: dict[str, dict[str, str]] = {s: SUBJECT_NAMES[s] for s in BENCHMARK_CHOICES}
#: Attainment statuses, best first.
STATUSES: tuple[str, ...] = tuple(entry["id"] for entry in _DATA["status"])
#: Their names, meanings, chart colours and badge colours.
STATUS_NAMES: dict[str, dict[str, str]] = {e["id"]: {"zh": e["zh"], "en": e["en"]} for e in _DATA["status"]}
STATUS_HELP: dict[str, dict[str, str]] = {e["id"]: {"zh": e["help_zh"], "en": e["help_en"]} for e in _DATA["status"]}
STATUS_COLOURS: dict[str, str] = {e["id"]: e["colour"] for e in _DATA["status"]}
STATUS_BADGES: dict[str, str] = {e["id"]: e["badge"] for e in _DATA["status"]}
