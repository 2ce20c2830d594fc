"""Executive monthly summary on the small demo plant (issue 6): the summary agrees with the KPI
engine; the PDF's text shows the month, the engine's values (formatted as the tiles format them)
and the Chinese labels; its pages are not blank and carry the charts; the XLSX reads back as the
engine's numbers, stored as numbers with formats; a month without data says so; the commentary
is shown in both exports and never becomes a formula; the CLI; the page's tiles (AppTest).

One demo database for the whole module (built once, ~10 s)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard.cli import main as plantkpi
from dashboard.kpi import KPIS, Filters, compare, compute_one, delivery_lines
from dashboard.reports.format import fmt_value, month_title
from dashboard.reports.pdf import render_pdf
from dashboard.reports.summary import HEADLINE, build_summary, month_bounds, parse_month, shift_month
from dashboard.reports.xlsx import render_xlsx
from data_access.audit_log import read_audit
from data_access.commentary import get_commentary, save_commentary
from dashboard.facts import load_facts
from data_access.loaders import clear_cache
from seed.demo import load_demo
from tests.conftest import make_database, serving_database

ROOT = Path(__file__).resolve().parents[1]
TODAY = date.today()
MONTH = parse_month("last", TODAY)
EMPTY_MONTH = "2001-01"
NOTE = '=HYPERLINK("http://evil.example","click") Flash on INJ-03: mold polished 12th.'


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("report"))
    load_demo(engine, "small", today=TODAY)
    save_commentary(engine, MONTH, NOTE, "stat")
    with serving_database(engine):
        yield engine
    drop()


@pytest.fixture(scope="module")
def summary(demo):
    return build_summary(demo, MONTH, today=TODAY)


@pytest.fixture(scope="module")
def engine_figures(demo):
    """The headline figures asked of the engine directly: this month, previous month, last year."""
    facts = load_facts(demo)
    start, end = month_bounds(MONTH)
    return {r["kpi"]: r for r in compare(list(HEADLINE), facts, start, end, today=TODAY).iter_rows(named=True)}


@pytest.fixture(scope="module")
def pdfs(summary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for lang in ("en", "zh"):
        path = folder / f"{lang}.pdf"
        path.write_bytes(render_pdf(summary, lang))
        out[lang] = path
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- the summary agrees with the engine ---------------------------------------------------------------
def test_headline_is_the_engines_figures(summary, demo):
    facts = load_facts(demo)
    start, end = month_bounds(MONTH)
    prev_start, prev_end = month_bounds(shift_month(MONTH, -1))
    ly_start, ly_end = month_bounds(shift_month(MONTH, -12))
    now = compute_one(HEADLINE, facts, Filters(date_from=start, date_to=end), today=TODAY)
    prev = compute_one(HEADLINE, facts, Filters(date_from=prev_start, date_to=prev_end), today=TODAY)
    last_year = compute_one(HEADLINE, facts, Filters(date_from=ly_start, date_to=ly_end), today=TODAY)
    assert [h.kpi for h in summary.headline] == list(HEADLINE)
    for h in summary.headline:
        assert h.value == pytest.approx(now[h.kpi], nan_ok=True), h.kpi
        assert h.previous == pytest.approx(prev[h.kpi]), h.kpi
        assert h.same_month_last_year == pytest.approx(last_year[h.kpi]), h.kpi
        if h.value is not None and h.previous is not None:
            assert h.change_previous == pytest.approx(h.value - h.previous)
        # the sparkline runs from the same month last year to this month
        assert len(h.series) == 13 and h.series[-1][0] == MONTH and h.series[0][0] == shift_month(MONTH, -12)
        assert h.series[-1][1] == pytest.approx(h.value), h.kpi
        assert h.series[0][1] == pytest.approx(h.same_month_last_year), h.kpi
    assert summary.has_data
    # the demo plant has monthly plant targets from its own first year (throughput included); headcount none
    assert summary.figure("scrap_ratio").target is not None and summary.figure("finished_qty").target is not None
    assert summary.figure("headcount").target is None and summary.figure("headcount").light == "none"


def test_top_scrap_reasons_are_the_scrap_records_of_the_month(summary, demo):
    facts = load_facts(demo)
    start, end = month_bounds(MONTH)
    records = (facts["scrap"].filter(pl.col("date").is_between(start, end))
               .group_by("reason").agg(pl.col("qty").sum()).sort(["qty", "reason"], descending=[True, False]))
    produced = facts["production"].filter(pl.col("date").is_between(start, end)).get_column("scrap_qty").sum()
    top = summary.scrap_reasons
    assert top.height == 5
    assert top.get_column("reason").to_list() == records.get_column("reason").head(5).to_list()
    assert top.get_column("qty").to_list() == records.get_column("qty").head(5).cast(pl.Float64).to_list()
    assert top.get_column("share").to_list() == pytest.approx([q / produced for q in top.get_column("qty")])
    assert top.get_column("name_zh").null_count() == 0


def test_late_customers_are_counted_from_the_delivery_status_of_each_line(summary, demo):
    start, end = month_bounds(MONTH)
    lines = delivery_lines(load_facts(demo), TODAY).filter(pl.col("promised_date").is_between(start, end))
    expected = {}
    for line in lines.iter_rows(named=True):  # one by one: evaluated and not on time = late
        if line["evaluated"] and not line["on_time"]:
            late, still_open = expected.get(line["customer"], (0, 0))
            expected[line["customer"]] = (late + 1, still_open + (1 if line["open"] else 0))
    late = summary.late_customers
    assert late.height == min(10, len(expected)) > 0
    for r in late.iter_rows(named=True):
        assert (r["late_lines"], r["still_open"]) == expected[r["customer"]]
        assert r["due_lines"] >= r["late_lines"]
    counts = late.get_column("late_lines").to_list()
    assert counts == sorted(counts, reverse=True) and counts[0] == max(v[0] for v in expected.values())


def test_open_complaints_are_those_unclosed_at_month_end(summary, demo):
    _, end = month_bounds(MONTH)
    raw = load_facts(demo)["complaints"].to_dicts()
    expected = {c["complaint_no"] for c in raw if c["date"] <= end and (c["closed_date"] is None or c["closed_date"] > end)}
    assert set(summary.open_complaints.get_column("complaint_no")) == expected
    assert all(d >= 0 for d in summary.open_complaints.get_column("days_open"))


# --- PDF ----------------------------------------------------------------------------------------------
def test_pdf_text_shows_month_values_and_labels(pdfs, engine_figures):
    text = pdf_text(pdfs["en"])
    assert "Monthly management summary" in text and month_title(MONTH, "en") in text and f"({MONTH})" in text
    for kpi_id, r in engine_figures.items():
        k = KPIS[kpi_id]
        assert k.en in text, k.en
        assert fmt_value(r["value"], k.unit) in text, (kpi_id, fmt_value(r["value"], k.unit))
        if r["target"] is not None:
            assert f"target {fmt_value(r['target'], k.unit)}" in text, kpi_id
    for section in ("Headline KPIs", "Top five scrap reasons", "Customers with the most late order lines",
                    "Open complaints at month end", "Data missing for the month", "Commentary"):
        assert section in text
    assert "Flash on INJ-03: mold polished 12th." in text  # the commentary


def test_pdf_in_chinese_has_chinese_labels(pdfs, engine_figures, summary):
    text = pdf_text(pdfs["zh"])
    assert "月度经营摘要" in text and month_title(MONTH, "zh") in text
    for kpi_id, r in engine_figures.items():
        assert KPIS[kpi_id].zh in text, KPIS[kpi_id].zh
        assert fmt_value(r["value"], KPIS[kpi_id].unit) in text
    for label in ("核心指标", "前五大废品原因", "月末未结案的客户投诉", "统计室评述", "环比", "同比"):
        assert label in text
    assert summary.scrap_reasons.item(0, "name_zh") in text
    fonts = subprocess.run(["pdffonts", str(pdfs["zh"])], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts and fonts.count(" yes ") >= 2  # embedded: no tofu on another machine


def _page_png(path: Path, page: int, dpi: int = 60) -> Image.Image:
    png = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def _share(image: Image.Image, box_mm: tuple[float, float, float, float], test) -> float:
    """Share of pixels inside box (x0, y0, x1, y1 in mm on A4) that pass test(r, g, b)."""
    sx, sy = image.width / 210, image.height / 297
    crop = image.crop((int(box_mm[0] * sx), int(box_mm[1] * sy), int(box_mm[2] * sx), int(box_mm[3] * sy)))
    pixels = list(crop.getdata())
    return sum(1 for p in pixels if test(*p)) / len(pixels)


def _blue(r, g, b):  # the charts' #1f77b4
    return b > 140 and r < 90 and 90 < g < 150


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_pages_are_not_blank_and_show_the_charts(pdfs, lang):
    first = _page_png(pdfs[lang], 1)
    assert _share(first, (0, 0, 210, 297), lambda r, g, b: r + g + b < 700) > 0.04
    # sparklines along the bottom of each tile row (first tile: x 14..70, y ~ 74..84 mm)
    assert _share(first, (12, 40, 198, 200), _blue) > 0.002
    # the scrap reasons chart has its blue bars: below the tiles, or whole at the top of page 2 when the
    # fourteen tiles leave no room for it on page 1 (the chart is never cut)
    second = _page_png(pdfs[lang], 2)
    assert max(_share(first, (12, 200, 110, 285), _blue), _share(second, (12, 12, 110, 97), _blue)) > 0.04
    assert _share(second, (0, 0, 210, 150), lambda r, g, b: r + g + b < 700) > 0.01


# --- XLSX ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workbook(summary):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, "en")))


def test_xlsx_summary_sheet_is_the_engines_numbers_as_formatted_numbers(workbook, engine_figures):
    ws = workbook["Summary"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value in {k.en for k in KPIS.values()}}
    assert len(rows) == len(HEADLINE)
    for kpi_id, figures in engine_figures.items():
        k = KPIS[kpi_id]
        cells = rows[k.en]
        for cell, expected in ((cells[2], figures["value"]), (cells[3], figures["previous"]),
                               (cells[5], figures["same_period_last_year"]), (cells[7], figures["target"])):
            if expected is None:
                assert cell.value is None, kpi_id
                continue
            assert cell.data_type == "n" and cell.value == pytest.approx(expected), kpi_id
            assert cell.number_format == {"ratio": "0.00%", "currency": "¥#,##0.00", "pieces": "#,##0"}.get(
                k.unit, cell.number_format), kpi_id
        if figures["value"] is not None and figures["previous"] is not None:
            assert cells[4].value == pytest.approx(figures["value"] - figures["previous"])


def test_xlsx_trend_and_tables_read_back(workbook, summary):
    trend = workbook["13-month trend"]
    header = [c.value for c in trend[4]]
    assert header[0] == "Month" and header[1:] == [KPIS[k].en for k in HEADLINE]
    months = [trend.cell(row=r, column=1).value for r in range(5, 18)]
    assert months[-1] == MONTH and len(months) == 13
    oee = summary.figure("oee")
    column = HEADLINE.index("oee") + 2
    assert [trend.cell(row=r, column=column).value for r in range(5, 18)] == pytest.approx([v for _, v in oee.series])
    scrap = workbook["Scrap reasons"]
    assert [scrap.cell(row=r, column=1).value for r in range(5, 10)] == summary.scrap_reasons.get_column("reason").to_list()
    qty = scrap.cell(row=5, column=3)
    assert qty.data_type == "n" and qty.value == summary.scrap_reasons.item(0, "qty")
    assert scrap.cell(row=5, column=4).number_format == "0.00%"
    complaints = workbook["Open complaints"]
    assert complaints.max_row - 4 == summary.open_complaints.height


def test_formula_looking_commentary_is_text_in_the_xlsx(workbook):
    ws = workbook["Commentary"]
    cell = ws.cell(row=5, column=1)
    assert cell.value == NOTE
    assert cell.data_type == "s" and cell.quotePrefix  # a string with Excel's quote prefix, not a formula
    assert ws.cell(row=5, column=2).value == "stat"
    assert not any(c.data_type == "f" for sheet in workbook for row in sheet.iter_rows() for c in row)


# --- a month without data -------------------------------------------------------------------------------
def test_a_month_without_data_produces_a_report_that_says_so(demo, tmp_path):
    empty = build_summary(demo, EMPTY_MONTH, today=TODAY)
    assert not empty.has_data and empty.scrap_reasons.height == 0 and empty.late_customers.height == 0
    path = tmp_path / "empty.pdf"
    path.write_bytes(render_pdf(empty, "en"))
    text = pdf_text(path)
    assert "No data has been recorded for January 2001" in text
    assert "No scrap recorded this month." in text and "No commentary has been written" in text
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(empty, "zh")))
    assert any("2001年1月 尚无任何数据记录" in str(c.value) for c in book["摘要"]["A"])


# --- command line ---------------------------------------------------------------------------------------
def test_cli_writes_pdf_and_xlsx_and_rejects_bad_arguments(demo, tmp_path, capsys):
    assert plantkpi(["report", "--month", MONTH, "--lang", "zh", "--out", str(tmp_path / "r.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames[0] == "摘要"
    assert plantkpi(["report", "--month", "2026-13", "--out", str(tmp_path / "bad.pdf")]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert plantkpi(["report", "--month", "last", "--out", str(tmp_path / "r.csv")]) == 2
    assert ".pdf or .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "bad.pdf").exists() and not (tmp_path / "r.csv").exists()
    assert plantkpi(["report", "--month", EMPTY_MONTH, "--out", str(tmp_path / "empty.xlsx")]) == 0
    assert "no data recorded for 2001-01" in capsys.readouterr().out


def test_plantkpi_report_month_last_from_the_shell(demo, tmp_path):
    out = tmp_path / "monthly.pdf"
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "report", "--month", "last", "--out", str(out)],
                          capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"report for {MONTH} written" in done.stdout
    assert out.read_bytes().startswith(b"%PDF") and month_title(MONTH, "en") in pdf_text(out)


# --- the page -------------------------------------------------------------------------------------------
def _executive_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(str(ROOT / "pages" / "executive.py"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_tiles_are_the_engines_figures_and_commentary_saves(demo, engine_figures):
    at = _executive_page()
    assert at.selectbox(key="exec_month").value == MONTH
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {KPIS[k].en: fmt_value(r["value"], KPIS[k].unit) for k, r in engine_figures.items()}
    assert any("Flash on INJ-03" in t.value for t in at.text)  # the saved commentary is shown
    at.text_area(key=f"exec_text_{MONTH}").input("Good month for OTD.")  # a form: typed and submitted in one run
    at.button(key=f"FormSubmitter:exec_commentary_form_{MONTH}-Save commentary").click().run()
    assert not at.exception
    assert get_commentary(demo, MONTH).text == "Good month for OTD."
    assert get_commentary(demo, MONTH).updated_by == "admin"  # the single-user install's admin
    assert read_audit(demo, action="commentary")[1] >= 2
    save_commentary(demo, MONTH, NOTE, "stat")  # back to the note the export tests read


def test_page_in_chinese_and_another_month(demo):
    at = _executive_page("zh")
    labels = {m.label for m in at.metric}
    assert {KPIS[k].zh for k in HEADLINE} == labels
    at.selectbox(key="exec_month").select(EMPTY_MONTH if EMPTY_MONTH in at.selectbox(key="exec_month").options
                                          else shift_month(MONTH, -2)).run()
    assert not at.exception
    assert at.query_params["month"] in (EMPTY_MONTH, shift_month(MONTH, -2))
