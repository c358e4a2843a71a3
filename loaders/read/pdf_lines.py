"""From a PDF page's characters to lines of text: words, lines, borderless table rows, wrapped headers.

Belongs here: the geometry :mod:`loaders.read.pdf` applies to the characters PDFium gives (text, box)
once ruled tables are cut out — grouping characters into words and lines by position, joining a
row label wrapped above and below its numbers (a vertically centred cell) to its row, and rebuilding
a header whose cells wrap over several lines column by column. Pure functions over tuples; nothing
here opens a PDF.
"""

from __future__ import annotations

import re

# Characters whose tops differ by at most this (points) are on one line; a gap wider than
# X_TOLERANCE between two characters with no space character between them separates words.
Y_TOLERANCE = 3.0
X_TOLERANCE = 3.0
# A wrapped part of a table cell's label is at most this many characters (a longer line is a sentence).
MAX_FRAGMENT = 15
NUMERIC_WORD_RE = re.compile(r"^[\d.,]+(?:%|％|:1)?\u2063?$")
DASH_CELLS = frozenset({"—", "——", "-", "--", "–", "/"})
CAPTION_START_RE = re.compile(r"^(?:附\s*)?表\s*\d")

Word = tuple[str, float, float, float, float]  # text, x0, x1, top, bottom


def group_lines(chars: list[tuple[str, float, float, float, float]]) -> list[tuple[float, str]]:
    """Characters into ``(top, text)`` lines: same top within a tolerance; words split by spaces or gaps."""
    return [(line[0][3], " ".join(w[0] for w in line)) for line in group_words(chars) if line]


# Digit continuity: two runs of digits set apart by a gap (no space character between them) narrower
# than this share of the line's height are one number — unless the header's columns prove them two
# cells. Without a header to prove either, they are read as one number and marked with DOUBT_MARK.
JOIN_GAP_SHARE = 0.6
#: Put where a number's digits were split by a gap the table proves to be a column gap (two cells)…
SPLIT_MARK = "\u2060"
#: … and where no proof either way was found. :func:`loaders.read.pdf.resolve_marks` decides each mark
#: by the cells the neighbouring rows have (the table's column count), else by the proof, and
#: holds back a number joined without proof.
DOUBT_MARK = "\u2063"
MARKS = SPLIT_MARK + DOUBT_MARK
# A number, or the start of one (a join may go on: 98 · . · 06)
_NUMBER_TEXT_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})*,?|\d+)(?:\.\d*)?(?:%|％|:1)?$")
_FRAGMENT_RE = re.compile(r"^[\d.,]+(?:%|％|:1)?$")
_YEAR_WORD_RE = re.compile(r"^(?:19|20)\d{2}(?:年|届|学年)?$")


def group_words(chars: list[tuple[str, float, float, float, float]]) -> list[list[Word]]:
    """Characters into lines of words, top to bottom; each word with its box."""
    return group_words_spaced(chars)[0]


def group_words_spaced(
    chars: list[tuple[str, float, float, float, float]],
) -> tuple[list[list[Word]], set[tuple[float, float]]]:
    """:func:`group_words`, and the ``(x0, top)`` of every word a space character came before (a
    word split from the previous one only by a gap has none: see :func:`join_digit_gaps`)."""
    lines: list[list[tuple[str, float, float, float, float]]] = []
    current: list[tuple[str, float, float, float, float]] = []
    for char in sorted(chars, key=lambda c: c[3]):
        if current and char[3] - current[0][3] > Y_TOLERANCE:
            lines.append(current)
            current = []
        current.append(char)
    if current:
        lines.append(current)
    out = []
    spaced: set[tuple[float, float]] = set()
    for line in lines:
        words: list[Word] = []
        text, x0, x1 = "", 0.0, 0.0
        top = min(c[3] for c in line)
        bottom = max(c[4] for c in line)
        gap = False
        for char in sorted(line, key=lambda c: c[1]):
            if not char[0].strip():
                gap = True
                continue
            if text and (gap or char[1] > x1 + X_TOLERANCE):
                words.append((text, x0, x1, top, bottom))
                text = ""
                if gap:
                    spaced.add((char[1], top))
            if not text:
                x0 = char[1]
            text += char[0]
            x1 = char[2]
            gap = False
        if text:
            words.append((text, x0, x1, top, bottom))
        if words:
            out.append(words)
    return out, spaced


def join_digit_gaps(lines: list[list[Word]], spaced: set[tuple[float, float]]) -> list[list[Word]]:
    """Digit continuity: runs of digits split only by a narrow gap (:data:`JOIN_GAP_SHARE`, no space
    character between them) are one number unless the table's columns prove two cells.

    Proof comes from the table itself — the other rows of the same table (consecutive rows below
    one header) and its header:

    * one number: another row has a figure that spans the gap (the gap lies inside a column);
    * two cells: another row has a figure that starts where the second run starts or ends where
      the first ends (a column edge), or the header puts the two runs under two of its cells.

    Without proof either way (or with proof both ways) the runs are joined and the number is
    marked with :data:`DOUBT_MARK`: the figure read from it is held back.

    Args:
        lines: A page's lines of words (label fragments already joined by :func:`mend_borderless`).
        spaced: ``(x0, top)`` of the words a space character came before: never joined.
    """
    kinds: list[str] = []
    headers: list[list[tuple[float, float]] | None] = []
    header: list[tuple[float, float]] | None = None
    block: list[Word] = []
    for words in lines:
        if not words:
            kinds.append("empty")
        elif any(len(w[0]) > MAX_FRAGMENT for w in words) and (
            number_run(words) == len(words) or len(words) - number_run(words) > 6
        ):
            kinds.append("text")
            header, block = None, []  # running text ends a table (a long label before figures does not)
        elif _is_header_line(words):
            kinds.append("header")
            block.extend(words)
            header = _columns(block)
        else:
            kinds.append("row")
            block = []  # a row: the next header line starts a new header
        headers.append(header)
    out = list(lines)
    index = 0
    while index < len(lines):
        if kinds[index] != "row":
            index += 1
            continue
        end = index
        while end < len(lines) and kinds[end] == "row":
            end += 1
        rows = list(range(index, end))
        for row in rows:
            others = [w for other in rows if other != row for w in lines[other] if _FRAGMENT_RE.match(w[0])]
            out[row] = _join_line(lines[row], spaced, headers[row], others)
        index = end
    return out


def _is_header_line(words: list[Word]) -> bool:
    """Short cells without figures (years as column names allowed)."""
    figures = [w for w in words if _FRAGMENT_RE.match(w[0])]
    return all(_YEAR_WORD_RE.match(w[0]) for w in figures)


def _columns(block: list[Word]) -> list[tuple[float, float]]:
    """Header words grouped into columns by horizontal overlap: each column's ``(x0, x1)``."""
    columns: list[list[float]] = []
    for word in sorted(block, key=lambda w: w[1]):
        for column in columns:
            if word[1] < column[1] - 1 and word[2] > column[0] + 1:
                column[0], column[1] = min(column[0], word[1]), max(column[1], word[2])
                break
        else:
            columns.append([word[1], word[2]])
    return [(x0, x1) for x0, x1 in columns]


_EDGE = 1.0  # points: two edges this close are one column edge


def _join_line(
    words: list[Word],
    spaced: set[tuple[float, float]],
    header: list[tuple[float, float]] | None,
    others: list[Word],
) -> list[Word]:
    out: list[Word] = [words[0]]
    for word in words[1:]:
        last = out[-1]
        height = max(last[4] - last[3], word[4] - word[3], 1.0)
        if (
            (word[1], word[3]) in spaced
            or word[1] - last[2] > JOIN_GAP_SHARE * height
            or not _FRAGMENT_RE.match(last[0].translate(_NO_MARKS))
            or not _FRAGMENT_RE.match(word[0])
            or not _NUMBER_TEXT_RE.match(last[0].translate(_NO_MARKS) + word[0])
        ):
            out.append(word)
            continue
        middle = (last[2] + word[1]) / 2
        one = any(o[1] < middle < o[2] for o in others)
        two = any(abs(o[1] - word[1]) <= _EDGE or abs(o[2] - last[2]) <= _EDGE for o in others) or (
            header is not None and len(header) >= 2 and _two_header_cells(last, word, header)
        )
        mark = "" if one and not two else SPLIT_MARK if two and not one else DOUBT_MARK
        out[-1] = (last[0] + mark + word[0], last[1], word[2], min(last[3], word[3]), max(last[4], word[4]))
    return out


_NO_MARKS = str.maketrans("", "", MARKS)


def _two_header_cells(first: Word, second: Word, header: list[tuple[float, float]]) -> bool:
    """Whether the two runs each overlap a header cell, and not the same one."""

    def cell(word: Word) -> int | None:
        overlaps = [min(word[2], x1) - max(word[1], x0) for x0, x1 in header]
        best = max(range(len(header)), key=lambda i: overlaps[i])
        return best if overlaps[best] > 0 else None

    a, b = cell(first), cell(second)
    return a is not None and b is not None and a != b


def numeric_word(word: Word) -> bool:
    return bool(NUMERIC_WORD_RE.match(word[0]))


def number_run(line: list[Word]) -> int:
    """Where a line's trailing cells (numbers, and dashes for empty cells) start; ``len(line)`` when
    the line ends in text or its trailing cells hold no number at all."""
    run = len(line)
    while run > 0 and (numeric_word(line[run - 1]) or line[run - 1][0] in DASH_CELLS):
        run -= 1
    return run if any(numeric_word(w) for w in line[run:]) else len(line)


def mend_borderless(lines: list[list[Word]]) -> list[list[Word]]:
    """Join what a borderless table split over lines (see the module docstring).

    A line of label text only (no numbers), lying left of a row's first number and within about a
    line's height of it, is a wrapped part of that row's label (the cell is taller than the row's
    numbers): it is joined to the nearest such row, above it as a prefix or below as a suffix.
    """
    lines = join_header_blocks(lines)
    first_number: list[float | None] = []
    for line in lines:
        run = number_run(line)
        # a table row: two cells or more, or one after a short label (not a sentence ending in a figure)
        row = run < len(line) and (len(line) - run >= 2 or sum(len(w[0]) for w in line[:run]) <= MAX_FRAGMENT)
        first_number.append(line[run][1] if row else None)
    label_only = [
        number is None and number_run(line) == len(line) and sum(len(w[0]) for w in line) <= MAX_FRAGMENT
        for number, line in zip(first_number, lines, strict=True)
    ]
    attach: dict[int, int] = {}

    def fragment(i: int, j: int) -> float | None:
        """Distance (in line heights) from label fragment ``i`` to row ``j``, when ``i`` can be one."""
        if not 0 <= i < len(lines) or not label_only[i] or i in attach or first_number[j] is None:
            return None
        if lines[i][-1][2] >= first_number[j]:
            return None  # reaches into the numbers: a sentence or a header, not a label fragment
        height = max(w[4] - w[3] for w in lines[j])
        return abs(lines[i][0][3] - lines[j][0][3]) / height

    for j in range(len(lines)):
        if first_number[j] is None:
            continue
        # A cell centred on its row: its label lines sit in pairs at equal distances above and below
        # the numbers (half a line for two lines, one line for three …). Text that merely flows (one
        # short line at a full line's distance, on one side) is not a cell.
        has_label = number_run(lines[j]) > 0
        previous = 0.0
        for k in range(1, 4):
            above, below = fragment(j - k, j), fragment(j + k, j)
            if above is None or below is None or abs(above - below) > 0.3:
                break
            limit = (1.8 if has_label else 0.9) if k == 1 else previous + 1.8
            if max(above, below) > limit:
                break
            attach[j - k] = attach[j + k] = j
            previous = max(above, below)
        else:
            continue
        if k == 1:  # no pair: one fragment half a line away (the other half of a two-line label)
            above, below = fragment(j - 1, j), fragment(j + 1, j)
            if above is not None and above <= 0.9 and not has_label:
                attach[j - 1] = j
            elif below is not None and below <= 0.9:
                attach[j + 1] = j
    if not attach:
        return lines
    out: list[list[Word]] = []
    for j, line in enumerate(lines):
        if j in attach:
            continue
        parts_above = [lines[i] for i in sorted(attach) if attach[i] == j and i < j]
        parts_below = [lines[i] for i in sorted(attach) if attach[i] == j and i > j]
        if not parts_above and not parts_below:
            out.append(line)
            continue
        run = number_run(line)
        label = "".join(w[0] for part in parts_above for w in part) + "".join(w[0] for w in line[:run])
        label += "".join(w[0] for part in parts_below for w in part)
        x0 = min(w[1] for part in [*parts_above, *parts_below, line] for w in part)
        out.append([(label, x0, line[run][1] - 1, line[0][3], line[0][4]), *line[run:]])
    return out


def join_header_blocks(lines: list[list[Word]]) -> list[list[Word]]:
    """Header lines that wrap — a compact block of lines without numbers right above a table's first
    row, after a caption or at the top of a page — are rebuilt into one line, column by column from
    the words' positions (each column's words top to bottom)."""
    out: list[list[Word]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if number_run(line) < len(line):  # a row: is there a wrapped header block right above it?
            height = max(w[4] - w[3] for w in line)
            start = len(out)
            while start > 0 and number_run(out[start - 1]) == len(out[start - 1]):
                above, below = out[start - 1], out[start] if start < len(out) else line
                if CAPTION_START_RE.match(" ".join(w[0] for w in above)):
                    break
                if below[0][3] - above[0][4] >= height * 0.8:
                    break
                start -= 1
            block = out[start:]
            opens = start == 0 or CAPTION_START_RE.match(" ".join(w[0] for w in out[start - 1]))
            if start > 0 and not opens:
                gap = block[0][0][3] - out[start - 1][0][4] if block else 0.0
                opens = gap >= height * 1.5  # the top of a page, below a running title
            merged = rebuild_header(block) if opens and len(block) >= 2 else None
            if merged is not None:
                del out[start:]
                out.append(merged)
        out.append(line)
        index += 1
    return out


def rebuild_header(block: list[list[Word]]) -> list[Word] | None:
    """One header line from wrapped header lines, or None when they do not look like table columns."""
    if len({round(part[0][1]) for part in block}) == 1:
        return None  # a flowing layout (every line at the margin) is left as it is
    columns: list[list[Word]] = []
    for word in sorted((w for part in block for w in part), key=lambda w: w[1]):
        for column in columns:
            if word[1] < max(w[2] for w in column) - 1 and word[2] > min(w[1] for w in column) + 1:
                column.append(word)
                break
        else:
            columns.append([word])
    # a header of wrapped cells has at most one word of each line in a column
    if len(columns) < 2 or any(len({w[3] for w in column}) < len(column) for column in columns):
        return None
    merged = []
    for column in sorted(columns, key=lambda c: min(w[1] for w in c)):
        ordered = sorted(column, key=lambda w: (w[3], w[1]))
        text = join_wrapped("\n".join(w[0] for w in ordered))
        merged.append((text, min(w[1] for w in column), max(w[2] for w in column), block[0][0][3], block[-1][0][4]))
    return merged


def join_wrapped(cell: str) -> str:
    """Join a cell's wrapped lines: no space between Chinese characters, one space otherwise."""
    parts = [" ".join(part.split()) for part in cell.splitlines()]
    parts = [part for part in parts if part]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        glue = "" if not joined[-1].isascii() or not part[0].isascii() else " "
        joined += glue + part
    return joined
