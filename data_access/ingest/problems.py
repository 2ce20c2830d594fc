"""What the pipeline says back to the clerk: one Problem per wrong cell. data_access does not
translate (dashboard.i18n is a leaf it never imports): a problem carries a message key and its
parameters, and the dashboard renders it in the clerk's language (dashboard/ingest_messages.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

VALUE_SHOWN_CHARS = 100  # a longer value (a 200 KB cell) is shown cut, so a message stays one line


@dataclass(frozen=True)
class Label:
    """Text already written in both languages by a declaration (a kind's label, a rule's message)."""

    en: str
    zh: str


@dataclass(frozen=True)
class Msg:
    """A message not yet in a language: an i18n key and its parameters (a parameter may itself be
    a Msg or a Label, rendered in the same language); `then` are sentences appended after `sep`."""

    key: str
    params: dict = field(default_factory=dict)
    then: tuple = ()
    sep: str = ""


Text = Union[Msg, Label]


def kind_label(name: str) -> Label | str:
    """A kind's label in both languages (the table name for a table that is no kind)."""
    from data_access.kinds import KINDS

    kind = KINDS.get(name)
    return Label(kind.en, kind.zh) if kind is not None else name


def joined(labels: list, sep: str = " / ") -> Label:
    """Several labels (or plain names) as one, e.g. the kinds a reference may point at."""
    def pick(x, lang):
        return getattr(x, lang) if isinstance(x, Label) else str(x)
    return Label(sep.join(pick(x, "en") for x in labels), sep.join(pick(x, "zh") for x in labels))


@dataclass(frozen=True)
class Problem:
    """One problem, located as the clerk sees it: `row` is the file's row number (CSV: the record
    number, header = row 1; XLSX: the sheet's row number), `column` the header as written in the
    file. File-level problems (empty file, missing columns) have row None. `text` is the message
    (key and parameters); `key` names it stably across languages (for the UI and the tests)."""

    row: int | None
    column: str | None
    value: str | None
    text: Text
    key: str = ""
    field: str | None = None  # the kind's field name, when the problem is about one field
    warning: bool = False

    def __post_init__(self):
        if isinstance(self.value, str) and len(self.value) > VALUE_SHOWN_CHARS:
            object.__setattr__(self, "value", self.value[:VALUE_SHOWN_CHARS] + "…")
        if not self.key and isinstance(self.text, Msg):
            object.__setattr__(self, "key", self.text.key)


def problem(key: str, row: int | None = None, column: str | None = None, value: str | None = None, *,
            field: str | None = None, warning: bool = False, **params) -> Problem:
    """A Problem whose message is the i18n key `key` with `params`."""
    return Problem(row, column, value, Msg(key, params), key=key, field=field, warning=warning)


class FileProblem(Exception):
    """The file as a whole cannot be used (empty, binary, too big, ...): one message, no rows."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def problem(self) -> Problem:
        return Problem(None, None, None, Msg(self.key, self.params), key=self.key)
