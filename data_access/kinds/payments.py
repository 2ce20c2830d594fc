"""Data kind `payments` (收付款, Finance): money received on a receivable or paid on a payable.
Part payments are allowed; a payment that would take more than is open on its invoice is refused."""
import polars as pl

from data_access.kinds.base import Kind, Rule, Settles, code, day, enum, qty

KIND = Kind(
    "payments", "Payments", "收付款", "finance", date_field="date", cadence="event",  # when a customer pays
    key=("side", "payment_no"), composite_refs=((("side", "invoice_no"), "invoices"),),
    settles=Settles(target="invoices", on=("side", "invoice_no"), amount="amount", target_amount="amount"),
    fields=(
        code("payment_no", "Payment no.", "收付款单号", "payment", "单号", example="RC-26001"),
        code("invoice_no", "Invoice no.", "发票号", "invoice", example="INV-26001"),
        enum("side", "Receivable / payable", "应收/应付", ("ar", "ap"), "type", "类型", example="ar"),
        day("date", "Payment date", "收付款日期", example="2026-02-15"),
        qty("amount", "Amount", "金额", integer=False, max=1e10, example=10000),
    ),
    rules=(Rule("amount_positive", ("amount",), pl.col("amount") > 0, "amount must be greater than 0",
                "金额必须大于 0", sql="amount > 0"),),
)
