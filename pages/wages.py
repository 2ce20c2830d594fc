"""Wages (工资计算): the month's pay sheet per employee and per department, against the labour costs
booked, with XLSX and PDF. For admin, executives and the HR and Finance clerks (dashboard/navigation.py
lists it for them only; the check below holds for a link opened by anyone else)."""
from datetime import date

import polars as pl
import streamlit as st

from dashboard.commands.payroll import month_pay_sheet
from dashboard.i18n import t
from dashboard.reports.payroll import (DEPARTMENT_COLUMNS, EMPLOYEE_COLUMNS, PIECE_COLUMNS, UNIT_OF_FORMAT,
                                       labelled,
                                       render_payroll_pdf, render_payroll_xlsx)
from dashboard.reports.summary import last_complete_month, shift_month
from dashboard.i18n.numbers import fmt_value
from dashboard.ui.login import require_role
from dashboard.ui.tables import grid, unit_column
from dashboard.ui.page_frame import page_frame

engine, user, lang = page_frame()
st.title(t("nav.wages"))
require_role(user.role in ("admin", "executive") or (user.role == "clerk" and user.department in ("hr", "finance")),
             "pay.page.not_allowed")
st.caption(t("pay.page.intro"))

latest = last_complete_month(date.today())
months = [shift_month(latest, -i) for i in range(0, 18)]
month = st.selectbox(t("pay.page.month"), months, key="pay_month")
sheet = month_pay_sheet(engine, month)  # its facts are cached per data version
if sheet.employees.height == 0:
    st.info(t("pay.page.empty", month=month))
    st.stop()
st.metric(t("pay.col.total"), fmt_value(sheet.total, "currency"))


def shown(frame: pl.DataFrame, columns) -> pl.DataFrame:
    return labelled(frame, lang).select([pl.col(name).alias(t(label)) for name, label, _, _ in columns])


def table(frame: pl.DataFrame, columns) -> None:
    """A pay table, each number in its unit as in the PDF (¥1,234.56, −¥4,351.00, 12.5)."""
    config = {t(label): unit_column(UNIT_OF_FORMAT[fmt]) for _, label, fmt, _ in columns if fmt}
    grid(shown(frame, columns), column_config=config)


st.subheader(t("pay.sheet.departments"))
table(sheet.departments, DEPARTMENT_COLUMNS)
st.subheader(t("pay.sheet.employees"))
table(sheet.employees, EMPLOYEE_COLUMNS)
pieceworkers = sheet.piece_work.select("employee", "name").unique().sort("employee")
if pieceworkers.height:
    options = {f"{e} {n}": e for e, n in pieceworkers.iter_rows()}
    who = st.selectbox(t("pay.page.employee_filter"), list(options), key="pay_worker")
    table(sheet.piece_work.filter(pl.col("employee") == options[who]), PIECE_COLUMNS)
left, right = st.columns(2)
left.download_button(t("pay.page.download_xlsx"), render_payroll_xlsx(sheet, month, lang), f"pay-{month}.xlsx",
                     key="pay_xlsx", on_click="ignore")
right.download_button(t("pay.page.download_pdf"), lambda: render_payroll_pdf(sheet, month, lang), f"pay-{month}.pdf",
                      key="pay_pdf", on_click="ignore")
