"""Every dimension of the facts, declared once (docs/architecture.md "Adding a dimension").

A dimension is a column of the facts that declare it in `dims=` (dashboard/kpi/facts.py). Its
declaration says where its members come from and how the rest of the app uses it; derived from it:
the engine's `Filters` fields, `registry.DIMENSIONS` (the `plantkpi kpi --by` choices), the filter
bar's pickers and URL names (dashboard/ui/filters.py) and the display names (dashboard/ui/names.py).
Pure: no Streamlit, no database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Dimension:
    name: str
    master: str | None = None       # the master fact whose rows are the members (lines, machines, ...)
    code: str | None = None         # the master's code column
    # Display names (dashboard/ui/names.py reads only these): a master's members are named by its name
    # column ("name" with "name_en", localized by dashboard.i18n.master_names; "name_{lang}": one column per
    # language; None: the code is the name, as machine codes are what the floor says) ...
    name_column: str | None = "name"
    code_in_name: bool = True       # ... shown as "code name" (P-1001 外壳) or the name alone (reasons)
    labels: tuple[str, ...] = ()    # code label groups naming the members (dashboard.i18n.codes), later ones win
    named_by_code: bool = False     # no master, no labels: the code is what people say (shifts, salespeople)
    parent: str | None = None       # a coarser dimension every member belongs to (machine -> line) ...
    parent_column: str | None = None  # ... named by this column of the master
    picker: bool = False            # offered in the analysis filter bar
    query: str | None = None        # its name in the URL query string (default: the dimension's name)
    choices: tuple[str, ...] = ()   # fixed members (ABC class)
    observed: tuple[str, str] | None = None  # members are the values seen in (fact, column) (shifts)
    # Other dimensions a choice of this one narrows, through a link fact holding both columns:
    # a product narrows the machines to those with a routing for it.
    narrows: tuple[tuple[str, str, str], ...] = ()  # ((dimension narrowed, link fact, own column in it), ...)

    def __post_init__(self):
        if not (self.master or self.labels or self.named_by_code):
            raise ValueError(f"dimension {self.name!r} has no source of display names: give it a master, "
                             "labels or named_by_code=True")

    @property
    def label_key(self) -> str:
        return f"analysis.dim.{self.name}"

    @property
    def query_name(self) -> str:
        return self.query or self.name


DIMENSION_LIST: tuple[Dimension, ...] = (
    Dimension("line", "lines", "line_code", picker=True),
    Dimension("machine", "machines", "machine_code", name_column=None, parent="line", parent_column="line_code",
              picker=True),
    Dimension("product", "products", "product_code", picker=True, narrows=(("machine", "routings", "product"),)),
    Dimension("shift", picker=True, observed=("production", "shift"), named_by_code=True),
    Dimension("customer", "customers", "customer_code", picker=True),
    Dimension("abc_class", picker=True, query="abc", choices=("A", "B", "C"), labels=("abc_class",)),
    Dimension("reason", "reasons", "reason_code", name_column="name_{lang}", code_in_name=False),
    Dimension("stage", labels=("inspection_stage", "product_stage")),  # inspections' and projects' stages
    Dimension("supplier", "suppliers", "supplier_code"),
    Dimension("department", labels=("reporting_department",)),
    # downtime categories and the OEE waterfall's own steps (reasons.category wins on "speed"); costs' categories
    Dimension("category", labels=("loss_step", "cost_category", "loss_category")),
    Dimension("material", "materials", "material_code"),
    Dimension("salesperson", named_by_code=True),
    Dimension("employee", named_by_code=True),
)
DIMENSION_BY_NAME: dict[str, Dimension] = {d.name: d for d in DIMENSION_LIST}
FILTER_DIMENSIONS: tuple[str, ...] = tuple(d.name for d in DIMENSION_LIST)  # the engine's Filters fields
# The filter bar's pickers in the order they are drawn (line before machine: a parent before its children).
PICKER_DIMENSIONS: tuple[str, ...] = ("line", "machine", "product", "customer", "abc_class", "shift")
assert set(PICKER_DIMENSIONS) == {d.name for d in DIMENSION_LIST if d.picker}


def members(facts: Mapping[str, pl.DataFrame], dim: str) -> list[str]:
    """The codes a picker offers (master rows, fixed choices or the observed values), sorted."""
    d = DIMENSION_BY_NAME[dim]
    if d.choices:
        return list(d.choices)
    if d.observed:
        fact, column = d.observed
        return facts[fact].get_column(column).unique().drop_nulls().sort().to_list()
    if d.master:
        return sorted(facts[d.master].get_column(d.code).drop_nulls().unique().to_list())
    return []


def allowed(facts: Mapping[str, pl.DataFrame], dim: str, chosen: Mapping[str, tuple[str, ...]]) -> set[str] | None:
    """The members of `dim` compatible with the other choices (machines of the chosen lines, machines
    with a routing for a chosen product), or None when no choice narrows it."""
    d = DIMENSION_BY_NAME[dim]
    out: set[str] | None = None
    if d.parent and chosen.get(d.parent):
        rows = facts[d.master].filter(pl.col(d.parent_column).is_in(list(chosen[d.parent])))
        out = set(rows.get_column(d.code).to_list())
    for other in DIMENSION_LIST:
        for narrowed, link, own in other.narrows:
            if narrowed != dim or not chosen.get(other.name) or link not in facts:
                continue
            rows = facts[link].filter(pl.col(own).is_in(list(chosen[other.name])))
            linked = set(rows.get_column(dim).drop_nulls().to_list())
            out = linked if out is None else out & linked
    return out


__all__ = ["DIMENSION_BY_NAME", "DIMENSION_LIST", "Dimension", "FILTER_DIMENSIONS", "PICKER_DIMENSIONS", "allowed",
           "members"]
