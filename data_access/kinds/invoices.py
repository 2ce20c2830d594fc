"""Data kind `invoices` (应收应付, Finance): one invoice to a customer (ar) or from a supplier (ap).
Receivables and payables at a date are what the invoices dated on or before it leave open after the
payments dated on or before it (docs/kpis.md, Sales and finance)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, day, enum, not_after, qty

KIND = Kind(
    "invoices", "Invoices", "发票", "finance", date_field="invoice_date", cadence="monthly",  # 月结: monthly statements
    key=("side", "invoice_no"),
    fields=(
        code("invoice_no", "Invoice no.", "发票号", "invoice", "发票号码", example="INV-26001"),
        enum("side", "Receivable / payable", "应收/应付", ("ar", "ap"), "type", "类型", example="ar"),
        code("party_code", "Customer / supplier code", "客户/供应商编号", "party", "往来单位", ref="customers.customer_code|suppliers.supplier_code",
             example="C-001"),
        day("invoice_date", "Invoice date", "开票日期", "date", example="2026-01-20"),
        day("due_date", "Due date", "到期日", "payment due", example="2026-02-19"),
        qty("amount", "Amount", "金额", "invoice amount", "含税金额", integer=False, max=1e10, example=19000),
        code("order_no", "Sales order no.", "销售订单号", "order", required=False, example="SO-26001"),
        code("po_no", "PO no.", "采购单号", "po", required=False),
    ),
    rules=(not_after("due_date", "invoice_date", "due date is before the invoice date", "到期日早于开票日期"),
           Rule("amount_positive", ("amount",), pl.col("amount") > 0, "amount must be greater than 0",
                "金额必须大于 0", sql="amount > 0")),
)
