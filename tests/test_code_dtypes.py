"""Codes (fields declared by `code()`: machine, product, order no, shift, ...) are pl.Categorical in every
kind frame the app reads (data_access.loaders.schema_of / conform), text in what a file, a form or the
editor holds (text_schema_of); the same text everywhere a user sees or downloads them (issue 15.2:
4 bytes a row rather than 16)."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl

from dashboard.facts import FrameFacts
from dashboard.ui.plain_text import spreadsheet_csv
from dashboard.ui.tables import without_gaps
from data_access.ingest.export import frame_bytes
from data_access.kinds import KINDS
from data_access.loaders import conform, schema_of, text_schema_of


def test_every_code_is_categorical_in_kind_frames_and_text_in_files():
    for name, kind in KINDS.items():
        frame_schema, text_schema = schema_of(name), text_schema_of(name)
        for f in kind.fields:
            assert text_schema[f.name] == f.field_type.polars, (name, f.name)
            if f.is_code:
                assert f.type == "str" and frame_schema[f.name] == pl.Categorical, (name, f.name)
            else:
                assert frame_schema[f.name] == text_schema[f.name], (name, f.name)
    # what joins the kinds is a code on both sides: each `ref` points at a code
    for name, kind in KINDS.items():
        for f in kind.fields:
            for table, column in f.ref_targets:
                assert f.is_code and KINDS[table].field(column).is_code, (name, f.name, table, column)


def test_conform_keeps_the_text_and_joins_across_kinds():
    machines = conform(pl.DataFrame({"machine_code": ["M-2", "M-1"], "line_code": ["L2", "L1"],
                                     "name": ["two", "one"]}), "machines")
    production = conform(pl.DataFrame({"date": ["2026-03-02"] * 3, "shift": ["A", "B", "A"],
                                       "machine_code": ["M-1", "M-2", "M-9"], "product_code": ["P", "P", "Q"],
                                       "good_qty": [5, 6, 7]}), "production")
    assert production.schema["machine_code"] == pl.Categorical and production.schema["shift"] == pl.Categorical
    assert production.get_column("machine_code").to_list() == ["M-1", "M-2", "M-9"]  # the text as written
    joined = production.join(machines.select("machine_code", "line_code"), on="machine_code", how="left")
    assert joined.select("machine_code", "line_code").rows() == [("M-1", "L1"), ("M-2", "L2"), ("M-9", None)]
    # codes sort as text (M-1 < M-2 < M-9), whatever order they were first seen in
    assert machines.sort("machine_code").get_column("machine_code").to_list() == ["M-1", "M-2"]
    assert production.get_column("date").to_list() == [date(2026, 3, 2)] * 3


def test_production_fact_carries_codes_as_categorical_with_the_masters_line():
    frames = {name: pl.DataFrame(schema=text_schema_of(name)).drop("id", "batch_id") for name in KINDS}
    frames["lines"] = pl.DataFrame({"line_code": ["L1"], "name": ["Line one"], "process": ["injection"]},
                                   schema_overrides={"process": pl.String})
    frames["machines"] = pl.DataFrame({"machine_code": ["M-1"], "line_code": ["L1"], "name": ["m"]})
    frames["production"] = pl.DataFrame({
        "date": [date(2026, 3, 2), date(2026, 3, 3)], "shift": ["A", "A"], "machine_code": ["M-1", "M-1"],
        "product_code": ["P-1", "P-2"], "planned_min": [420.0, 420.0], "downtime_min": [0.0, 0.0],
        "planned_qty": [10, 10], "total_qty": [10, 9], "good_qty": [9, 9], "defect_qty": [1, 0], "scrap_qty": [0, 0]})
    fact = FrameFacts(frames)["production"]
    for column in ("machine", "product", "line"):
        assert fact.schema[column] == pl.Categorical, column
    assert fact.select("machine", "product", "line").rows() == [("M-1", "P-1", "L1"), ("M-1", "P-2", "L1")]
    assert fact.get_column("good_qty").sum() == 18


def test_exports_write_a_code_as_its_text_and_neutralise_formulas():
    frame = pl.DataFrame({"machine": ["=SUM(A1)", "INJ-01", None], "qty": [1, 2, 3]},
                         schema_overrides={"machine": pl.Categorical})
    csv = frame_bytes(frame, "csv").decode("utf-8-sig").splitlines()
    assert csv == ["machine,qty", "'=SUM(A1),1", "INJ-01,2", ",3"]
    assert spreadsheet_csv(frame).decode("utf-8-sig").splitlines() == csv
    ws = openpyxl.load_workbook(io.BytesIO(frame_bytes(frame, "xlsx"))).active
    assert [c.value for c in ws["A"]] == ["machine", "'=SUM(A1)", "INJ-01", None]
    assert ws["A3"].data_type == "s"


def test_a_table_shows_a_code_as_text_and_a_gap_as_a_dash():
    shown = without_gaps(pl.DataFrame({"machine": ["INJ-01", None]}, schema_overrides={"machine": pl.Categorical}))
    assert shown.schema["machine"] == pl.String
    assert shown.get_column("machine").to_list() == ["INJ-01", "—"]


def test_every_dimension_breaks_down_every_kpi(sqlite_engine):
    """A dimension several facts share is one type in all of them (Categorical codes beside text would not
    join in a breakdown): every KPI by every dimension computes, and the breakdown of a sum adds up to the
    whole (good_qty by each dimension production has)."""
    from dashboard.facts import clear_cache, load_facts
    from dashboard.kpi.engine import Filters, compute
    from dashboard.kpi.registry import DIMENSIONS, KPIS
    from seed.demo import load_demo

    load_demo(sqlite_engine, "small", today=date(2026, 11, 20))
    clear_cache()
    facts = load_facts(sqlite_engine)
    period = Filters(date_from=date(2026, 9, 1), date_to=date(2026, 10, 31))
    whole = compute(["good_qty"], facts, [], period, today=date(2026, 11, 20)).item(0, "good_qty")
    assert whole > 0
    for dim in DIMENSIONS:
        table = compute(list(KPIS), facts, [dim], period, today=date(2026, 11, 20))
        assert table.height > 0, dim
        if dim in ("month", "week", "day", "line", "machine", "product", "shift"):
            assert table.get_column("good_qty").sum() == whole, dim
