"""Named exceptions raised by the loaders.

Every message names the file, the place in it (line, table, sheet/cell or page), what was
expected and what was found, in Chinese first and English second, so that a page can show it
to a planner as it is and a log can be read by an engineer.
"""

from __future__ import annotations


class LoadError(Exception):
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
        self.zh = zh
        self.en = en
        super().__init__(self.message)

    def __reduce__(self) -> tuple:
        """Pickle by the four fields (a parsing process sends its errors back whole)."""
        return (type(self), (self.source, self.where, self.zh, self.en))

    @property
    def message(self) -> str:
        """Both languages on one line each: ``file, place: zh`` then ``file, place: en``."""
        place = f"{self.source}，{self.where}" if self.where else self.source
        place_en = f"{self.source}, {self.where}" if self.where else self.source
        return f"{place}：{self.zh}\n{place_en}: {self.en}"


class EncodingError(LoadError):
    """The file is binary or in an encoding the loaders cannot read."""


class FormatError(LoadError):
    """The file's format was not recognised or holds no recognisable table."""


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
