""""Why?" on the demo plant's seeded stories (seed/demo.py), as a manager meets them: the popover under
a tile names the machine whose scrap climbs and the customer whose deliveries slip, on the dimension
it picks by itself; a member button filters the page; the monthly summary carries the top causes
of the headline KPIs that moved, on the page, in the PDF and in the XLSX, in both languages."""
from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import language
from dashboard.kpi import KPIS, Filters, compute_one
from dashboard.kpi.compare import previous_period
from dashboard.reports.pdf import render_pdf
from dashboard.reports.summary import CAUSE_POINTS, CAUSE_RELATIVE, build_summary, month_bounds, parse_month
from dashboard.reports.xlsx import render_xlsx
from dashboard.facts import load_facts
from data_access.loaders import clear_cache
from seed.demo import load_demo, story_facts
from tests.conftest import make_database, serving_database

ROOT = Path(__file__).resolve().parents[1]
# The demo generated on a fixed day: its random draws follow the calendar, so the size of a story's
# month-to-month move (the plant's scrap climbs about 8 % in November) would otherwise change with the
# day the tests run (generated on 2 December it is 2 %, below the summary's 5 % threshold for causes).
TODAY = date(2026, 12, 1)
MONTH = parse_month("last", TODAY)
STORY = story_facts(TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("explain"))
    load_demo(engine, "small", today=TODAY)
    with serving_database(engine):
        yield engine
    drop()


def open_why(page: str, kpi_id: str, query: dict, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)
    at.query_params.update(query)
    at.session_state["lang"] = lang
    with language(lang):  # AppTest formats the widgets' values for the rerun in this thread's language
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        at.session_state[f"why_tiles_{kpi_id}"] = True  # the popover's open state (as a click sets it)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def custom(start: date, end: date) -> dict:
    return {"period": "custom", "from": start.isoformat(), "to": end.isoformat(), "grain": "week"}


def inside_popovers(at: AppTest) -> list[str]:
    """The element types drawn inside the page's popovers."""
    found: list[str] = []

    def walk(node, inside: bool):
        if inside:
            found.append(getattr(node, "type", None))
        for child in getattr(node, "children", {}).values():
            walk(child, inside or getattr(node, "type", None) == "popover")

    walk(at._tree, False)
    return found


def explained(at: AppTest, kpi_name: str) -> str:
    found = [m.value for m in at.markdown if m.value.startswith(kpi_name)]
    assert found, [m.value for m in at.markdown]
    return found[0]


def test_why_names_the_machine_whose_scrap_climbs(demo):
    """Last month against the month before: INJ-03's scrap keeps climbing (story 1), so the popover
    picks the machine dimension by itself and names INJ-03 first."""
    start, end = month_bounds(MONTH)
    at = open_why("analysis_quality.py", "scrap_ratio", custom(start, end))
    dim = at.selectbox(key="why_dim_tiles_scrap_ratio")
    assert dim.value == "machine"
    sentence = explained(at, "Scrap ratio")
    assert sentence.split(": ", 1)[1].startswith(STORY["scrap_climb_machine"] + " +")
    assert "vega_lite_chart" in inside_popovers(at), "the waterfall is drawn in the popover"
    # the button of the top member applies it as the page's machine filter
    at.button(key=f"why_apply_tiles_scrap_ratio_{STORY['scrap_climb_machine']}").click().run()
    assert not at.exception
    assert at.multiselect(key="flt_machine").value == [STORY["scrap_climb_machine"]]
    assert at.query_params["machine"] == STORY["scrap_climb_machine"]


def test_why_names_the_customer_whose_deliveries_slip_in_chinese(demo):
    """The four weeks of C-007's late lines (story 3) against the four weeks before: the popover picks
    the customer dimension and names C-007 first, in Chinese."""
    start, end = STORY["late_window"]
    at = open_why("analysis_delivery.py", "otd_line", custom(start, end), lang="zh")
    assert at.selectbox(key="why_dim_tiles_otd_line").value == "customer"
    sentence = explained(at, "准时交货率(行)")
    assert sentence.split("：", 1)[1].startswith(STORY["late_customer"])
    # the change it explains is the tile's own: this period's OTD minus the previous period's
    facts = load_facts(demo)
    prev = previous_period(start, end)
    now = compute_one(["otd_line"], facts, Filters(date_from=start, date_to=end), today=TODAY)["otd_line"]
    before = compute_one(["otd_line"], facts, Filters(date_from=prev[0], date_to=prev[1]), today=TODAY)["otd_line"]
    assert f"{(now - before) * 100:+.2f} 个百分点".replace("-", "−") in sentence


def test_a_kpi_that_cannot_be_split_says_so(demo):
    start, end = month_bounds(MONTH)
    at = open_why("analysis_people.py", "turnover", custom(start, end))
    assert any("cannot be explained by members" in i.value for i in at.info)


# --- the monthly summary --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def summary(demo):
    return build_summary(demo, MONTH, today=TODAY)


def test_causes_are_given_for_the_headline_kpis_that_moved_and_only_those(summary):
    for h in summary.headline:
        change = None if h.value is None or h.previous is None else abs(h.value - h.previous)
        beyond = change is not None and change > 0 and (
            (KPIS[h.kpi].unit == "ratio" and change >= CAUSE_POINTS) or change >= CAUSE_RELATIVE * abs(h.previous))
        if not beyond:
            assert h.kpi not in summary.causes, h.kpi
    scrap = summary.figure("scrap_ratio")
    assert abs(scrap.value - scrap.previous) >= CAUSE_RELATIVE * scrap.previous  # the climb is a real move
    causes = summary.causes["scrap_ratio"]
    assert len(causes) == 2 and causes[0].member == STORY["scrap_climb_machine"] and causes[0].dim == "machine"
    assert causes[0].text("en").startswith("INJ-03 +") and "pp" in causes[0].text("en")
    assert "个百分点" in causes[0].text("zh")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("lang, section", [("en", "Causes of the biggest changes"), ("zh", "主要变化的原因")])
def test_pdf_carries_the_causes(summary, tmp_path, lang, section):
    text = " ".join(pdf_text(render_pdf(summary, lang), tmp_path).split())
    assert section in text
    for found in summary.causes.values():
        for c in found:
            assert " ".join(c.text(lang).split()) in text, c.text(lang)


@pytest.mark.parametrize("lang, sheet", [("en", "Causes"), ("zh", "原因")])
def test_xlsx_carries_the_causes_as_numbers_and_text(summary, lang, sheet):
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, lang)))[sheet]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    expected = [c for found in summary.causes.values() for c in found]
    assert [(r[0], r[2], r[6]) for r in rows] == [(KPIS[c.kpi].name(lang), c.member, c.text(lang)) for c in expected]
    scrap = next(r for r in rows if r[0] == KPIS["scrap_ratio"].name(lang))
    assert scrap[5] == pytest.approx(summary.causes["scrap_ratio"][0].total)


def test_executive_page_shows_the_causes_under_the_tile(demo):
    at = AppTest.from_file(str(ROOT / "pages" / "executive.py"), default_timeout=120)
    at.query_params["month"] = MONTH
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Causes: INJ-03 +") for c in at.caption)
    at.session_state["why_exec_scrap_ratio"] = True
    at.run()
    assert not at.exception
    assert any(m.value.startswith("Scrap ratio") and ": INJ-03 +" in m.value for m in at.markdown)
