"""The demo plant's sales, finance and wage records (issue 16): who sells to whom on what terms, how
people are paid, piece rates, work tickets, and the invoices and payments of both sides.

Drawn from its own random stream (so adding them leaves every other demo figure as it was):
- customers: each has a salesperson from Sales (commission 1 % of shipped value) and terms of 30 days
  (class A), 45 (B) or 60 (C);
- employees: production pays by the piece, warehouse and quality by the hour, the offices a monthly
  salary (hourly rate × 174 h, the legal monthly average of 21.75 days × 8 h);
- wage_rates: each operation's rate is its standard labour time priced so that a year of piece pay
  equals what the production staff's hours would cost at their hourly rates (the pay sheet then lands
  near the labour cost the demo books, which adds ~15 % for social insurance); the plant raised every
  rate by 5 % on WAGE_RISE_MONTHS_AGO months ago (a new row, the old one stays);
- work_tickets: each production row's good and scrap are split over one or two workers of a fixed crew
  per machine and shift, so the tickets of a shift sum to its output;
- invoices: one per customer and month of shipments (dated the month's last day, due after its terms),
  one per supplier and month of receipts (60 days); payments mostly on the due date ± a few days, the
  LATE_PAYERS a month or more late, and one invoice of SLOW_PAYER left open for over 90 days.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

SEED_OFFSET = 16                      # the stream of this module: the demo's seed + 16
TERMS_DAYS = {"A": 30, "B": 45, "C": 60}
SUPPLIER_TERMS_DAYS = 60
COMMISSION_RATE = 0.01
SALARY_HOURS = 174.0                  # 21.75 working days × 8 h: the monthly pay of a salaried employee
WAGE_RISE_MONTHS_AGO = 6
WAGE_RISE = 1.05
LATE_PAYERS = ("C-012", "C-019")      # pay 30-50 days after the due date
SLOW_PAYER = "C-023"                  # one invoice never paid: over 90 days overdue by today
PIECE_DEPARTMENTS = ("production",)
HOURLY_DEPARTMENTS = ("warehouse", "quality")


def customers(customers: pl.DataFrame, employees: pl.DataFrame) -> pl.DataFrame:
    sellers = employees.filter((pl.col("department") == "sales") & pl.col("leave_date").is_null()) \
        .get_column("employee_code").sort().to_list()
    assigned = [sellers[i % len(sellers)] if sellers else None for i in range(customers.height)]
    return customers.with_columns(
        salesperson_code=pl.Series(assigned, dtype=pl.String),
        payment_terms_days=pl.col("abc_class").replace_strict(TERMS_DAYS, return_dtype=pl.Int64))


def employees(employees: pl.DataFrame) -> pl.DataFrame:
    dept = pl.col("department")
    basis = (pl.when(dept.is_in(PIECE_DEPARTMENTS)).then(pl.lit("piece"))
             .when(dept.is_in(HOURLY_DEPARTMENTS)).then(pl.lit("hourly")).otherwise(pl.lit("salary")))
    return employees.with_columns(
        pay_basis=basis,
        monthly_salary=pl.when(basis == "salary").then((pl.col("hourly_rate") * SALARY_HOURS).round(0)),
        commission_rate=pl.when(dept == "sales").then(pl.lit(COMMISSION_RATE)))


def price_per_standard_hour(production: pl.DataFrame, routings: pl.DataFrame, attendance: pl.DataFrame,
                            employees: pl.DataFrame) -> float:
    """¥ per hour of standard labour that pays the production staff what their hours cost."""
    labour = routings.sort("seq").group_by("product_code", "machine_code").agg(pl.col("labour_s").first())
    standard_h = (production.join(labour, on=["product_code", "machine_code"])
                  .select((pl.col("good_qty") * pl.col("labour_s")).sum() / 3600).item())
    staff = employees.filter(pl.col("department") == "production").select("employee_code", "hourly_rate")
    cost = attendance.join(staff, on="employee_code").select((pl.col("worked_h") * pl.col("hourly_rate")).sum()).item()
    return float(cost / standard_h) if standard_h else 0.0


def wage_rates(routings: pl.DataFrame, start: date, today: date, per_standard_hour: float) -> pl.DataFrame:
    ops = routings.group_by("product_code", "seq").agg(pl.col("labour_s").mean()).sort("product_code", "seq")
    rate = (pl.col("labour_s") / 3600 * per_standard_hour).round(3)
    month = today.replace(day=1)
    for _ in range(WAGE_RISE_MONTHS_AGO):
        month = (month - timedelta(days=1)).replace(day=1)
    before = ops.select("product_code", "seq", piece_rate=rate, valid_from=pl.lit(start))
    after = ops.select("product_code", "seq", piece_rate=(rate * WAGE_RISE).round(3), valid_from=pl.lit(month))
    return pl.concat([before, after]).sort("product_code", "seq", "valid_from")


def work_tickets(production: pl.DataFrame, employees: pl.DataFrame, start: date,
                 rng: np.random.Generator) -> pl.DataFrame:
    """A fixed crew per (machine, shift) from the production staff employed throughout the history;
    a row with two operators is split between the crew's two workers (the first takes the rounding)."""
    crew = employees.filter((pl.col("department") == "production") & pl.col("leave_date").is_null()
                            & (pl.col("hire_date") <= start)).get_column("employee_code").sort()
    if crew.len() == 0 or production.height == 0:
        return pl.DataFrame()
    slots = production.select("machine_code", "shift").unique().sort("machine_code", "shift")
    picks = rng.permutation(crew.len())
    slots = slots.with_columns(
        first=crew.gather(pl.Series(picks[np.arange(slots.height) * 2 % crew.len()])),
        second=crew.gather(pl.Series(picks[(np.arange(slots.height) * 2 + 1) % crew.len()])))
    rows = production.select("date", "shift", "machine_code", "product_code", "good_qty", "scrap_qty", "operators",
                             hours=pl.col("planned_min") / 60).join(slots, on=["machine_code", "shift"])
    two = pl.col("operators") >= 2
    first = rows.select("date", "shift", "machine_code", "product_code", employee_code=pl.col("first"),
                        good_qty=pl.when(two).then(pl.col("good_qty") - pl.col("good_qty") // 2)
                        .otherwise(pl.col("good_qty")),
                        scrap_qty=pl.when(two).then(pl.col("scrap_qty") - pl.col("scrap_qty") // 2)
                        .otherwise(pl.col("scrap_qty")),
                        hours=pl.col("hours"))
    second = rows.filter(two).select("date", "shift", "machine_code", "product_code", employee_code=pl.col("second"),
                                     good_qty=pl.col("good_qty") // 2, scrap_qty=pl.col("scrap_qty") // 2,
                                     hours=pl.col("hours"))
    return (pl.concat([first, second]).group_by("date", "shift", "employee_code", "machine_code", "product_code")
            .agg(pl.col("good_qty").sum(), pl.col("scrap_qty").sum(), pl.col("hours").max().round(2))
            .sort("date", "shift", "machine_code", "employee_code", "product_code"))


def _month_end(d: pl.Expr) -> pl.Expr:
    return d.dt.month_end()


def invoices_and_payments(shipments: pl.DataFrame, orders: pl.DataFrame, customers: pl.DataFrame,
                          receipts: pl.DataFrame, purchase_orders: pl.DataFrame, today: date,
                          rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    sold = (shipments.join(orders.select("order_no", "line_no", "customer_code", "unit_price"),
                           on=["order_no", "line_no"])
            .join(customers.select("customer_code", "payment_terms_days"), on="customer_code")
            .with_columns(invoice_date=_month_end(pl.col("ship_date")))
            .filter(pl.col("invoice_date") < today)
            .group_by("customer_code", "invoice_date", "payment_terms_days")
            .agg(amount=(pl.col("qty") * pl.col("unit_price")).sum().round(2))
            .sort("invoice_date", "customer_code"))
    ar = sold.select(pl.format("AR-{}-{}", pl.col("invoice_date").dt.strftime("%y%m"), pl.col("customer_code"))
                     .alias("invoice_no"), side=pl.lit("ar"), party_code="customer_code", invoice_date="invoice_date",
                     due_date=pl.col("invoice_date") + pl.duration(days=pl.col("payment_terms_days")),
                     amount="amount")
    bought = (receipts.join(purchase_orders.select("po_no", "line_no", "supplier_code", "unit_price"),
                            on=["po_no", "line_no"])
              .with_columns(invoice_date=_month_end(pl.col("receipt_date")))
              .filter(pl.col("invoice_date") < today)
              .group_by("supplier_code", "invoice_date")
              .agg(amount=(pl.col("qty") * pl.col("unit_price")).sum().round(2)).sort("invoice_date", "supplier_code"))
    ap = bought.select(pl.format("AP-{}-{}", pl.col("invoice_date").dt.strftime("%y%m"), pl.col("supplier_code"))
                       .alias("invoice_no"), side=pl.lit("ap"), party_code="supplier_code",
                       invoice_date="invoice_date",
                       due_date=pl.col("invoice_date") + pl.duration(days=SUPPLIER_TERMS_DAYS), amount="amount")
    invoices = pl.concat([ar, ap]).with_columns(order_no=pl.lit(None, pl.String), po_no=pl.lit(None, pl.String))

    n = invoices.height
    offset = rng.integers(-5, 6, size=n)                                 # within terms, a few days either way
    late = invoices.get_column("party_code").is_in(LATE_PAYERS).to_numpy()
    offset = np.where(late, rng.integers(30, 51, size=n), offset)
    slow = invoices.filter(pl.col("party_code") == SLOW_PAYER)
    never = set()
    overdue_90 = slow.filter(pl.col("due_date") < today - timedelta(days=95))
    if overdue_90.height:
        never.add(overdue_90.get_column("invoice_no")[-1])               # its newest invoice > 90 days overdue
    pay = invoices.with_columns(date=pl.col("due_date") + pl.duration(days=pl.Series(offset)))
    pay = pay.filter((pl.col("date") <= today) & ~pl.col("invoice_no").is_in(list(never)))
    split = rng.random(pay.height) < 0.25                                  # a quarter paid in two parts
    first = pay.with_columns(amount=pl.when(pl.Series(split)).then((pl.col("amount") * 0.5).round(2))
                             .otherwise(pl.col("amount")))
    second = pay.filter(pl.Series(split)).with_columns(
        amount=pl.col("amount") - (pl.col("amount") * 0.5).round(2), date=pl.col("date") + pl.duration(days=14))
    second = second.filter(pl.col("date") <= today)
    payments = pl.concat([first.with_columns(part=pl.lit(1)), second.with_columns(part=pl.lit(2))]).sort(
        "date", "invoice_no", "part")
    payments = payments.select(
        pl.format("{}-P{}", pl.col("invoice_no"), pl.col("part")).alias("payment_no"), "invoice_no", "side",
        "date", "amount")
    return invoices.sort("side", "invoice_date", "invoice_no"), payments


def generate(frames: dict[str, pl.DataFrame], start: date, today: date, seed: int) -> dict[str, pl.DataFrame]:
    """The new kinds' frames and the master data with their new columns."""
    rng = np.random.default_rng(seed + SEED_OFFSET)
    out = {"employees": employees(frames["employees"])}
    out["customers"] = customers(frames["customers"], out["employees"])
    per_hour = price_per_standard_hour(frames["production"], frames["routings"], frames["attendance"],
                                       frames["employees"])
    out["wage_rates"] = wage_rates(frames["routings"], start, today, per_hour)
    out["work_tickets"] = work_tickets(frames["production"], out["employees"], start, rng)
    out["invoices"], out["payments"] = invoices_and_payments(
        frames["shipments"], frames["orders"], out["customers"], frames["receipts"], frames["purchase_orders"],
        today, rng)
    return out
