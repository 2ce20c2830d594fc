"""Executive monthly report speed on the `large` demo (issue 6): the time to build the PDF and the
XLSX of one month, against the time to compute the same KPIs alone.

Cases (best of ROUNDS, the last complete month of the demo):
- KPIs alone: compute_one of the eleven headline KPIs for the month (the baseline);
- headline figures: the same with previous month, same month last year, targets and the 13-month
  series (what the tiles need);
- summary: everything the report shows (adds scrap Pareto, late customers, open complaints,
  missing data, commentary, top exceptions); the open exceptions are remembered for the data version
  (a rerun of the Executive page), so the next case computes them afresh each round (the first summary
  of a version);
- PDF en / zh and XLSX: rendering an already built summary;
- cron, cold: what `plantkpi report` does in a fresh process (facts loaded from the database,
  summary, PDF), measured with the facts cache cleared.
The large demo database is shared by every bench (tests/bench/large_demo.py, built once).
"""
from __future__ import annotations

from datetime import timedelta

from tests.bench.bench_kpi import _best, _engine, _period






def run() -> list[dict]:
    from dashboard.kpi import Filters, compute_one
    from dashboard.reports.pdf import render_pdf
    from dashboard.reports.summary import HEADLINE, build_summary, headline_figures, month_bounds
    from dashboard.reports.xlsx import render_xlsx
    from dashboard.facts import clear_cache, load_facts
    from data_access.cache import clear as clear_sections

    engine = _engine()
    _, date_to = _period(engine)
    today = date_to + timedelta(days=1)
    month = f"{date_to.year:04d}-{date_to.month:02d}"
    start, end = month_bounds(month)
    facts = load_facts(engine)
    rows_in_db = facts["production"].height
    compute_one(HEADLINE, facts, Filters(date_from=start, date_to=end), today=today)  # warm the facts

    kpis, _ = _best(lambda: compute_one(HEADLINE, facts, Filters(date_from=start, date_to=end), today=today))
    figures, _ = _best(lambda: headline_figures(facts, month, today))
    built, summary = _best(lambda: build_summary(engine, month, today=today, facts=facts))

    def fresh_exceptions():  # the first summary of a data version: its open exceptions not computed yet
        clear_sections(["exceptions"])
        return build_summary(engine, month, today=today, facts=facts)

    built_fresh, _ = _best(fresh_exceptions)
    render_pdf(summary, "en")  # first call starts vl-convert's JavaScript engine and loads the font
    pdf_en, pdf = _best(lambda: render_pdf(summary, "en"))
    pdf_zh, _ = _best(lambda: render_pdf(summary, "zh"))
    xlsx, book = _best(lambda: render_xlsx(summary, "en"))

    def cron():
        clear_cache()
        return render_pdf(build_summary(engine, month, today=today), "en")

    cold, _ = _best(cron, rounds=1)

    def row(case, seconds, **extra):
        return {"case": case, "month": month, "production_rows": rows_in_db, "seconds": seconds,
                "vs_kpis_alone": seconds / kpis, **extra}

    return [
        row("KPIs alone (11 headline, one month)", kpis),
        row("headline figures (+prev, last year, targets, 13 months)", figures),
        row("summary (all sections)", built),
        row("summary, open exceptions not computed yet", built_fresh),
        row("PDF en from summary", pdf_en, bytes=len(pdf)),
        row("PDF zh from summary", pdf_zh),
        row("XLSX from summary", xlsx, bytes=len(book)),
        row("summary + PDF en (warm facts)", built + pdf_en),
        row("cron: facts from db + summary + PDF (cold)", cold),
    ]


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("report", run())
