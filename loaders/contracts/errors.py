"""Named exceptions raised by the loaders.

Every message names the file, the place in it (line, table, sheet/cell or page), what was
expected and what was found, in Chinese first and English second, so that a page can show it
to a planner as it is and a log can be read by an engineer.
"""

from __future__ import annotations


class BilingualError(Exception):
    """Base of every error a planner may see: what went wrong in Chinese and in English.

    Pages show :meth:`text` in the reader's language; logs and the command line print
    :attr:`message` (Chinese line, then English line). Loaders, metrics, exports and the store all
    raise subclasses, so one ``except BilingualError`` shows any of them properly.

    Args:
        zh: What went wrong, in Chinese.
        en: The same, in English.
    """

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(self.message)

    def __reduce__(self) -> tuple:
        """Pickle by the two texts (a parsing process sends its errors back whole)."""
        return (type(self), (self.zh, self.en))

    def text(self, lang: str) -> str:
        """The message in one language (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en

    @property
    def message(self) -> str:
        """Both languages: the Chinese line, then the English line."""
        return f"{self.text('zh')}\n{self.text('en')}"


class LoadError(BilingualError):
    """A source file could not be loaded; nothing from it was written.

    Args:
        source: File name (not the full path) the problem is in.
        where: Place in the file, e.g. ``"第 1187 行"``/``"表2-15"``/``"Sheet 就业, B7"``; may be empty.
        zh: What went wrong, in Chinese.
        en: The same, in English.
    """

    def __init__(self, source: str, where: str, zh: str, en: str) -> None:
        self.source = source
        self.where = where
        super().__init__(zh, en)

    def __reduce__(self) -> tuple:
        """Pickle by the four fields (a parsing process sends its errors back whole)."""
        return (type(self), (self.source, self.where, self.zh, self.en))

    def text(self, lang: str) -> str:
        """``file, place: what`` in one language."""
        if lang == "zh":
            place = f"{self.source}，{self.where}" if self.where else self.source
            return f"{place}：{self.zh}"
        place = f"{self.source}, {self.where}" if self.where else self.source
        return f"{place}: {self.en}"


class EncodingError(LoadError):
    """The file is binary or in an encoding the loaders cannot read."""


class FormatError(LoadError):
    """The file's format was not recognised or holds no recognisable table."""


class SchoolUnknownError(FormatError):
    """The document does not say which school it is (a fragment that says only 我院): the school must be given."""


class YearUnknownError(FormatError):
    """The document does not say which year its data are for: the year must be given."""


class TableError(LoadError):
    """A table was found but its cells do not match its spec (missing rows, wrong cell count)."""


class ValueParseError(LoadError):
    """A cell that must hold a number holds something else."""


class StoreBusyError(LoadError):
    """Another write to the store was under way (or conflicted with this one); nothing was written.

    The message asks the user to retry; retrying is always safe because every write is one
    transaction.
    """


class ParseLimitError(LoadError):
    """Parsing a file went over a limit (wall time or memory) and was stopped; nothing was written."""


class StoreWriteError(LoadError):
    """The database refused a write (a value out of the column's range, a damaged or changed file).

    Nothing was written: the write was one transaction and has been rolled back.
    """


class StoreDamagedError(LoadError):
    """The store's file was changed or damaged by something other than this process's own writes.

    Nothing was written; the message says what was done about it (the file moved aside and the
    store rebuilt from ``data/`` and the kept uploads).
    """


class UnknownReportError(BilingualError, LookupError):
    """A report id was asked for that the store does not hold; the message lists those it does."""

    def __init__(self, report_id: str, known: list[str]) -> None:
        self.report_id = report_id
        self.known = list(known)
        super().__init__(
            f"数据库中没有报告“{report_id}”；现有：{'、'.join(known) or '（无）'}",
            f"no report '{report_id}' in the store; there are: {', '.join(known) or '(none)'}",
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.report_id, self.known))
