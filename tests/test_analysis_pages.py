"""AppTest of the eight analysis pages on a small known dataset: the tiles show the numbers
computed by hand below; the filter bar and the URL agree; an empty database raises nothing.

The dataset is the one example row of every kind (tests/support/examples.py, January 2026) plus
one more production shift:
  5 Jan A INJ-01 P-1001: planned 420 min, downtime 35, planned 1000, total 980, good 950, defect 20, scrap 10, 8 h
  6 Jan B INJ-01 P-1001: planned 420 min, downtime 0,  planned 1000, total 1000, good 970, defect 10, scrap 20, 8 h
  routing P-1001 on INJ-01: ideal cycle 24 s; standard cost 2.35; one 25-min setup stop (DT-MOLD)
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import write_transaction
from data_access.loaders import clear_cache
from data_access.store import insert_rows, new_batch
from tests.conftest import make_database, serving_database
from tests.support.examples import example_row, example_rows

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ("throughput", "quality", "delivery", "customer", "equipment", "materials", "purchasing", "people")
JANUARY = {"period": "custom", "from": "2026-01-01", "to": "2026-01-31", "grain": "day"}


def page_file(name: str) -> str:
    return str(ROOT / "pages" / f"analysis_{name}.py")


@pytest.fixture(scope="module")
def known_db(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("analysis"))
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, rows in example_rows().items():
            insert_rows(conn, name, rows, batch)
        second = {**example_row("production"), "date": date(2026, 1, 6), "shift": "B", "downtime_min": 0.0,
                  "total_qty": 1000, "good_qty": 970, "defect_qty": 10, "scrap_qty": 20}
        insert_rows(conn, "production", [second], batch)
    with serving_database(engine):
        yield engine
    drop()


def run_page(name: str, query: dict | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(page_file(name), default_timeout=60)
    at.query_params.update(query if query is not None else JANUARY)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# Hand-computed from the rows above (see the module docstring).
EXPECTED = {
    "throughput": {
        "Finished output": "1,920",                  # 950 + 970 at P-1001's only operation (its last)
        "Good output (all operations)": "1,920",     # 950 + 970
        "Plan attainment": "96.0 %",                 # 1920 / 2000
        "Throughput rate": "147.6 pcs/h",            # 1980 / ((385 + 420) / 60 h)
        "Yield": "97.0 %",                           # 1920 / 1980
        "Labour productivity": "120.0 pcs/h",        # 1920 / 16 h
    },
    "quality": {
        "Scrap ratio": "1.52 %",                     # 30 / 1980
        "Scrap": "30",
        "Scrap cost": "¥70.50",                      # 30 × 2.35
        "Rework ratio": "1.52 %",                    # 30 / 1980
        "First pass yield": "98.4 %",                # 492 / 500 (final lot)
        "Incoming pass rate": "—",                   # no incoming lot
    },
    "equipment": {
        "OEE": "91.4 %",                             # 24 s × 1920 / (840 min × 60)
        "Availability": "95.8 %",                    # 805 / 840
        "Performance": "98.4 %",                     # 24 s × 1980 / (805 min × 60)
        "Quality": "97.0 %",                         # 24 × 1920 / (24 × 1980)
        "MTBF": "—",                                 # no breakdown stop (the stop is a setup)
        "MTTR": "—",
        "Downtime": "25 min",
    },
    "delivery": {
        "On-time delivery (lines)": "100.0 %",       # 5000 shipped 20 Jan, promised 26 Jan
        "On time in full": "100.0 %",
    },
    "customer": {
        "Customer satisfaction (CSAT)": "100.0 %",   # one response, score 4
        "Mean satisfaction score": "4.00",
        "Net promoter score": "100.0",               # one promoter (9)
        "Complaints": "1",
        "Complaint PPM": "200 ppm",                  # 1 / 5000 shipped × 10^6
        "Days to close a complaint": "—",            # still open
        "Complaint cost": "¥1,500.00",
    },
    "materials": {
        "Material loss": "184.9 %",                  # 250 kg / ((960 + 990) × 0.045 kg) − 1
        "Material loss allowed by BOM": "3.00 %",
        "Cost per finished unit": "¥21.88",          # 42,000 / 1,920 finished
    },
    "purchasing": {
        "Supplier on-time delivery": "100.0 %",      # 2000 received 18 Jan, promised 19 Jan
        "Incoming pass rate": "—",
        "Purchase price variance": "¥800.00",           # (18.9 − 18.5) × 2000
    },
    "people": {
        "Attendance rate": "100.0 %",                # 8 / 8 h
        "Overtime share": "25.0 %",                  # 2 / 8 h
        "Total cost": "¥42,000.00",
        "Cost per finished unit": "¥21.88",
    },
}


@pytest.mark.parametrize("name", PAGES)
def test_tiles_show_hand_computed_values(known_db, name):
    at = run_page(name)
    shown = tiles(at)
    for label, value in EXPECTED[name].items():
        assert shown.get(label) == value, (label, shown)


def test_delta_against_previous_period_and_target_status(known_db):
    # February has no production rows: no output figure ("—", not 0, so no delta), ratios have no value
    at = run_page("throughput", {**JANUARY, "from": "2026-02-01", "to": "2026-02-28"})
    metric = {m.label: m for m in at.metric}
    assert metric["Good output (all operations)"].value == "—" and not metric["Good output (all operations)"].delta
    assert metric["Yield"].value == "—" and not metric["Yield"].delta
    # the example target: OEE 0.65 in 2026-01 -> 91.4 % is on target
    at = run_page("equipment")
    captions = " ".join(c.value for c in at.caption)
    assert "target 65.0 %" in captions


def test_chinese_labels_and_numbers(known_db):
    at = run_page("throughput", lang="zh")
    assert at.title[0].value == "产量"
    assert tiles(at)["良品数(各工序)"] == "1,920"


def test_show_formula_gives_numerator_and_denominator(known_db):
    at = run_page("equipment")
    at.toggle(key="tiles_formula").set_value(True).run()
    table = at.dataframe[0].value
    oee = table[table["KPI"] == "OEE"].iloc[0]
    assert oee["Value"] == "91.4 %"
    assert oee["Numerator"] == "Ideal time of good output (s) = 46,080"   # 24 × 1920
    assert oee["Denominator"] == "Planned time with ideal cycle (s) = 50,400"  # 840 × 60


def test_url_sets_the_filters_and_a_change_rewrites_the_url(known_db):
    at = run_page("throughput", {**JANUARY, "line": "INJ", "grain": "week"})
    assert at.selectbox(key="flt_period").value == "custom"
    assert at.selectbox(key="flt_grain").value == "week"
    assert at.multiselect(key="flt_line").value == ["INJ"]
    assert tiles(at)["Good output (all operations)"] == "1,920"
    at.selectbox(key="flt_grain").set_value("month").run()
    at.multiselect(key="flt_machine").set_value(["INJ-01"]).run()
    assert not at.exception
    assert at.query_params["grain"] == "month"
    assert at.query_params["machine"] == "INJ-01"
    assert at.query_params["from"] == "2026-01-01" and at.query_params["to"] == "2026-01-31"
    # that URL, opened afresh, restores the same view
    again = run_page("throughput", {k: v for k, v in at.query_params.items()})
    assert again.selectbox(key="flt_grain").value == "month"
    assert again.multiselect(key="flt_machine").value == ["INJ-01"]
    assert tiles(again) == tiles(at)


def test_a_filter_narrows_the_tiles(known_db):
    at = run_page("throughput", {**JANUARY, "shift": "B"})
    assert tiles(at)["Good output (all operations)"] == "970"
    assert tiles(at)["Yield"] == "97.0 %"   # 970 / 1000


def test_unknown_code_in_the_link_is_named_and_dropped(known_db):
    at = run_page("throughput", {**JANUARY, "machine": "XX-99"})
    assert any("XX-99" in w.value for w in at.warning)
    assert at.multiselect(key="flt_machine").value == []


def test_filter_not_in_the_pages_data_is_named(known_db):
    at = run_page("throughput", {**JANUARY, "customer": "C-001"})
    assert any("Not used on this page" in c.value and "Customer" in c.value for c in at.caption)
    assert tiles(at)["Good output (all operations)"] == "1,920"


def test_filters_survive_moving_to_another_page(known_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({**JANUARY, "line": "INJ"})
    at.run()
    at.switch_page(page_file("throughput")).run()
    assert not at.exception
    at.query_params.clear()  # the sidebar link carries no query string
    at.switch_page(page_file("quality")).run()
    assert not at.exception
    assert at.multiselect(key="flt_line").value == ["INJ"]
    assert at.query_params.get("line") == "INJ"
    assert tiles(at)["Scrap"] == "30"


def test_meeting_mode_is_kept_in_the_url(known_db):
    at = run_page("quality")
    at.toggle(key="meeting_mode").set_value(True).run()
    assert at.query_params.get("meeting") == "1"
    again = run_page("quality", {**JANUARY, "meeting": "1"})
    assert again.toggle(key="meeting_mode").value is True


def test_period_without_data_says_so(known_db):
    for name in PAGES:
        at = run_page(name, {**JANUARY, "from": "2025-03-01", "to": "2025-03-31"})
        assert any("No data for" in i.value for i in at.info), name


def test_downloads_are_made_only_when_clicked(known_db, monkeypatch):
    """Writing every row behind a figure to XLSX took seconds per rerun on the large demo: a page
    run offers the downloads without building them."""
    made = []
    import dashboard.ui.tables as tables

    monkeypatch.setattr(tables, "frame_bytes", lambda frame, fmt="csv", sheet="rows": made.append(fmt) or b"")
    at = run_page("throughput")
    assert len(at.get("download_button")) >= 2
    assert made == []


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("analysis_empty"))
    with serving_database(engine):
        yield engine
    drop()


@pytest.mark.parametrize("name", PAGES)
def test_empty_database_runs_every_page(empty_db, name):
    at = run_page(name, {})
    # nothing to divide by: "—"; nothing to add up: zero
    assert all(re.fullmatch(r"—|¥?0( min)?", m.value) for m in at.metric), [(m.label, m.value) for m in at.metric]
    assert any("No data for" in i.value for i in at.info)

