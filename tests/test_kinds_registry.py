"""How the kinds are found and ordered (data_access.kinds) and what a field type means
(data_access.kinds.field_types), without a database."""
from __future__ import annotations

import typing
from datetime import date, datetime, time
from pathlib import Path

import polars as pl
import pytest

from data_access.kinds import KINDS, MASTER_KINDS, in_dependency_order, kinds_of, references
from data_access.kinds.base import Field, Kind, code
from data_access.kinds.field_types import FIELD_TYPES, TypeName, field_type

KINDS_DIR = Path(__file__).resolve().parent.parent / "data_access" / "kinds"


def test_every_declaration_file_is_a_kind_and_nothing_else():
    files = {p.stem for p in KINDS_DIR.glob("*.py")} - {"__init__", "base", "field_types"}
    assert set(KINDS) == files
    assert len(files) == 33  # + scorecard (issue 18)


def test_every_kind_comes_after_the_kinds_it_references():
    order = list(KINDS)
    for name, kind in KINDS.items():
        for target in references(kind):
            assert order.index(target) < order.index(name), (name, target)
    # hand-checked: shipments point at orders, receipts at purchase orders, both come later
    assert order.index("orders") < order.index("shipments")
    assert order.index("purchase_orders") < order.index("receipts")
    assert order[:len(MASTER_KINDS)] == [k.name for k in MASTER_KINDS]  # masters first


def test_menu_order_within_a_department_is_kept():
    """The order the input pages show (the first is the default): the main report first."""
    assert [k.name for k in kinds_of("production")] == ["production", "scrap", "downtime", "work_tickets"]
    assert [k.name for k in kinds_of("admin")][:3] == ["lines", "machines", "products"]


def _kind(name: str, *refs: str, position: int = 0) -> Kind:
    fields = [code("code", "Code", "代码")] + [code(f"{r}_code", r, r, ref=f"{r}.code") for r in refs]
    return Kind(name, name, name, "quality", fields=tuple(fields), key=("code",), position=position)


def test_a_kind_referencing_one_named_later_still_comes_after_it():
    """Alphabetically 'alpha' < 'beta', but alpha references beta: beta first. 'gamma' references
    nothing and keeps its place by name."""
    ordered = [k.name for k in in_dependency_order([_kind("gamma"), _kind("alpha", "beta"), _kind("beta")])]
    assert ordered == ["beta", "alpha", "gamma"]


def test_a_reference_cycle_is_refused_with_the_kinds_named():
    with pytest.raises(ValueError, match="cycle: .*a.*b"):
        in_dependency_order([_kind("a", "b"), _kind("b", "a")])


def test_the_type_names_a_field_may_declare_are_the_field_types():
    assert set(typing.get_args(TypeName)) == set(FIELD_TYPES)
    assert {f.type for k in KINDS.values() for f in k.fields} <= set(FIELD_TYPES)


@pytest.mark.parametrize("type_name,text,value", [
    ("date", "2026-01-05", date(2026, 1, 5)),
    ("datetime", "2026-01-05 08:30", datetime(2026, 1, 5, 8, 30)),
    ("time", "09:30", time(9, 30)),
    ("int", "12", 12),
    ("float", "2.5", 2.5),
    ("bool", "是", True),
    ("bool", "yes", True),
    ("bool", "no", False),
    ("month", "2026-01", "2026-01"),
])
def test_an_example_as_a_clerk_writes_it_becomes_a_value_of_its_type(type_name, text, value):
    f = Field("x", type_name, "X", "X", example=text)
    assert f.field_type.example(f) == value


def test_what_each_type_means_where_it_differs():
    assert FIELD_TYPES["int"].polars == pl.Int64 and FIELD_TYPES["datetime"].polars == pl.Datetime("us")
    assert FIELD_TYPES["str"].sql(Field("x", "str", "X", "X", max_len=40)).length == 40
    assert FIELD_TYPES["enum"].sql(Field("x", "enum", "X", "X", choices=("a", "hold"))).length == 4  # longest choice
    assert [t.name for t in FIELD_TYPES.values() if t.numeric] == ["int", "float"]
    assert [t.name for t in FIELD_TYPES.values() if t.closed] == ["enum"]


def test_an_undeclared_type_is_named_in_the_error():
    with pytest.raises(KeyError, match="'money'.*known: str, int"):
        field_type(Field("price", "money", "Price", "价格"))
