"""The month's pay sheet (工资表, docs/kpis.md "Wages") from the `pay` fact: pure polars.

One line per employee (pieces, piece pay, hours, overtime, hourly pay, overtime premium, salary,
commission, total), the piece work behind it (per product and operation: pieces × rate), and per
department the total beside the labour costs booked for the month, with the difference.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

PAY_PARTS = ("piece_pay", "hourly_pay", "overtime_premium", "salary", "commission")


@dataclass(frozen=True)
class PaySheet:
    employees: pl.DataFrame    # employee, name, department, basis, pieces, piece_pay, hours, overtime_h, ..., total
    piece_work: pl.DataFrame   # employee, name, product, seq, rate, pieces, piece_pay
    departments: pl.DataFrame  # department, people, total, labour_cost, difference

    @property
    def total(self) -> float:
        return float(self.employees.get_column("total").sum()) if self.employees.height else 0.0


def pay_sheet(pay: pl.DataFrame, costs: pl.DataFrame, date_from: date, date_to: date) -> PaySheet:
    rows = (pay.filter(pl.col("date").is_between(date_from, date_to))  # the pay fact keeps them Categorical
            .with_columns(pl.col("name", "basis").cast(pl.String)))
    parts = [pl.col(p).sum().round(2) for p in PAY_PARTS]
    employees = (rows.group_by("employee", "name", "department", "basis")
                 .agg(pl.col("pieces").sum(), pl.col("hours").sum().round(2), pl.col("overtime_h").sum().round(2), *parts)
                 .with_columns(total=pl.sum_horizontal(*PAY_PARTS).round(2))
                 .sort("department", "employee"))
    piece_work = (rows.filter(pl.col("product").is_not_null())
                  .group_by("employee", "name", "product", "seq", "rate")
                  .agg(pl.col("pieces").sum(), pl.col("piece_pay").sum().round(2))
                  .sort("employee", "product", "seq", "rate"))
    booked = (costs.filter((pl.col("category") == "labour") & pl.col("date").is_between(date_from, date_to))
              .group_by("department").agg(labour_cost=pl.col("amount").sum()))
    departments = (employees.group_by("department").agg(people=pl.len(), total=pl.col("total").sum().round(2))
                   .join(booked, on="department", how="full", coalesce=True)
                   .with_columns(pl.col("people").fill_null(0), pl.col("total").fill_null(0.0))
                   .with_columns(difference=(pl.col("total") - pl.col("labour_cost")).round(2))
                   .sort("department"))
    return PaySheet(employees, piece_work, departments)
