"""Sales & finance (营销部, 财务部; docs/kpis.md "Sales and finance"): revenue, volume and margin by
period, product and customer; price trend; receivables ageing with the overdue customers first and a
drill-down to their open invoices; payables ageing."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi.charts_data import breakdown, clip_grain, trend
from dashboard.kpi.finance import BUCKETS, ageing_by_party, open_invoices
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, names, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["sales_revenue", "gross_margin", "sales_qty", "avg_price", "ar_open", "ar_overdue_share", "dso", "ap_open"]
TOP = 15

page = analysis_page("sales", ("product", "customer", "abc_class"))
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=4)
if page.empty("sales", "settlements"):
    st.stop()

grain = clip_grain(page.grain if page.grain != "day" else "week", filters.date_from, filters.date_to)
data = charts.with_labels(cached(trend, ["sales_revenue", "gross_margin", "avg_price"], facts, grain, filters,
                                 today=today), "period", grain)
left, right = st.columns(2)
with left:
    charts.draw(charts.trend_chart(data, "sales_revenue", "currency", title=t("analysis.sales.revenue"),
                                   value_title=kpi_name("sales_revenue"), x_title=t(f"analysis.grain.{grain}"),
                                   target="sales_revenue_target", bars=True), "sales_revenue")
with right:
    charts.draw(charts.trend_chart(data, "gross_margin", "ratio", title=t("analysis.sales.margin"),
                                   value_title=kpi_name("gross_margin"), x_title=t(f"analysis.grain.{grain}"),
                                   target="gross_margin_target"), "sales_margin")
charts.draw(charts.trend_chart(data, "avg_price", "currency", title=t("analysis.sales.price"),
                               value_title=kpi_name("avg_price"), x_title=t(f"analysis.grain.{grain}")), "sales_price")

left, right = st.columns(2)
for column, dim, key in ((left, "product", "sales_by_product"), (right, "customer", "sales_by_customer")):
    by = cached(breakdown, ["sales_revenue", "gross_margin"], facts, [dim], filters, today=today)
    by = with_names(by.sort("sales_revenue", descending=True).head(TOP), dim, facts, dim)
    with column:
        if by.height:
            charts.draw(charts.bar_chart(by.select("code", "name", value="sales_revenue"),
                                         title=t(f"analysis.sales.by_{dim}", n=min(TOP, by.height)),
                                         category_title=t(f"analysis.dim.{dim}"), value_title=kpi_name("sales_revenue"),
                                         unit="currency"), key)

# --- receivables and payables at the end of the period ------------------------------------------------
at = min(filters.date_to, today)
customers, suppliers = names(facts, "customer"), names(facts, "supplier")
bucket_headers = {b: t(f"analysis.sales.bucket.{b}") for b in BUCKETS}


def ageing_table(side: str, party_names: dict[str, str]) -> pl.DataFrame:
    table = cached(ageing_by_party, facts["settlements"], side, at)
    if filters.customer and side == "ar":
        table = table.filter(pl.col("party").is_in(list(filters.customer)))
    return table.select(pl.col("party").replace(party_names).alias(t(f"analysis.sales.party.{side}")),
                        pl.col("open").alias(t("analysis.sales.open")),
                        pl.col("overdue").alias(t("analysis.sales.overdue")),
                        *[pl.col(b).alias(h) for b, h in bucket_headers.items()]), table


money = {h: st.column_config.NumberColumn(h, format="¥%,.2f") for h in
         [t("analysis.sales.open"), t("analysis.sales.overdue"), *bucket_headers.values()]}
st.subheader(t("analysis.sales.ar_title", date=at.isoformat()))
shown, ar = ageing_table("ar", customers)
data_table(shown, "receivables", "sales_ar", column_config=money)
overdue = ar.filter(pl.col("overdue") > 0)
if overdue.height:
    options = {customers.get(c, c): c for c in overdue.get_column("party").to_list()}
    picked = st.selectbox(t("analysis.sales.pick_customer"), ["—", *options], key="sales_pick_customer")
    if picked != "—":
        invoices = open_invoices(facts["settlements"], "ar", at, options[picked])
        data_table(invoices.select(
            pl.col("invoice_no").alias(t("analysis.sales.invoice")), pl.col("due_date").alias(t("analysis.sales.due")),
            pl.col("days_overdue").alias(t("analysis.sales.days_overdue")), pl.col("open").alias(t("analysis.sales.open")),
            pl.col("bucket").replace(bucket_headers).alias(t("analysis.sales.bucket"))),
            "open_invoices", "sales_invoices",
            column_config={t("analysis.sales.open"): st.column_config.NumberColumn(format="¥%,.2f")})
st.subheader(t("analysis.sales.ap_title", date=at.isoformat()))
shown, _ = ageing_table("ap", suppliers)
data_table(shown, "payables", "sales_ap", column_config=money)
