"""What the pipeline says back to the clerk: one Problem per wrong cell. data_access does not
translate (dashboard.i18n is a leaf it never imports): a problem carries a message key and its
parameters, and the dashboard renders it in the clerk's language (dashboard/ingest_messages.py)."""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from itertools import repeat
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


@dataclass(frozen=True, slots=True)
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


_MANY = 10_000  # from this many problems on, problem_rows pauses the cyclic garbage collector
# The slots' descriptors, in Problem's field order (problem_rows sets the fields through them).
_SLOT_SETTERS = tuple(Problem.__dict__[name].__set__ for name in Problem.__dataclass_fields__)


def problem_rows(rows, values, column: str | None, text, key: str, *, field: str | None = None,
                 warning: bool = False) -> list[Problem]:
    """Problem(row, column, value, text, key=key, field=field, warning=warning) for each row and its
    value, `text` one message for all or a list of one per row: equal to the problems made one by one
    (a long value cut alike), made for a file warned on each of its 200,000 rows (issue 15 item 4)
    in a third of the time. The frozen dataclass's __init__ (seven object.__setattr__ each, through
    its __post_init__) is skipped: each field is set by its slot's own descriptor. And for many
    problems the cyclic garbage collector is paused meanwhile: these objects form no cycles, and its
    passes over the whole heap, set off by their allocation, took longer than making them."""
    texts = text if isinstance(text, list) else repeat(text)
    new, cut, out = object.__new__, VALUE_SHOWN_CHARS, []
    set_row, set_column, set_value, set_text, set_key, set_field, set_warning = _SLOT_SETTERS
    pause = len(rows) >= _MANY and gc.isenabled()
    if pause:
        gc.disable()
    try:
        for row, value, message in zip(rows, values, texts):
            if isinstance(value, str) and len(value) > cut:
                value = value[:cut] + "…"
            p = new(Problem)
            set_row(p, row)
            set_column(p, column)
            set_value(p, value)
            set_text(p, message)
            set_key(p, key or (message.key if isinstance(message, Msg) else ""))
            set_field(p, field)
            set_warning(p, warning)
            out.append(p)
    finally:
        if pause:
            gc.enable()
    return out


def problem_order(p: Problem) -> int:
    """The order problems are listed in: by row (file-level ones first), a row's errors before its
    warnings. An int, (row, warning) folded into one: as a tuple per problem it set off the garbage
    collector's passes over the heap, sorting 200,000 warnings."""
    return 2 * (p.row or 0) + p.warning


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
