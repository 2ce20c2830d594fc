"""Filters that narrow each other (issue 20.5), declared once in dashboard.kpi.dimensions.

A hand-made plant: two lines, three machines, two products with one routing each
  INJ: INJ-01, INJ-02        DMC: DMC-01
  P-1001 routed on INJ-01    P-2002 routed on DMC-01
"""
from __future__ import annotations

from dataclasses import fields

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.kpi import Filters
from dashboard.kpi.dimensions import DIMENSION_LIST, FILTER_DIMENSIONS, allowed
from dashboard.kpi.registry import DIMENSIONS, GRAINS
from dashboard.ui.filters import DIMS, QUERY_NAMES
from data_access.db import write_transaction
from data_access.loaders import clear_cache
from data_access.store import insert_rows, new_batch
from tests.conftest import make_database, serving_database
from tests.support.examples import example_row, example_rows
from tests.test_analysis_pages import JANUARY, page_file

MACHINES = {"INJ-01": "INJ", "INJ-02": "INJ", "DMC-01": "DMC"}
ROUTINGS = {"P-1001": "INJ-01", "P-2002": "DMC-01"}


def frames() -> dict[str, pl.DataFrame]:
    return {"machines": pl.DataFrame({"machine_code": list(MACHINES), "line_code": list(MACHINES.values())}),
            "routings": pl.DataFrame({"product": list(ROUTINGS), "machine": list(ROUTINGS.values())})}


def test_everything_else_is_derived_from_the_declarations():
    names = [d.name for d in DIMENSION_LIST]
    assert [f.name for f in fields(Filters)] == ["date_from", "date_to", *names]
    assert DIMENSIONS == GRAINS + FILTER_DIMENSIONS == GRAINS + tuple(names)
    assert set(DIMS) == {d.name for d in DIMENSION_LIST if d.picker}
    assert QUERY_NAMES["abc_class"] == "abc" and QUERY_NAMES["machine"] == "machine"


def test_every_fact_dimension_is_declared_and_production_pages_pick_its_own():
    from dashboard.kpi.facts import FACTS
    from dashboard.ui.analysis import PRODUCTION_DIMS

    declared = {d.name for d in DIMENSION_LIST}
    undeclared = {(f.name, d) for f in FACTS.values() for d in f.dims if d != "date" and d not in declared}
    assert not undeclared
    assert PRODUCTION_DIMS == ("line", "machine", "product", "shift")


def test_allowed_members_from_parent_and_routings():
    f = frames()
    assert allowed(f, "machine", {}) is None                          # nothing narrows: all offered
    assert allowed(f, "machine", {"line": ("INJ",)}) == {"INJ-01", "INJ-02"}
    assert allowed(f, "machine", {"line": ("INJ", "DMC")}) == set(MACHINES)
    assert allowed(f, "machine", {"product": ("P-2002",)}) == {"DMC-01"}
    assert allowed(f, "machine", {"line": ("INJ",), "product": ("P-2002",)}) == set()  # both apply
    assert allowed(f, "line", {"machine": ("DMC-01",)}) is None       # a child does not narrow its parent


@pytest.fixture(scope="module")
def plant_db(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("narrow"))
    rows = example_rows()
    rows["lines"] = [example_row("lines"), {**example_row("lines"), "line_code": "DMC", "name": "DMC molding"}]
    rows["machines"] = [{**example_row("machines"), "machine_code": m, "line_code": line} for m, line in MACHINES.items()]
    rows["products"] = [example_row("products"), {**example_row("products"), "product_code": "P-2002"}]
    rows["routings"] = [{**example_row("routings"), "product_code": p, "machine_code": m} for p, m in ROUTINGS.items()]
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, kind_rows in rows.items():
            insert_rows(conn, name, kind_rows, batch)
    with serving_database(engine):
        yield engine
    drop()


def run(query: dict) -> AppTest:
    at = AppTest.from_file(page_file("throughput"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def offered(at: AppTest, dim: str) -> list[str]:
    """The codes a picker offers (its options read "code · name")."""
    return [o.split(" · ")[0] for o in at.multiselect(key=f"flt_{dim}").options]


def test_line_narrows_the_machine_picker(plant_db):
    at = run(JANUARY)
    assert offered(at, "machine") == ["DMC-01", "INJ-01", "INJ-02"]
    at.multiselect(key="flt_line").set_value(["INJ"]).run()
    assert not at.exception
    assert offered(at, "machine") == ["INJ-01", "INJ-02"]
    at.multiselect(key="flt_line").set_value(["DMC"]).run()
    assert offered(at, "machine") == ["DMC-01"]


def test_product_narrows_the_machines_to_its_routings(plant_db):
    at = run({**JANUARY, "product": "P-2002"})
    assert offered(at, "machine") == ["DMC-01"]


def test_a_stale_machine_is_dropped_with_a_note(plant_db):
    at = run({**JANUARY, "machine": "DMC-01"})
    assert at.multiselect(key="flt_machine").value == ["DMC-01"]
    at.multiselect(key="flt_line").set_value(["INJ"]).run()
    assert not at.exception
    assert at.multiselect(key="flt_machine").value == []
    assert any("DMC-01" in i.value and "other filters rule them out" in i.value for i in at.info)
    assert at.query_params["line"] == "INJ" and "machine" not in at.query_params


def test_the_url_restores_a_consistent_choice_and_drops_a_stale_one(plant_db):
    at = run({**JANUARY, "line": "INJ", "machine": "INJ-02"})
    assert at.multiselect(key="flt_line").value == ["INJ"]
    assert at.multiselect(key="flt_machine").value == ["INJ-02"]
    assert not any("INJ-02" in i.value for i in at.info)
    stale = run({**JANUARY, "line": "INJ", "machine": "DMC-01"})
    assert stale.multiselect(key="flt_machine").value == []
    assert any("DMC-01" in i.value for i in stale.info)
