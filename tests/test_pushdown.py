"""Period pushdown (issue 15.1): `plantkpi kpi --from --to` reads only the period's rows of the dated
facts (the windowed facts of dashboard.kpi.facts) and still prints exactly the figures of a whole-history read.

The reference is the same command with PLANTKPI_PUSHDOWN=0 (every fact from the whole history, as
the pages read them), on the small demo plant, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.facts import clear_cache, load_facts
from data_access.loaders import clear_cache as clear_loader_cache
from seed.demo import load_demo

TODAY = date(2026, 11, 20)

# (--from, --to, --by, --kpi): whole months, a partial month, a quarter by month x line, a single day,
# a period ending today, every KPI (balances, open orders, headcount need history outside the period)
REQUESTS = [
    ("2026-10-01", "2026-10-31", "", ""),
    ("2026-09-10", "2026-10-17", "", ""),
    ("2026-07-01", "2026-09-30", "month,line", "good_qty,scrap_ratio,oee,availability,mttr,fpy"),
    ("2026-08-01", "2026-10-31", "month", ""),
    ("2026-10-14", "2026-10-14", "line", ""),
    ("2026-11-01", "2026-11-20", "week", ""),
    ("2025-12-01", "2026-11-30", "month,line", "good_qty,scrap_ratio,oee,availability"),
]


def _cli_json(url: str, monkeypatch, capsys, pushdown: bool, request: tuple[str, str, str, str]) -> dict:
    date_from, date_to, by, kpis = request
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", url)
    monkeypatch.setenv("PLANTKPI_PUSHDOWN", "1" if pushdown else "0")
    clear_cache()
    clear_loader_cache()  # each run reads the database afresh, nothing shared between the two
    args = ["kpi", "--from", date_from, "--to", date_to, "--json"]
    args += ["--by", by] if by else []
    args += ["--kpi", kpis] if kpis else []
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def _same_figures(expected):
    """The expected JSON with its floats compared to 1e-9 relative: the same figures, whatever order
    polars happened to sum them in (bom_requirements comes out of a group_by in no fixed row order, so
    even two whole-history runs differ in the 16th digit)."""
    if isinstance(expected, dict):
        return {k: _same_figures(v) for k, v in expected.items()}
    if isinstance(expected, list):
        return [_same_figures(v) for v in expected]
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-9, abs=1e-9)
    return expected


@pytest.fixture
def demo(engine):
    load_demo(engine, "small", today=TODAY)
    return engine


def test_cli_figures_identical_with_and_without_pushdown(demo, monkeypatch, capsys):
    url = demo.url.render_as_string(hide_password=False)
    for request in REQUESTS:
        pushed = _cli_json(url, monkeypatch, capsys, True, request)
        whole = _cli_json(url, monkeypatch, capsys, False, request)
        assert pushed == _same_figures(whole), request
        figures = pushed["rows"] if "rows" in pushed else [pushed["kpis"]]
        assert any(v not in (None, 0) for row in figures for v in row.values()), request  # a real comparison


def test_window_reads_only_the_period_rows(demo):
    """The windowed production fact holds exactly the rows the database dates in the window (counted
    by SQL here, independently), fewer than the whole history; the facts needing history stay whole."""
    clear_cache()
    window = (date(2026, 10, 1), date(2026, 10, 31))
    with demo.connect() as conn:
        in_window = conn.execute(sa.text(
            "SELECT COUNT(*) FROM production WHERE date >= :a AND date <= :b"), {"a": window[0], "b": window[1]}).scalar()
        total = conn.execute(sa.text("SELECT COUNT(*) FROM production")).scalar()
        first = conn.execute(sa.text("SELECT MIN(date) FROM production")).scalar()
        invoices = conn.execute(sa.text("SELECT COUNT(*) FROM invoices")).scalar()
    facts = load_facts(demo, ["production", "settlements"], window=window)
    production = facts["production"]
    assert 0 < in_window < total
    assert production.height == in_window
    assert production.get_column("date").min() >= window[0] and production.get_column("date").max() <= window[1]
    assert facts.known_first_date("production") == date.fromisoformat(str(first)[:10])
    # receivables are balances: every invoice of the history is in the fact, before and after the window
    assert facts["settlements"].filter(facts["settlements"]["measure"] == "open").get_column("invoice_no").n_unique() \
        == invoices
    whole = load_facts(demo)
    assert whole["production"].height == total  # the pages' facts are unchanged


def test_window_of_several_ranges_and_open_ends(demo):
    """A period and its comparison periods as one window: the rows of each range, none between."""
    clear_cache()
    ranges = ((date(2026, 10, 1), date(2026, 10, 31)), (date(2025, 10, 1), date(2025, 10, 31)))
    with demo.connect() as conn:
        expected = sum(conn.execute(sa.text("SELECT COUNT(*) FROM scrap WHERE date >= :a AND date <= :b"),
                                    {"a": a, "b": b}).scalar() for a, b in ranges)
        upto = conn.execute(sa.text("SELECT COUNT(*) FROM scrap WHERE date <= :b"), {"b": date(2026, 3, 31)}).scalar()
    scrap = load_facts(demo, ["scrap"], window=ranges)["scrap"]
    assert scrap.height == expected > 0
    assert not scrap.filter((scrap["date"] > ranges[1][1]) & (scrap["date"] < ranges[0][0])).height
    assert load_facts(demo, ["scrap"], window=(None, date(2026, 3, 31)))["scrap"].height == upto
    # a month field (costs.month, 'YYYY-MM'): the months the range touches, dated on their first day
    costs = load_facts(demo, ["costs"], window=(date(2026, 9, 15), date(2026, 10, 5)))["costs"]
    assert sorted(costs.get_column("date").unique().to_list()) == [date(2026, 9, 1), date(2026, 10, 1)]


def test_compare_over_its_comparison_window_equals_whole_history(demo):
    """compare() (value, previous period, same period last year, target, coverage) from facts read
    for comparison_window only: the same table as from the whole history, for production, quality,
    customer and cost KPIs and for KPIs that need history (receivables, open orders, headcount)."""
    from dashboard.kpi.compare import compare, comparison_window

    ids = ["good_qty", "scrap_ratio", "oee", "mttr", "fpy", "csat", "complaints", "total_cost", "attendance_rate",
           "ar_open", "otd_line", "headcount", "turnover", "material_loss"]
    for date_from, date_to in [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 4, 1), date(2026, 6, 30))]:
        clear_cache()
        window = comparison_window(date_from, date_to)
        windowed = compare(ids, load_facts(demo, window=window), date_from, date_to, today=TODAY)
        assert windowed.filter(windowed["kpi"] == "good_qty")["previous"].item() > 0  # the comparison is read
        clear_cache()
        whole = compare(ids, load_facts(demo), date_from, date_to, today=TODAY)
        assert windowed.to_dicts() == _same_figures(whole.to_dicts()), (date_from, date_to)


def test_kpi_column_pruning_gives_every_production_kpi_unchanged(demo):
    """`plantkpi kpi --kpi ...` reads of a large fact only the columns those KPIs and the breakdown use
    (engine.columns_for, facts.read_columns): for every KPI of the production fact, alone and by each
    breakdown, the figures equal those of the fact read whole; the pages' whole facts are untouched."""
    from dashboard.kpi.engine import Filters, columns_for, compute
    from dashboard.kpi.facts import KIND_COLUMNS, read_columns
    from dashboard.kpi.registry import KPIS

    clear_cache()
    period = Filters(date_from=date(2026, 8, 1), date_to=date(2026, 10, 31))
    whole = load_facts(demo)
    ids = [k for k in KPIS if "production" in columns_for([k])]
    assert {"good_qty", "scrap_ratio", "oee", "availability", "finished_qty", "mtbf"} <= set(ids)
    narrower = 0
    for dims in ([], ["month", "line"], ["shift"], ["week", "product"], ["machine"]):
        by_read: dict[tuple, list[str]] = {}  # KPIs reading the same columns share one read
        for k in ids:
            by_read.setdefault(read_columns("production", "production", columns_for([k], dims)["production"]), []).append(k)
        for read, same in by_read.items():
            narrower += len(read) < len(KIND_COLUMNS["production"])
            pruned = load_facts(demo, window=(period.date_from, period.date_to), columns=columns_for(same[:1], dims))
            for k in same:
                expected = compute([k], whole, dims, period, today=TODAY).to_dicts()
                assert compute([k], pruned, dims, period, today=TODAY).to_dicts() == _same_figures(expected), (k, dims)
    assert narrower > 0  # a real pruning: most KPIs read fewer columns
    assert "shift" in read_columns("production", "production", columns_for(["good_qty"], ["shift"])["production"])
    assert "shift" not in read_columns("production", "production", columns_for(["good_qty"], ["line"])["production"])
    # the check bites: a KPI computed from too few columns differs
    starved = load_facts(demo, window=(period.date_from, period.date_to), columns={"production": {"date"}})
    assert compute(["scrap_ratio"], starved, [], period, today=TODAY).to_dicts() != \
        compute(["scrap_ratio"], whole, [], period, today=TODAY).to_dicts()
    # a request's pruned fact is never the pages' fact
    assert load_facts(demo)["production"].get_column("shift").null_count() == 0
