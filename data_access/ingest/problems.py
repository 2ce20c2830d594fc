"""What the pipeline says back to the clerk: one Problem per wrong cell, in the clerk's language."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import t

VALUE_SHOWN_CHARS = 100  # a longer value (a 200 KB cell) is shown cut, so a message stays one line



@dataclass(frozen=True)
class Problem:
    """One problem, located as the clerk sees it: `row` is the file's row number (CSV: the record
    number, header = row 1; XLSX: the sheet's row number), `column` the header as written in the
    file. File-level problems (empty file, missing columns) have row None."""

    row: int | None
    column: str | None
    value: str | None
    message: str
    key: str = ""  # the message key, stable across languages (for the UI and the tests)
    field: str | None = None  # the kind's field name, when the problem is about one field
    warning: bool = False

    def __post_init__(self):
        if isinstance(self.value, str) and len(self.value) > VALUE_SHOWN_CHARS:
            object.__setattr__(self, "value", self.value[:VALUE_SHOWN_CHARS] + "…")

    def describe(self, lang: str = "en") -> str:
        """One line: "row 5, column good_qty, value 'abc': not a number"."""
        parts = []
        if self.row is not None:
            parts.append(t("ingest.where.row", lang, row=self.row))
        if self.column is not None:
            parts.append(t("ingest.where.column", lang, column=self.column))
        if self.value is not None:
            parts.append(t("ingest.where.value", lang, value=self.value))
        prefix = t("ingest.where.sep", lang).join(parts)
        text = f"{prefix}{t('ingest.where.colon', lang)}{self.message}" if prefix else self.message
        return f"{t('ingest.warning_prefix', lang)}{text}" if self.warning else text

    def __str__(self) -> str:
        return self.describe("en")


class FileProblem(Exception):
    """The file as a whole cannot be used (empty, binary, too big, ...): one message, no rows."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def problem(self, lang: str) -> Problem:
        return Problem(None, None, None, t(self.key, lang, **self.params), key=self.key)
