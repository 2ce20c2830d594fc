"""The vocabulary every data kind is declared in (docs/kinds.md).

A kind is declared once; the table (data_access.models), the upload template, the
validator, the entry form, the CLI import and the docs are all derived from it.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import polars as pl

from data_access.kinds.field_types import FieldType, TypeName, field_type

DEPARTMENTS: dict[str, tuple[str, str]] = {
    # id: (English, Chinese)
    "production": ("Production", "生产部"),
    "warehouse": ("Warehouse / material control", "物控"),
    "quality": ("Quality", "品管部"),
    "sales": ("Sales", "营销部"),
    "customer_service": ("Customer service", "客服部"),
    "purchasing": ("Purchasing", "采购部"),
    "hr": ("HR / admin", "人事行政部"),
    "engineering": ("Engineering / R&D", "工程部"),
    "finance": ("Finance", "财务部"),
    "planning": ("Planning", "计划部"),
    "admin": ("Master data", "基础资料"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeName  # one of data_access.kinds.field_types.FIELD_TYPES
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    # Hard bounds: also CHECK constraints of the table (data_access.models).
    min: float | None = None
    max: float | None = None
    # Plausible bounds, checked by the validator only (a kind may change them without a
    # migration): a number larger in size than `plausible_max`, a date, date-time or month before
    # `earliest` or more than `years_ahead` years after today is refused as a typing error.
    plausible_max: float = 1e9
    earliest: str = "2000-01-01"
    years_ahead: int = 2
    choices: tuple[str, ...] = ()
    # Foreign key: "table" (its natural key column of the same name) or "table.column".
    # Several targets ("materials|products") mean "must exist in one of them" (checked in Python).
    ref: str | None = None
    max_len: int = 120
    help_en: str = ""
    help_zh: str = ""
    example: object = None
    # A code (machine, product, order no, shift, ...; `code()`): a kind frame keeps it as
    # pl.Categorical (4 bytes a row rather than a string's 16), the same dtype in every kind so that
    # joins between kinds and facts match; the table, the file and the form keep text (`polars`).
    is_code: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def field_type(self) -> FieldType:
        """What the declared type means in every layer (data_access.kinds.field_types)."""
        return field_type(self)

    @property
    def frame_dtype(self) -> pl.DataType:
        """The dtype of this column in a kind frame read for analysis (data_access.loaders.conform)."""
        return pl.Categorical if self.is_code else self.field_type.polars

    @property
    def ref_targets(self) -> list[tuple[str, str]]:
        if not self.ref:
            return []
        out = []
        for target in self.ref.split("|"):
            table, _, column = target.partition(".")
            out.append((table, column or self.name))
        return out

    def first_date(self) -> datetime.date:
        """The first plausible date of this field (`earliest`)."""
        return datetime.date.fromisoformat(self.earliest)

    def last_date(self, today: datetime.date | None = None) -> datetime.date:
        """The last plausible date of this field: `years_ahead` years after today."""
        today = today or datetime.date.today()
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:  # 29 February
            return today.replace(year=today.year + self.years_ahead, day=28)


@dataclass(frozen=True)
class Rule:
    """A cross-field rule. `check` is a polars expression that is true (or null) on valid rows;
    `sql` is the same rule as a CHECK constraint so that the database refuses it too."""

    id: str
    fields: tuple[str, ...]
    check: pl.Expr
    en: str
    zh: str
    sql: str | None = None
    warning: bool = False  # warnings are reported but do not reject the row

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Settles:
    """Rows that pay off a row of `target` (payments against invoices): the sum of `amount` over the
    rows matching on `on` (stored and new) may not exceed the target row's `target_amount`."""

    target: str
    on: tuple[str, ...]
    amount: str
    target_amount: str


@dataclass(frozen=True)
class Kind:
    name: str  # also the table name
    en: str
    zh: str
    department: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    master: bool = False
    # Composite foreign keys to another kind's natural key, e.g. shipments -> orders.
    composite_refs: tuple[tuple[tuple[str, ...], str], ...] = ()
    # Combinations that must exist in another kind without being its key (checked at import, no
    # foreign key), e.g. a work ticket's product must have a routing on its machine.
    must_exist_in: tuple[tuple[tuple[str, ...], str], ...] = ()
    settles: Settles | None = None
    # History that is only ever added to (wage rates): replacing or editing a stored row is refused.
    append_only: bool = False
    date_field: str | None = None  # the field that places a row in time (Home page, filters)
    # How often a department is expected to report it: "weekly" (a week without rows is a gap),
    # "monthly" (a complete month without rows is a gap) or "event" (rows only when something
    # happens — complaints, hires — so no period without rows counts as missing).
    cadence: str = "weekly"
    # Where the kind appears among its department's kinds (menus, docs); ties go by name.
    position: int = 0
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({f.name: f for f in self.fields})
        missing = [k for k in self.key if k not in self._by_name]
        assert not missing, f"{self.name}: key fields {missing} not declared"

    def field(self, name: str) -> Field:
        return self._by_name[name]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def normalise_header(text: str) -> str:
    """Case, spaces and punctuation are ignored when matching headers (docs/kinds.md)."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


# --- small helpers so that the declarations read like the spec -----------------------------
def qty(name: str, en: str, zh: str, *aliases: str, required: bool = True, integer: bool = True, **kw) -> Field:
    return Field(name, "int" if integer else "float", en, zh, aliases, required=required, min=0, **kw)


def code(name: str, en: str, zh: str, *aliases: str, ref: str | None = None, required: bool = True, **kw) -> Field:
    return Field(name, "str", en, zh, aliases, required=required, ref=ref, max_len=kw.pop("max_len", 40), is_code=True,
                 **kw)


def text(name: str, en: str, zh: str, *aliases: str, required: bool = True, max_len: int = 200, **kw) -> Field:
    return Field(name, "str", en, zh, aliases, required=required, max_len=max_len, **kw)


def enum(name: str, en: str, zh: str, choices: tuple[str, ...], *aliases: str, required: bool = True, **kw) -> Field:
    return Field(name, "enum", en, zh, aliases, required=required, choices=choices, **kw)


def day(name: str, en: str, zh: str, *aliases: str, required: bool = True, **kw) -> Field:
    return Field(name, "date", en, zh, aliases, required=required, **kw)


def not_after(later: str, earlier: str, en: str, zh: str) -> Rule:
    """`later` is empty or on/after `earlier` (end after start, closed after opened, ...)."""
    return Rule(
        f"{later}_after_{earlier}",
        (later, earlier),
        pl.col(later).is_null() | (pl.col(later) >= pl.col(earlier)),
        en,
        zh,
        sql=f'"{later}" IS NULL OR "{later}" >= "{earlier}"',
    )


def not_more(part: str, whole: str, en: str, zh: str) -> Rule:
    return Rule(
        f"{part}_le_{whole}",
        (part, whole),
        pl.col(part).is_null() | (pl.col(part) <= pl.col(whole)),
        en,
        zh,
        sql=f'"{part}" IS NULL OR "{part}" <= "{whole}"',
    )


def stores_empty_as_blank(kind: Kind, f: Field) -> bool:
    """An optional text field inside the natural key is stored as '' (not NULL) so that the
    unique key works the same on SQLite and PostgreSQL (NULLs are distinct in both)."""
    return not f.required and f.name in kind.key and f.field_type.text
