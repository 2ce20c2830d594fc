"""What each field type means everywhere, in one record per type (docs/kinds.md "Field types").

A field declares its type by name (`Field("good_qty", "int", ...)`); everything that differs
between types is read from the type's FieldType here rather than from an `if f.type == ...`
chain in each layer: the column type of the table (data_access.models), the polars dtype of a
loaded frame (data_access.loaders), how a declaration's example becomes a value (templates,
tests), how SQLite keeps it as text (seed fast path), and which widget the entry form and the
editor show (dashboard.ui.record_form / editor read `widget`; Streamlit stays up there).
Adding a type is one entry in FIELD_TYPES plus its `ingest.type.<name>` label in en and zh.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

import polars as pl
import sqlalchemy as sa

# `Field` below is data_access.kinds.base.Field, named only in annotations: base imports this
# module, not the other way round (no import cycle).
TypeName = Literal["str", "int", "float", "date", "time", "datetime", "bool", "month", "enum"]

TRUE_WORDS = ("yes", "true", "1", "是")  # how a declaration's example writes a true boolean


def _bool_from_text(text: str) -> bool:
    return str(text).strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class FieldType:
    name: str
    polars: pl.DataType  # dtype of the column in a loaded frame
    sql: Callable[[Field], sa.types.TypeEngine]  # column type of the table (may read max_len, choices)
    from_text: Callable[[str], object]  # an example value as written in a declaration -> Python value
    widget: str  # entry form and editor: "choice", "checkbox", "whole", "number", "date", "time",
    #              "datetime", "month" or "text" (dashboard.ui maps each to a Streamlit widget)
    sqlite_text: str | None = None  # strftime format SQLite keeps the value in (stored as text)
    numeric: bool = False  # min / max bounds apply
    text: bool = False  # free text: max_len applies (and optional key text is stored as '')
    closed: bool = False  # only the declared choices are allowed (a CHECK ... IN constraint)

    def example(self, f: Field) -> object:
        """The declaration's example of field `f` as a Python value of this type (None if none)."""
        return None if f.example is None else self.from_text(f.example)


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("str", pl.String, lambda f: sa.String(f.max_len), str, "text", text=True),
    FieldType("int", pl.Int64, lambda f: sa.Integer(), int, "whole", numeric=True),
    FieldType("float", pl.Float64, lambda f: sa.Float(), float, "number", numeric=True),
    FieldType("date", pl.Date, lambda f: sa.Date(), date.fromisoformat, "date", sqlite_text="%Y-%m-%d"),
    FieldType("time", pl.Time, lambda f: sa.Time(), time.fromisoformat, "time", sqlite_text="%H:%M:%S%.6f"),
    FieldType("datetime", pl.Datetime("us"), lambda f: sa.DateTime(), datetime.fromisoformat, "datetime",
              sqlite_text="%Y-%m-%d %H:%M:%S%.6f"),
    FieldType("bool", pl.Boolean, lambda f: sa.Boolean(), _bool_from_text, "checkbox"),
    FieldType("month", pl.String, lambda f: sa.String(7), str, "month"),
    FieldType("enum", pl.String, lambda f: sa.String(max(len(c) for c in f.choices)), str, "choice", closed=True),
)}


def field_type(f: Field) -> FieldType:
    """The FieldType record of a field (a clear error for a type that is not declared here)."""
    try:
        return FIELD_TYPES[f.type]
    except KeyError:
        raise KeyError(f"field {f.name!r}: unknown type {f.type!r}; known: {', '.join(FIELD_TYPES)}") from None


__all__ = ["FIELD_TYPES", "FieldType", "TRUE_WORDS", "TypeName", "field_type"]
