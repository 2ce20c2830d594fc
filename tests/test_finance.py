"""Sales, receivables and payables (issue 16, docs/kpis.md "Sales and finance"): a hand-computed case
imported through the real upload path, then the engine and the CLI, on SQLite and PostgreSQL; the
refusals a finance clerk meets (a payment above what is open, a clerk of Sales writing invoices).

The case — customer C-001, supplier S-01, February 2026 (28 days):
- INV-1 (ar) 2026-01-10, due 2026-02-09, ¥1,000: ¥400 paid 2026-01-31 (before due), ¥600 on 2026-03-15.
- INV-2 (ar) 2026-02-01, due 2026-03-03, ¥500, never paid.
- INV-3 (ap, S-01) 2026-01-20, due 2026-02-19, ¥800, paid in full 2026-02-10.
- Shipments in February: 500 × P-1001 at ¥2.00 (standard cost ¥1.50) and 250 × P-1002 at ¥4.00 (¥1.00);
  transport costs of February ¥100, spread by value (¥50 each).
- A receipt in January: 1,000 kg of M-PA66 on PO-1 at ¥0.50 = ¥500.

Receivables at 2026-02-28: INV-1 open 1,000 − 400 = 600, 19 days overdue (1–30); INV-2 500 not due;
open 1,100, overdue share 600 / 1,100 = 0.5455. At 2026-03-31: INV-1 paid; INV-2 28 days overdue: 500
in 1–30. At 2026-04-30: 58 days, 31–60. At 2026-06-15: 104 days, > 90. Month ends: Jan 600, Feb 1,100,
Mar 500. Revenue February 1,000 + 1,000 = 2,000; DSO = 1,100 / 2,000 × 28 = 15.4 days. Cost of sales
750 + 250 + 100 = 1,100, margin (2,000 − 1,100) / 2,000 = 0.45; by product P-1001 (1,000 − 800) / 1,000
= 0.20, P-1002 (1,000 − 300) / 1,000 = 0.70. Payables at 2026-01-31 ¥800, DPO January = 800 / 500 × 31
= 49.6 days; at 2026-02-28 nothing open.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.auth import create_user
from dashboard.kpi import Filters, compute, compute_one
from data_access.db import write_transaction
from dashboard.facts import load_facts
from data_access.ingest.commit import import_upload
from data_access.permissions import database_owner
from data_access.store import finish_batch, insert_rows, new_batch
from tests.support.examples import example_row, example_rows
from dashboard.ingest_messages import message

OWNER = database_owner()  # acts on accounts as the CLI does

FEB = Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def masters(engine) -> None:
    rows = example_rows()
    product = example_row("products")
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "cli")
        for name in ("lines", "machines", "products", "routings", "materials", "employees", "customers", "suppliers"):
            insert_rows(conn, name, rows[name], batch)
        insert_rows(conn, "products", [{**product, "product_code": "P-1002", "standard_cost": 1.0}], batch)
        conn.execute(sa.text("UPDATE products SET standard_cost = 1.5 WHERE product_code = 'P-1001'"))
        finish_batch(conn, batch, 1)


def load(engine, kind: str, data: bytes, user: str = "admin"):
    result = import_upload(engine, kind, data, f"{kind}.csv", user)
    assert not result.errors, [message(p, "en") for p in result.errors]
    return result


def the_case(engine) -> None:
    masters(engine)
    load(engine, "orders", csv("order_no,line_no,customer_code,product_code,order_date,qty,unit_price,promised_date",
                               "SO-1,1,C-001,P-1001,2026-01-20,500,2.0,2026-02-15",
                               "SO-1,2,C-001,P-1002,2026-01-20,250,4.0,2026-02-15"))
    load(engine, "shipments", csv("shipment_no,order_no,line_no,ship_date,qty",
                                  "DN-1,SO-1,1,2026-02-15,500", "DN-2,SO-1,2,2026-02-15,250"))
    load(engine, "costs", csv("month,department,category,amount", "2026-02,sales,transport,100"))
    load(engine, "purchase_orders", csv("po_no,line_no,supplier_code,material_code,order_date,qty,unit_price,"
                                        "promised_date", "PO-1,1,S-01,M-PA66,2026-01-05,1000,0.5,2026-01-15"))
    load(engine, "receipts", csv("po_no,line_no,receipt_date,qty,accepted_qty", "PO-1,1,2026-01-15,1000,1000"))
    # Chinese headers, as a finance clerk's export has them
    load(engine, "invoices", csv("发票号,应收/应付,往来单位,开票日期,到期日,金额",
                                 "INV-1,ar,C-001,2026-01-10,2026-02-09,1000",
                                 "INV-2,ar,C-001,2026-02-01,2026-03-03,500",
                                 "INV-3,ap,S-01,2026-01-20,2026-02-19,800"))
    load(engine, "payments", csv("payment_no,invoice_no,side,date,amount",
                                 "RC-1,INV-1,ar,2026-01-31,400", "RC-2,INV-1,ar,2026-03-15,600",
                                 "PY-1,INV-3,ap,2026-02-10,800"))


AGEING = ("ar_not_due", "ar_1_30", "ar_31_60", "ar_61_90", "ar_over_90")


@pytest.fixture
def case(engine):
    the_case(engine)
    return engine


def test_ageing_at_month_ends_and_later_dates(case):
    facts = load_facts(case)

    def at(day: date) -> dict:
        return compute_one(["ar_open", "ar_overdue_share", *AGEING], facts, Filters(date_to=day), today=day)

    february = at(date(2026, 2, 28))
    assert february["ar_open"] == pytest.approx(1100)
    assert [february[k] for k in AGEING] == pytest.approx([500, 600, 0, 0, 0])
    assert february["ar_overdue_share"] == pytest.approx(600 / 1100)
    assert [at(date(2026, 3, 31))[k] for k in AGEING] == pytest.approx([0, 500, 0, 0, 0])
    assert [at(date(2026, 4, 30))[k] for k in AGEING] == pytest.approx([0, 0, 500, 0, 0])
    assert [at(date(2026, 6, 15))[k] for k in AGEING] == pytest.approx([0, 0, 0, 0, 500])


def test_month_end_balances_dso_margin_and_dpo(case):
    facts = load_facts(case)
    by_month = compute(["ar_open", "ap_open"], facts, ["month"],
                       Filters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)), today=date(2026, 6, 1))
    assert by_month.get_column("month").to_list() == ["2026-01", "2026-02", "2026-03"]
    assert by_month.get_column("ar_open").to_list() == pytest.approx([600, 1100, 500])
    assert by_month.get_column("ap_open").to_list() == pytest.approx([800, 0, 0])

    february = compute_one(["sales_revenue", "sales_cost", "gross_margin", "dso", "sales_qty", "avg_price"], facts,
                           FEB, today=date(2026, 6, 1))
    assert february == pytest.approx({"sales_revenue": 2000, "sales_cost": 1100, "gross_margin": 0.45,
                                      "dso": 15.4, "sales_qty": 750, "avg_price": 2000 / 750})
    by_product = compute(["gross_margin"], facts, ["product"], FEB, today=date(2026, 6, 1))
    assert dict(by_product.iter_rows()) == pytest.approx({"P-1001": 0.20, "P-1002": 0.70})
    january = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    assert compute_one(["dpo", "purchase_spend"], facts, january, today=date(2026, 6, 1)) == pytest.approx(
        {"dpo": 49.6, "purchase_spend": 500})


def test_dso_is_declared_as_its_terms_times_the_days_of_the_period(case):
    """DSO of February: receivables open 1,100 / revenue 2,000 × 28 days = 15.4. The formula, the
    numerator and denominator panel and docs/kpis.md come from the declaration (no hand-written text);
    the days are a per-period factor, so the change is not split by members."""
    from dashboard.i18n import language
    from dashboard.kpi.explain import decomposable
    from dashboard.kpi.registry import KPIS
    from dashboard.ui.tiles import formula_table

    assert KPIS["dso"].formula_text is None and KPIS["dpo"].formula_text is None
    assert KPIS["dso"].formula("en") == "Receivables open / Σ Sales revenue × Days in the period"
    assert KPIS["dpo"].formula("zh") == "应付账款余额 / Σ 收货金额 × 本期天数"
    with language("en"):
        row = formula_table(["dso"], load_facts(case), FEB, date(2026, 6, 1)).row(0, named=True)
    assert row["Value"].startswith("15.4")
    assert row["Numerator"] == "Receivables open = 1,100 × Days in the period = 28"
    assert row["Denominator"] == "Sales revenue = 2,000"
    assert not decomposable("dso") and not decomposable("dpo")


def test_nothing_invoiced_is_unknown_not_zero(engine):
    masters(engine)
    assert compute_one(["ar_open", "dso"], load_facts(engine), FEB, today=date(2026, 6, 1)) == {"ar_open": None,
                                                                                                  "dso": None}


def test_cli_gives_the_receivables_by_month(case):
    env = dict(os.environ, PLANTKPI_DATABASE_URL=case.url.render_as_string(hide_password=False))
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "kpi", "--from", "2026-02-01", "--to", "2026-03-31",
                           "--by", "month", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {r["month"]: r for r in json.loads(done.stdout)["rows"]}
    assert rows["2026-02"]["ar_open"] == pytest.approx(1100) and rows["2026-03"]["ar_open"] == pytest.approx(500)
    assert rows["2026-02"]["dso"] == pytest.approx(15.4)


def test_a_payment_above_what_is_open_is_refused_and_nothing_is_written(case):
    """INV-2 has ¥500 open: 300 + 250 in one file would take 550."""
    data = csv("payment_no,invoice_no,side,date,amount", "RC-3,INV-2,ar,2026-03-20,300",
               "RC-4,INV-2,ar,2026-03-21,250")
    result = import_upload(case, "payments", data, "over.csv", "admin")
    assert result.rows_written == 0
    assert [(p.row, p.column, p.value) for p in result.errors] == [(2, "amount", "300"), (3, "amount", "250")]
    assert "500.00" in message(result.errors[0], "en") and "550.00" in message(result.errors[0], "en")
    # a second payment on INV-1 (already paid in full) is refused too, in Chinese
    again = import_upload(case, "payments", csv("payment_no,invoice_no,side,date,amount",
                                                "RC-5,INV-1,ar,2026-03-20,1"), "again.csv", "admin")
    assert again.rows_written == 0 and "超过其未结金额" in message(again.errors[0], "zh")
    with case.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM payments")).scalar() == 3


def test_a_sales_clerk_may_not_write_invoices(case):
    create_user(case, "admin", "admin-password-long", "admin", by=OWNER)
    create_user(case, "xiao", "sales-password-long", "clerk", "sales", by="admin")
    data = csv("invoice_no,side,party_code,invoice_date,due_date,amount", "INV-9,ar,C-001,2026-03-01,2026-03-31,10")
    result = import_upload(case, "invoices", data, "inv.csv", "xiao")
    assert result.rows_written == 0 and result.errors
    with case.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM invoices")).scalar() == 3


def test_wage_rates_are_never_overwritten_and_tickets_need_a_routing(case):
    """A piece rate change is a new row; the same key again, even with replace, is refused. The example
    routing runs P-1001 on INJ-01 only: a ticket for P-1001 on DMC-01 names the routing it lacks."""
    load(case, "wage_rates", csv("product_code,seq,piece_rate,valid_from", "P-1001,10,0.12,2026-01-01"))
    same = import_upload(case, "wage_rates", csv("product_code,seq,piece_rate,valid_from",
                                                 "P-1001,10,0.15,2026-01-01"), "r2.csv", "admin", replace=True)
    assert same.rows_written == 0 and same.errors[0].key == "ingest.val.append_only"
    load(case, "wage_rates", csv("product_code,seq,piece_rate,valid_from", "P-1001,10,0.15,2026-07-01"))
    with case.connect() as conn:
        rates = conn.execute(sa.text("SELECT valid_from, piece_rate FROM wage_rates ORDER BY valid_from")).all()
    assert [float(r[1]) for r in rates] == [0.12, 0.15]

    machine = example_row("machines")
    with write_transaction(case) as conn:
        insert_rows(conn, "machines", [{**machine, "machine_code": "DMC-01"}], new_batch(conn, "machines", "t", "cli"))
    ticket = csv("date,shift,employee_code,machine_code,product_code,good_qty,scrap_qty,hours",
                 "2026-02-02,A,E-0001,DMC-01,P-1001,100,2,7.5")
    refused = import_upload(case, "work_tickets", ticket, "t.csv", "admin")
    assert refused.rows_written == 0
    assert [(p.row, p.value) for p in refused.errors] == [(2, "P-1001 / DMC-01")]


def test_a_gbk_export_with_chinese_headers_imports_and_ages_the_same_day(engine):
    """A finance clerk's invoice export from a Chinese ERP: GB18030/GBK bytes, Chinese headers, the
    party named in Chinese columns. Imported as finance's clerk, the ageing shows it at once."""
    masters(engine)
    create_user(engine, "admin", "admin-password-long", "admin", by=OWNER)
    create_user(engine, "cai", "finance-password-long", "clerk", "finance", by="admin")
    export = ("发票号,应收/应付,往来单位,开票日期,到期日,金额\r\n"
              "FP-001,ar,C-001,2026/1/10,2026/2/9,\"1,250.50\"\r\n").encode("gbk")
    result = import_upload(engine, "invoices", export, "应收发票.csv", "cai")
    assert not result.errors, [message(p, "en") for p in result.errors]
    assert result.rows_written == 1 and "GB" in (result.info.encoding or "").upper()
    open_now = compute_one(["ar_open", "ar_1_30"], load_facts(engine), Filters(date_to=date(2026, 2, 28)),
                           today=date(2026, 2, 28))
    assert open_now == pytest.approx({"ar_open": 1250.50, "ar_1_30": 1250.50})  # 19 days past due
