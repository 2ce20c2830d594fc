"""SQL -> the KPI engine's facts: prepared polars frames with standard dimension columns.

The KPI engine (dashboard.kpi) takes polars frames only; this module reads the kinds it needs
(through Arrow; the large kinds only the columns their fact uses), joins master data onto the
transactions and renames columns to the standard dimensions: date, line, machine, product, shift,
customer, abc_class, reason, stage, supplier, department, category, material. Each fact is built
once per data version (per database) and cached; a write bumps the version and the next read
rebuilds it.

Reading: each fact declares its input kinds (INPUTS). Facts.prefetch(names) — called by the
engine for the facts a request needs, and by load_facts(engine, names) — reads every input not
cached yet in one concurrent round (loaders.read_sql_many), a large kind in id ranges, one per
reader. The parts of one kind are separate read transactions: a write landing between them is
seen by one part only until the next rerun, which sees the new data version and reads again.

Windows: load_facts(engine, names, window=(from, to)) (or several ranges) builds the WINDOWED facts
from the rows dated in the window only (loaders.date_where: the range in the SQL, on the indexed date
field), cached per window; the other facts are the whole-history ones. The engine still learns each
windowed fact's first date over the whole history (Facts.known_first_date), so "before the data
start" is decided as with whole facts. A window's reads start only the SQLite readers they need.

Choices worth knowing:
- production.seq: the routing operation of the row (SPEC §3 Operations: routings seq for its
  product and machine; alternative machines of one operation share the seq), with that machine's
  ideal_cycle_s; when a product passes the same machine in several operations, the lowest seq is
  used (production is reported per machine, not per operation, so they cannot be told apart).
  first_op / last_op: the row is at its product's lowest / highest seq (finished output is the good
  of the last operation). A row whose product has no routing on its machine has seq null and
  first_op = last_op = false: it is counted as "no routing", never as finished output.
- bom_requirements: (good + scrap) at the BOM's consuming operation (bom.seq, empty = the
  product's first operation) x qty_per_unit, on the line of the machines that ran that operation.
- reasons not in the reasons master (or left empty) show as "Unassigned".
- costs are monthly: a month's costs are dated on its first day.
- material_moves: issued material = issue − return; valued at the material's standard price.
- headcount: one row per day and department from the first attendance record (the first hire
  when there is none) to the later of the last recorded date and today; an employee counts from
  hire_date through leave_date.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import data_version, get_engine
from data_access.kinds.base import DEPARTMENTS
from data_access.loaders import (Window, as_window, cache_kind, cached_kind, conform, date_where, first_date,
                                 kind_query, load_kind, parallel_reads, read_sql_many, schema_of)

UNASSIGNED = "Unassigned"  # same text as dashboard.kpi.registry.UNASSIGNED (data_access may not import dashboard)

_cache: dict[tuple[str, str], tuple[int, pl.DataFrame]] = {}
_lock = threading.Lock()

# The large kinds are read by column (only what their fact uses); the others whole, shared with load_kind.
COLUMN_READS: dict[str, tuple[str, ...]] = {
    "production": ("date", "shift", "machine_code", "product_code", "planned_min", "downtime_min", "planned_qty",
                   "input_qty", "total_qty", "good_qty", "defect_qty", "scrap_qty", "labour_h"),
    "orders": ("id", "order_no", "line_no", "customer_code", "product_code", "order_date", "promised_date", "qty",
               "unit_price"),
    "shipments": ("order_no", "line_no", "ship_date", "qty"),
    "surveys": ("date", "customer_code", "score", "nps", "quality", "delivery", "service"),
}
# The kinds each fact is built from (INPUTS) and the facts it is built on (USES): prefetch reads them together.
INPUTS: dict[str, tuple[str, ...]] = {
    "production": ("production", "routings", "machines", "products"),
    "scrap": ("scrap", "products", "reasons", "machines"),
    "downtime": ("downtime", "reasons", "machines"),
    "maintenance": ("maintenance", "machines"),
    "inspections": ("inspections", "products", "reasons", "machines"),
    "order_lines": ("orders", "customers"),
    "order_shipments": ("shipments",),
    "po_lines": ("purchase_orders", "materials"),
    "po_receipts": ("receipts",),
    "surveys": ("surveys", "customers"),
    "complaints": ("complaints", "reasons", "customers"),
    "employees": ("employees",),
    "attendance": ("attendance", "employees", "hr_events"),
    "headcount": ("attendance", "employees", "hr_events"),
    "hr_events": ("hr_events", "employees"),
    "projects": ("projects",),
    "costs": ("costs",),
    "material_issues": ("material_moves", "materials"),
    "bom_requirements": ("bom", "materials", "routings"),
    "material_moves": ("material_moves",),
    "stocktakes": ("stocktake",),
    "targets": ("targets",),
    "routings": ("routings",),
    "sales": ("products", "customers", "costs"),
    "settlements": ("invoices", "payments", "customers"),
    "pay": ("work_tickets", "wage_rates", "routings", "attendance", "employees", "customers"),
}
USES: dict[str, tuple[str, ...]] = {"order_shipments": ("order_lines",), "bom_requirements": ("production",),
                                    "sales": ("order_shipments", "order_lines"), "po_receipts": ("po_lines",),
                                    "pay": ("sales",)}
# Facts whose rows are exactly the rows of the dated kind of the same name (masters joined on), dated by
# its date field: Facts for a window (load_facts(..., window=...)) read only that kind's rows in the
# window, the date range in the SQL. Every other fact is read whole even then, because its figures need
# history outside any period: balances (settlements: every change up to the period end), open order
# lines (promised before the period, shipped in or after it) and what is built on them (deliveries,
# sales, pay), receipts of older PO lines, headcount from hire dates, stock from every move, and facts
# built on other facts (bom_requirements).
WINDOWED = ("production", "scrap", "downtime", "inspections", "surveys", "complaints", "attendance", "costs")
SMALL_KINDS = ("reasons", "bom", "materials", "products", "machines", "lines", "customers", "suppliers",
               "routings", "targets", "wage_rates", "employees")  # master data: hundreds of rows
SPLIT_ROWS = 250_000  # a column read spanning more ids than this is split into concurrent id ranges

# Column reads and window reads waiting for their fact to be built, by (url, kind, window or None);
# each feeds one fact and is taken when used.
_reads: dict[tuple[str, str, Window | None], tuple[int, pl.DataFrame]] = {}
_window_facts: dict[tuple[str, str, Window], tuple[int, pl.DataFrame]] = {}  # the last few windows' facts
_first_dates: dict[tuple[str, str], tuple[int, date]] = {}
WINDOW_CACHE = 16  # windowed facts kept (a page's facts are whole-history, cached per data version)


def _column_query(kind: str, where: str = "") -> str:
    return f'SELECT {", ".join(chr(34) + c + chr(34) for c in COLUMN_READS[kind])} FROM "{kind}"{where}'


def _id_ranges(engine: Engine, kinds: list[str], conditions: Mapping[str, str] | None = None
               ) -> dict[str, list[str]]:
    """WHERE clauses cutting each large kind (its rows meeting `conditions[kind]`, if any) into one id
    range per concurrent reader."""
    parts = parallel_reads()
    if parts < 2 or not kinds:
        return {}
    conditions = conditions or {}
    where = {k: f" WHERE {conditions[k]}" if conditions.get(k) else "" for k in kinds}
    bounds = ", ".join(f'(SELECT MIN(id) FROM "{k}"{where[k]}), (SELECT MAX(id) FROM "{k}"{where[k]})'
                       for k in kinds)
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"SELECT {bounds}")).one()
    out = {}
    for i, kind in enumerate(kinds):
        low, high = row[2 * i], row[2 * i + 1]
        if low is None or high - low + 1 <= SPLIT_ROWS:
            continue
        cuts = [low - 1 + (high - low + 1) * p // parts for p in range(parts)] + [high]
        extra = f" AND {conditions[kind]}" if conditions.get(kind) else ""
        out[kind] = [f" WHERE id > {a} AND id <= {b}{extra}" for a, b in zip(cuts, cuts[1:])]
    return out


def read_plan(engine: Engine, kinds: list[str], window: Window | None = None, windowed: Iterable[str] = ()
              ) -> list[tuple[str, str]]:
    """(kind, SELECT) for reading these kinds as facts do: large kinds by column, in id ranges; the
    kinds in `windowed` only their rows in the window (date_where)."""
    conditions = {k: date_where(k, window) for k in windowed} if window else {}
    columns = [k for k in kinds if k in COLUMN_READS]
    ranges = _id_ranges(engine, columns, conditions)

    def where(kind: str) -> str:
        return f" WHERE {conditions[kind]}" if conditions.get(kind) else ""

    return ([(k, _column_query(k, w)) for k in columns for w in ranges.get(k, [where(k)])]
            + [(k, kind_query(k) + where(k)) for k in kinds if k not in COLUMN_READS])


def _read_key(engine: Engine, kind: str, window: Window | None) -> tuple[str, str, Window | None]:
    return str(engine.url), kind, window


def _read_inputs(engine: Engine, version: int, kinds: Iterable[str], window: Window | None = None,
                 windowed: Iterable[str] = ()) -> None:
    """Read the kinds not cached yet, all concurrently, large column reads split by id range; the kinds
    in `windowed` (also listed in `kinds`) only their rows in the window."""
    windowed = set(windowed) if window else set()
    wanted = list(dict.fromkeys(kinds))
    with _lock:
        held = [k for k in wanted if k in COLUMN_READS or k in windowed]
        held = [k for k in held if _reads.get(_read_key(engine, k, window if k in windowed else None),
                                              (None,))[0] != version]
    whole = [k for k in wanted if k not in COLUMN_READS and k not in windowed
             and cached_kind(engine, version, k) is None]
    if not held and not whole:
        return
    for kind, frame in _fetch(engine, version, held + whole, window, windowed).items():
        with _lock:
            _reads[_read_key(engine, kind, window if kind in windowed else None)] = (version, frame)


def _fetch(engine: Engine, version: int, kinds: list[str], window: Window | None = None,
           windowed: Iterable[str] = ()) -> dict[str, pl.DataFrame]:
    """One concurrent round of reads: the column reads' and window reads' frames; whole kinds go to
    load_kind's cache."""
    windowed = set(windowed) if window else set()
    plan = read_plan(engine, kinds, window, windowed)

    def typed(i: int, frame: pl.DataFrame) -> pl.DataFrame:  # in the reading thread, while others read
        kind = plan[i][0]
        if kind in COLUMN_READS:
            return conform(frame, kind, list(COLUMN_READS[kind]))
        return conform(frame, kind) if kind in windowed else cache_kind(engine, version, kind, frame)

    # A window's reads are small but for the large kinds split by id range (and whole-history reads of
    # large kinds): that many readers, not the whole pool — a CLI run would pay for starting the rest.
    big = sum(1 for k, _ in plan if k not in SMALL_KINDS and k not in windowed) + \
        max([sum(1 for k2, _ in plan if k2 == k) for k in windowed if k in COLUMN_READS] or [0])
    frames = read_sql_many([q for _, q in plan], engine, then=typed, workers=max(1, big) if window else None)
    out = {}
    for kind in (k for k in kinds if k in COLUMN_READS or k in windowed):
        parts = [f for (k, _), f in zip(plan, frames) if k == kind]
        out[kind] = parts[0] if len(parts) == 1 else pl.concat(parts, rechunk=False)
    return out


def _reason_label(frame: pl.DataFrame, reasons: pl.DataFrame, column: str = "reason_code") -> pl.DataFrame:
    known = reasons.get_column("reason_code").to_list()
    return frame.with_columns(
        reason=pl.when(pl.col(column).is_in(known)).then(pl.col(column)).otherwise(pl.lit(UNASSIGNED)))


def _machine_lines(b: _Builder) -> pl.DataFrame:
    return b.kind("machines").select(machine=pl.col("machine_code"), line=pl.col("line_code"))


class _Builder:
    def __init__(self, engine: Engine, version: int, window: Window | None = None):
        self.engine, self.version, self.window = engine, version, window
        self.building: list[str] = []

    def kind(self, name: str) -> pl.DataFrame:
        """A kind's rows (the COLUMN_READS columns of a large kind); only the inputs declared for the fact.
        Building a WINDOWED fact for a window: its own kind's rows in the window only."""
        fact = self.building[-1]
        if name not in INPUTS.get(fact, ()):
            raise KeyError(f"fact {fact!r} reads {name!r}: add it to data_access.facts.INPUTS")
        in_window = self.window is not None and name == fact and fact in WINDOWED
        if name not in COLUMN_READS and not in_window:
            return load_kind(name, self.engine, self.version)
        window, windowed = (self.window, (name,)) if in_window else (None, ())
        _read_inputs(self.engine, self.version, [name], window, windowed)
        key = _read_key(self.engine, name, window)
        with _lock:  # taken, not kept: the fact built from it is what stays cached
            hit = _reads.get(key)
            if hit is not None and hit[0] == self.version:
                del _reads[key]
                return hit[1]
        # another session building the same fact took it meanwhile: a read of its own
        return _fetch(self.engine, self.version, [name], window, windowed)[name]


def operations(routings: pl.DataFrame) -> pl.DataFrame:
    """product, machine -> seq (the lowest operation of that product on that machine), its
    ideal_cycle_s, and first_op / last_op (that seq is the product's lowest / highest)."""
    bounds = routings.group_by("product_code").agg(first=pl.col("seq").min(), last=pl.col("seq").max())
    return (routings.sort("seq").group_by("product_code", "machine_code")
            .agg(pl.col("seq").first(), pl.col("ideal_cycle_s").first())
            .join(bounds, on="product_code", how="left")
            .select(product=pl.col("product_code"), machine=pl.col("machine_code"),
                    seq=pl.col("seq").cast(pl.Int64), ideal_cycle_s=pl.col("ideal_cycle_s"),
                    first_op=pl.col("seq") == pl.col("first"), last_op=pl.col("seq") == pl.col("last")))


def _production(b: _Builder) -> pl.DataFrame:
    rows = b.kind("production").rename({"machine_code": "machine", "product_code": "product"})
    costs = b.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    # line, operation, cycle and cost depend on (machine, product) only: look them up for the
    # distinct pairs, then one join of the million rows instead of three
    pairs = (rows.select("machine", "product").unique().join(_machine_lines(b), on="machine", how="left")
             .join(operations(b.kind("routings")), on=["product", "machine"], how="left")
             .join(costs, on="product", how="left")
             .with_columns(pl.col("first_op", "last_op").fill_null(False)))
    return rows.join(pairs, on=["machine", "product"], how="left", maintain_order="left")


def _scrap(b: _Builder) -> pl.DataFrame:
    rows = b.kind("scrap").rename({"machine_code": "machine", "product_code": "product"})
    costs = b.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    return (_reason_label(rows, b.kind("reasons")).join(_machine_lines(b), on="machine", how="left")
            .join(costs, on="product", how="left")
            .select("date", "shift", "machine", "line", "product", "reason", "qty",
                    value=pl.col("qty") * pl.col("standard_cost")))


def _downtime(b: _Builder) -> pl.DataFrame:
    rows = b.kind("downtime").rename({"machine_code": "machine"})
    categories = b.kind("reasons").select("reason_code", "category")
    return (_reason_label(rows, b.kind("reasons")).join(_machine_lines(b), on="machine", how="left")
            .join(categories, on="reason_code", how="left")
            .select("date", "shift", "machine", "line", "reason",
                    pl.col("category").fill_null(UNASSIGNED), "minutes"))


def _maintenance(b: _Builder) -> pl.DataFrame:
    """Repairs, PM work and the PM plan (date = the start's day, hours = end − start; empty status = done)."""
    rows = b.kind("maintenance").rename({"machine_code": "machine"}).join(_machine_lines(b), on="machine", how="left")
    return rows.select("machine", "line", "type", "start", "end", "planned_date", "cost", "note",
                       date=pl.col("start").dt.date(), status=pl.col("status").fill_null("done"),
                       hours=(pl.col("end") - pl.col("start")).dt.total_seconds() / 3600)


def _inspections(b: _Builder) -> pl.DataFrame:
    rows = b.kind("inspections").rename({"machine_code": "machine", "supplier_code": "supplier"})
    products = b.kind("products").get_column("product_code").to_list()
    return (_reason_label(rows, b.kind("reasons")).join(_machine_lines(b), on="machine", how="left")
            .select("date", "stage", "lot_no", "machine", "line", "supplier", "reason", "disposition",
                    product=pl.when(pl.col("item_code").is_in(products)).then(pl.col("item_code")),
                    material=pl.when(~pl.col("item_code").is_in(products)).then(pl.col("item_code")),
                    inspected_qty="inspected_qty", passed_first_qty="passed_first_qty",
                    rejected_qty="rejected_qty"))


def _customers(b: _Builder) -> pl.DataFrame:
    return b.kind("customers").select(customer=pl.col("customer_code"), abc_class=pl.col("abc_class"))


def _order_lines(b: _Builder) -> pl.DataFrame:
    """line_id (the order line's row id) is a compact key for matching shipments to lines."""
    return (b.kind("orders").rename({"customer_code": "customer", "product_code": "product", "id": "line_id"})
            .join(_customers(b), on="customer", how="left")
            .select("line_id", "order_no", "line_no", "customer", "abc_class", "product", "order_date",
                    "promised_date", pl.col("qty").cast(pl.Float64), "unit_price"))


def _order_shipments(b: _Builder) -> pl.DataFrame:
    lines = b.facts["order_lines"].select("line_id", "order_no", "line_no", "customer", "abc_class", "product")
    return (b.kind("shipments").join(lines, on=["order_no", "line_no"], how="left")
            .select("line_id", "order_no", "line_no", "customer", "abc_class", "product",
                    date=pl.col("ship_date"), qty=pl.col("qty").cast(pl.Float64)))


def _po_lines(b: _Builder) -> pl.DataFrame:
    prices = b.kind("materials").select(material=pl.col("material_code"), standard_price=pl.col("standard_price"))
    return (b.kind("purchase_orders").rename({"supplier_code": "supplier", "material_code": "material"})
            .join(prices, on="material", how="left")
            .select("po_no", "line_no", "supplier", "material", date=pl.col("order_date"),
                    promised_date=pl.col("promised_date"), qty=pl.col("qty"), unit_price=pl.col("unit_price"),
                    standard_price=pl.col("standard_price")))


def _po_receipts(b: _Builder) -> pl.DataFrame:
    """Receipts with their PO line's supplier, material and price (value = qty × PO unit_price)."""
    lines = b.facts["po_lines"].select("po_no", "line_no", "supplier", "material", "unit_price")
    return (b.kind("receipts").join(lines, on=["po_no", "line_no"], how="left")
            .select("po_no", "line_no", "supplier", "material", date=pl.col("receipt_date"), qty=pl.col("qty"),
                    accepted_qty=pl.col("accepted_qty"), value=pl.col("qty") * pl.col("unit_price")))


def _salespeople(b: _Builder) -> pl.DataFrame:
    return b.kind("customers").select(customer=pl.col("customer_code"),
                                      salesperson=pl.col("salesperson_code").fill_null(UNASSIGNED))


def _sales(b: _Builder) -> pl.DataFrame:
    """Shipments valued at the order line's price and the product's standard cost. A month's transport
    costs (costs, category transport) are spread over that month's shipments by their value, so margin
    by customer or product carries its share of freight; a month with transport costs but no shipments has
    no sales to carry them (they stay in total_cost)."""
    prices = b.facts["order_lines"].select("line_id", "unit_price")
    costs = b.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    rows = (b.facts["order_shipments"].join(prices, on="line_id", how="left").join(costs, on="product", how="left")
            .join(_salespeople(b), on="customer", how="left")
            .with_columns(revenue=pl.col("qty") * pl.col("unit_price"),
                          cost_value=pl.col("qty") * pl.col("standard_cost"),
                          _month=pl.col("date").dt.truncate("1mo")))
    transport = (b.kind("costs").filter(pl.col("category") == "transport")
                 .group_by(_month=(pl.col("month") + "-01").str.to_date("%Y-%m-%d"))
                 .agg(_transport=pl.col("amount").sum()))
    share = pl.col("revenue") / pl.col("revenue").sum().over("_month")
    return (rows.join(transport, on="_month", how="left")
            .with_columns(transport=(pl.col("_transport").fill_null(0.0) * share).fill_nan(0.0).fill_null(0.0))
            .select("date", "customer", "abc_class", "product", "salesperson", "qty", "revenue", "cost_value",
                    "transport"))


AGEING_DAYS = (0, 30, 60, 90)  # overdue by more than 0 / 30 / 60 / 90 days: the buckets' lower edges


def settlement_changes(invoices: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Receivables and payables as dated changes, so that any balance at a date D is the sum of the
    changes dated ≤ D: `open` +amount on the invoice date, −payment on its date; `over_N` (overdue by more
    than N days, N in AGEING_DAYS) +amount on due_date + N + 1 and −payment on the later of its date and
    that day (a payment before an invoice falls overdue never counts as overdue)."""
    inv = invoices.select("side", "invoice_no", "party_code", "invoice_date", "due_date", "amount")
    pay = payments.join(inv.select("side", "invoice_no", "party_code", "due_date"), on=["side", "invoice_no"],
                        how="inner").select("side", "invoice_no", "party_code", "due_date", "date", "amount")
    keys = ("side", "invoice_no", "party_code", "due_date")
    parts = [inv.select(*keys, date=pl.col("invoice_date"), measure=pl.lit("open"), change=pl.col("amount")),
             pay.select(*keys, "date", measure=pl.lit("open"), change=-pl.col("amount"))]
    for n in AGEING_DAYS:
        overdue_from = pl.col("due_date") + pl.duration(days=n + 1)
        parts += [inv.select(*keys, date=overdue_from, measure=pl.lit(f"over_{n}"), change=pl.col("amount")),
                  pay.select(*keys, date=pl.max_horizontal("date", overdue_from), measure=pl.lit(f"over_{n}"),
                             change=-pl.col("amount"))]
    return pl.concat(parts, how="vertical_relaxed").with_columns(pl.col("change").cast(pl.Float64))


OVERTIME_PREMIUM = 0.5  # on top of the hours already paid: overtime at 150 % (PRC Labour Law art. 44)
PAY_COLUMNS = ("piece_pay", "hourly_pay", "overtime_premium", "salary", "commission")


def pay_rows(tickets: pl.DataFrame, rates: pl.DataFrame, routings: pl.DataFrame, attendance: pl.DataFrame,
             employees: pl.DataFrame, sales: pl.DataFrame) -> pl.DataFrame:
    """What each employee earns, as dated rows (docs/kpis.md "Wages"), by pay basis (empty = hourly):
    - piece: Σ good_qty of the work tickets × the piece rate valid on the ticket's date (latest
      valid_from ≤ date) for the product and the ticket's operation (its routing seq on that machine);
    - hourly: worked_h × hourly_rate (worked hours include overtime);
    - piece and hourly: overtime premium = overtime_h × hourly_rate × 0.5;
    - salary: monthly_salary for each month of the attendance record, in proportion to the days of
      the month the employee was employed, dated the month's first day;
    - anyone with a commission_rate: that share of the sales revenue of the customers they look after.
    Columns: date, employee, department, name, basis, product, seq (piece rows), pieces, rate, hours,
    overtime_h and one column per PAY_COLUMNS (0 where a row pays no such thing)."""
    people = employees.select(employee=pl.col("employee_code"), department="department", name="name",
                              basis=pl.col("pay_basis").fill_null("hourly"), hourly_rate="hourly_rate",
                              monthly_salary="monthly_salary", commission_rate="commission_rate",
                              hire_date="hire_date", leave_date="leave_date")
    zero = {c: pl.lit(0.0) for c in PAY_COLUMNS}
    seqs = operations(routings).select(product_code="product", machine_code="machine", seq="seq")
    dated_rates = rates.select("product_code", pl.col("seq").cast(pl.Int64), "piece_rate", "valid_from").sort("valid_from")
    piece = (tickets.join(seqs, on=["product_code", "machine_code"], how="left")
             .sort("date").join_asof(dated_rates, left_on="date", right_on="valid_from", by=["product_code", "seq"],
                                     check_sortedness=False)  # both sorted by date; the check cannot see it per group
             .rename({"employee_code": "employee"})
             .join(people.select("employee", "basis"), on="employee", how="inner").filter(pl.col("basis") == "piece")
             .select("date", "employee", product="product_code", seq="seq", pieces=pl.col("good_qty").cast(pl.Float64),
                     rate="piece_rate", hours=pl.col("hours").cast(pl.Float64), overtime_h=pl.lit(0.0),
                     **(zero | {"piece_pay": pl.col("good_qty") * pl.col("piece_rate").fill_null(0.0)})))
    worked = (attendance.rename({"employee_code": "employee"}).join(people, on="employee", how="inner")
              .filter(pl.col("basis").is_in(["hourly", "piece"]))
              .select("date", "employee", product=pl.lit(None, pl.String), seq=pl.lit(None, pl.Int64),
                      pieces=pl.lit(0.0), rate=pl.lit(None, pl.Float64),
                      hours=pl.col("worked_h").cast(pl.Float64), overtime_h=pl.col("overtime_h").cast(pl.Float64),
                      **(zero | {"hourly_pay": pl.when(pl.col("basis") == "hourly")
                                 .then(pl.col("worked_h") * pl.col("hourly_rate")).otherwise(0.0),
                                 "overtime_premium": pl.col("overtime_h") * pl.col("hourly_rate") * OVERTIME_PREMIUM})))
    months = (attendance.select(pl.col("date").dt.truncate("1mo").unique().alias("date"))
              if attendance.height else pl.DataFrame(schema={"date": pl.Date}))
    month_end = pl.col("date").dt.month_end()
    employed_from = pl.max_horizontal("date", "hire_date")
    employed_to = pl.min_horizontal(month_end, pl.col("leave_date").fill_null(month_end))
    share = ((employed_to - employed_from).dt.total_days() + 1).clip(0) / month_end.dt.day()
    salary = (people.filter((pl.col("basis") == "salary") & pl.col("monthly_salary").is_not_null())
              .join(months, how="cross")
              .select("date", "employee", product=pl.lit(None, pl.String), seq=pl.lit(None, pl.Int64),
                      pieces=pl.lit(0.0), rate=pl.lit(None, pl.Float64), hours=pl.lit(0.0), overtime_h=pl.lit(0.0),
                      **(zero | {"salary": (pl.col("monthly_salary") * share).round(2)}))
              .filter(pl.col("salary") > 0))
    commission = (sales.join(people.select(salesperson="employee", rate_="commission_rate"), on="salesperson",
                             how="inner").filter(pl.col("rate_") > 0)
                  .select("date", employee="salesperson", product=pl.lit(None, pl.String), seq=pl.lit(None, pl.Int64),
                          pieces=pl.lit(0.0), rate=pl.lit(None, pl.Float64), hours=pl.lit(0.0),
                          overtime_h=pl.lit(0.0), **(zero | {"commission": pl.col("revenue") * pl.col("rate_")})))
    rows = pl.concat([piece, worked, salary, commission], how="vertical_relaxed")
    return (rows.join(people.select("employee", "department", "name", "basis"), on="employee", how="left")
            .with_columns([pl.col(c).cast(pl.Float64) for c in PAY_COLUMNS]))


def _pay(b: _Builder) -> pl.DataFrame:
    return pay_rows(b.kind("work_tickets"), b.kind("wage_rates"), b.kind("routings"), b.kind("attendance"),
                    b.kind("employees"), b.facts["sales"])


def _settlements(b: _Builder) -> pl.DataFrame:
    """settlement_changes with the party as customer (ar) or supplier (ap)."""
    changes = settlement_changes(b.kind("invoices"), b.kind("payments"))
    ar = pl.col("side") == "ar"
    return (changes.with_columns(customer=pl.when(ar).then(pl.col("party_code")),
                                 supplier=pl.when(~ar).then(pl.col("party_code")))
            .join(_customers(b), on="customer", how="left").join(_salespeople(b), on="customer", how="left")
            .select("date", "side", "measure", "change", "invoice_no", "due_date", "customer", "abc_class",
                    "salesperson", "supplier"))


def _surveys(b: _Builder) -> pl.DataFrame:
    return (b.kind("surveys").rename({"customer_code": "customer"}).join(_customers(b), on="customer", how="left")
            .select("date", "customer", "abc_class", "score", "nps", "quality", "delivery", "service"))


def _complaints(b: _Builder) -> pl.DataFrame:
    rows = b.kind("complaints").rename({"customer_code": "customer", "product_code": "product"})
    return (_reason_label(rows, b.kind("reasons")).join(_customers(b), on="customer", how="left")
            .select("complaint_no", "date", "customer", "abc_class", "product", "reason", "severity",
                    "qty_affected", "cost", "closed_date",
                    days_to_close=(pl.col("closed_date") - pl.col("date")).dt.total_days().cast(pl.Float64)))


def _employees(b: _Builder) -> pl.DataFrame:
    return b.kind("employees").select(employee=pl.col("employee_code"), department=pl.col("department"),
                                      hire_date=pl.col("hire_date"), leave_date=pl.col("leave_date"),
                                      hourly_rate=pl.col("hourly_rate"), name=pl.col("name"))


def _attendance(b: _Builder) -> pl.DataFrame:
    """Each day's record in the employee's department that day (transfers move it, employee_departments)."""
    rows = b.kind("attendance").rename({"employee_code": "employee"})
    employees = _employees(b)
    stints = employee_departments(employees, _optional_kind(b, "hr_events"))
    rows = rows.join(employees.select("employee", "department"), on="employee", how="left")
    moved = stints.filter(pl.len().over("employee") > 1)
    if moved.height:  # only the rows of those who moved are placed by date (the others: the register's)
        mine = pl.col("employee").is_in(moved.get_column("employee").unique().implode())
        placed = (rows.filter(mine).rename({"department": "_register"}).sort("date")
                  .join_asof(moved.select("employee", "department", "start").sort("start"), left_on="date",
                             right_on="start", by="employee", strategy="backward", check_sortedness=False)
                  .with_columns(department=pl.coalesce("department", "_register")))  # a day before hire_date
        rows = pl.concat([rows.filter(~mine), placed.select(rows.columns)]).sort("date", maintain_order=True)
    return rows.select("date", "employee", "department", "scheduled_h", "worked_h", "overtime_h", "absence")


TRANSFER_PREFIX = "to:"  # hr_events transfer detail "to:<department> [from:<department>] ..." (dashboard.kpi.people)


def _optional_kind(b: _Builder, name: str) -> pl.DataFrame:
    """A kind frame, or its empty frame when the caller's frames (FrameFacts) do not hold it."""
    try:
        return b.kind(name)
    except KeyError:
        return pl.DataFrame(schema=schema_of(name))


def employee_departments(employees: pl.DataFrame, hr_events: pl.DataFrame | None = None) -> pl.DataFrame:
    """employee, department, start, end (inclusive; null while employed): each employee's stints.

    A transfer is an hr_events row with event "transfer" whose detail names the new department as
    "to:<department>" (e.g. "to:quality 调品管部"), and optionally the old one as "from:<department>".
    From its date (after hire_date, not after leave_date) the employee counts in the new department.
    Before the first transfer they count in its "from:" department when given, else in the employees'
    department: so HR may keep the register's department current (and write from:) or leave it as
    hired. Other transfer details (a move between lines, "INJ -> DMC") and unknown departments change
    nothing."""
    schema = {"employee": pl.String, "department": pl.String, "start": pl.Date, "end": pl.Date}
    if employees.height == 0:
        return pl.DataFrame(schema=schema)
    first = employees.select("employee", "department", start=pl.col("hire_date"))
    parts = [first]
    if hr_events is not None and hr_events.height:
        code = "employee" if "employee" in hr_events.columns else "employee_code"
        detail = pl.col("detail").fill_null("")
        known = list(DEPARTMENTS)
        moves = (hr_events.filter(pl.col("event") == "transfer")
                 .select(employee=pl.col(code), start=pl.col("date"),
                         department=detail.str.extract(rf"(?:^|\s){TRANSFER_PREFIX}(\w+)"),
                         before=detail.str.extract(r"(?:^|\s)from:(\w+)"))
                 .filter(pl.col("department").is_in(known))
                 .join(employees.select("employee", "hire_date", "leave_date"), on="employee", how="inner")
                 .filter(pl.col("start") > pl.col("hire_date"),
                         pl.col("leave_date").is_null() | (pl.col("start") <= pl.col("leave_date")))
                 .sort("employee", "start"))
        hired_into = (moves.group_by("employee").agg(pl.col("before").first())
                      .filter(pl.col("before").is_in(known)))
        first = (first.join(hired_into, on="employee", how="left")
                 .select("employee", department=pl.coalesce("before", "department"), start="start"))
        parts = [first, moves.select("employee", "department", "start")]
    leave = employees.select("employee", "leave_date")
    return (pl.concat(parts).sort("employee", "start").unique(["employee", "start"], keep="last", maintain_order=True)
            .join(leave, on="employee", how="left")
            .with_columns(end=pl.coalesce((pl.col("start").shift(-1).over("employee") - pl.duration(days=1)),
                                          pl.col("leave_date")))
            .select(list(schema)))


def headcount_by_day(employees: pl.DataFrame, end: date, hr_events: pl.DataFrame | None = None) -> pl.DataFrame:
    """date, department, headcount (employed that day), leaves (left that day); with hr_events an
    employee counts in the department of each stint (employee_departments: transfers move them)."""
    schema = {"date": pl.Date, "department": pl.String, "headcount": pl.Int64, "leaves": pl.Int64}
    if employees.height == 0:
        return pl.DataFrame(schema=schema)
    start = employees.get_column("hire_date").min()
    last = max(d for d in (end, employees.get_column("leave_date").max(), employees.get_column("hire_date").max())
               if d is not None)
    stints = employee_departments(employees, hr_events)
    days = pl.DataFrame({"date": pl.date_range(start, last, "1d", eager=True)})
    grid = days.join(stints.select("department").unique(), how="cross")
    joins = stints.group_by("department", date=pl.col("start")).agg(joined=pl.len())
    left_after = (stints.filter(pl.col("end").is_not_null())
                  .group_by("department", date=pl.col("end") + pl.duration(days=1)).agg(gone=pl.len()))
    leaves = (stints.join(employees.select("employee", "leave_date"), on="employee")
              .filter(pl.col("end").is_not_null() & (pl.col("end") == pl.col("leave_date")))
              .group_by("department", date=pl.col("leave_date")).agg(leaves=pl.len()))
    return (grid.join(joins, on=["date", "department"], how="left")
            .join(left_after, on=["date", "department"], how="left")
            .join(leaves, on=["date", "department"], how="left")
            .sort("department", "date")
            .with_columns(headcount=(pl.col("joined").fill_null(0) - pl.col("gone").fill_null(0))
                          .cum_sum().over("department").cast(pl.Int64),
                          leaves=pl.col("leaves").fill_null(0).cast(pl.Int64))
            .select(list(schema)))


def _headcount(b: _Builder) -> pl.DataFrame:
    attendance = b.kind("attendance")
    end = max(date.today(), attendance.get_column("date").max() or date.today())
    days = headcount_by_day(_employees(b), end, _optional_kind(b, "hr_events"))
    # Before people records start (the first attendance day) the roster is not known: those who
    # left before then were never entered, so a headcount or a 0 % turnover there would be made up.
    first = attendance.get_column("date").min()
    return days if first is None else days.filter(pl.col("date") >= first)


def hr_event_rows(hr_events: pl.DataFrame, employees: pl.DataFrame) -> pl.DataFrame:
    """date, employee, name, department (that day, after transfers), event, detail, cost, from_department
    and to_department (transfers between departments; null otherwise)."""
    people = employees.select("employee", "name") if "name" in employees.columns else employees.select("employee")
    stints = employee_departments(employees, hr_events).sort("start")
    rows = (hr_events.rename({"employee_code": "employee"}).sort("date")
            .with_columns(before=pl.col("date") - pl.duration(days=1)))
    at = rows.join_asof(stints.select("employee", "start", "department"), left_on="date", right_on="start",
                        by="employee", strategy="backward", check_sortedness=False)
    at = at.join_asof(stints.select("employee", before_start=pl.col("start"), from_department=pl.col("department")),
                      left_on="before", right_on="before_start", by="employee", strategy="backward",
                      check_sortedness=False)
    moved = (pl.col("event") == "transfer") & pl.col("start").is_not_null() & (pl.col("start") == pl.col("date")) \
        & (pl.col("from_department") != pl.col("department"))
    return (at.join(people, on="employee", how="left")
            .with_columns(from_department=pl.when(moved).then(pl.col("from_department")),
                          to_department=pl.when(moved).then(pl.col("department")))
            .select("date", "employee", *(["name"] if "name" in people.columns else []), "department", "event",
                    "detail", "cost", "from_department", "to_department")
            .sort("date", "employee", "event"))


def _hr_events(b: _Builder) -> pl.DataFrame:
    return hr_event_rows(b.kind("hr_events"), _employees(b))


def _projects(b: _Builder) -> pl.DataFrame:
    """R&D projects (one row per project, its current stage): date = start_date, product, stage."""
    return b.kind("projects").select("project_code", product=pl.col("product_code"), stage=pl.col("stage"),
                                     date=pl.col("start_date"), start_date="start_date", end_date="end_date",
                                     cost="cost", budget="budget")


def _costs(b: _Builder) -> pl.DataFrame:
    return b.kind("costs").select(date=(pl.col("month") + "-01").str.to_date("%Y-%m-%d"), department="department",
                                  category="category", amount="amount")


def _material_prices(b: _Builder) -> pl.DataFrame:
    return b.kind("materials").select(material=pl.col("material_code"), standard_price=pl.col("standard_price"))


def _material_issues(b: _Builder) -> pl.DataFrame:
    moves = b.kind("material_moves").filter(pl.col("move").is_in(["issue", "return"]))
    qty = pl.when(pl.col("move") == "issue").then(pl.col("qty")).otherwise(-pl.col("qty"))
    return (moves.rename({"item_code": "material"}).join(_material_prices(b), on="material", how="inner")
            .select("date", "material", qty=qty, value=qty * pl.col("standard_price")))


def _bom_requirements(b: _Builder) -> pl.DataFrame:
    """The BOM requirement of the output of the operation that consumes each material."""
    output = (b.facts["production"].filter(pl.col("seq").is_not_null()).group_by("date", "line", "product", "seq")
              .agg(output=(pl.col("good_qty") + pl.col("scrap_qty")).sum().cast(pl.Float64)))
    first = b.kind("routings").group_by(product=pl.col("product_code")).agg(first=pl.col("seq").min())
    bom = (b.kind("bom").rename({"product_code": "product", "material_code": "material"})
           .join(first, on="product", how="left")
           .with_columns(seq=pl.col("seq").fill_null(pl.col("first")).cast(pl.Int64)))
    return (output.join(bom, on=["product", "seq"], how="inner").join(_material_prices(b), on="material", how="left")
            .select("date", "line", "product", "seq", "material", "loss_rate",
                    qty=pl.col("output") * pl.col("qty_per_unit"),
                    value=pl.col("output") * pl.col("qty_per_unit") * pl.col("standard_price")))


def _material_moves(b: _Builder) -> pl.DataFrame:
    return b.kind("material_moves").rename({"item_code": "item"})


def _stocktakes(b: _Builder) -> pl.DataFrame:
    return b.kind("stocktake").rename({"item_code": "item"})


def _targets(b: _Builder) -> pl.DataFrame:
    return b.kind("targets").select("kpi", "month", line=pl.when(pl.col("line_code") != "").then(pl.col("line_code")),
                                   target="target")


def _routings(b: _Builder) -> pl.DataFrame:
    return b.kind("routings").rename({"product_code": "product", "machine_code": "machine"})


_MASTERS = ("reasons", "bom", "materials", "products", "machines", "lines", "customers", "suppliers", "wage_rates")


def _master(name: str) -> Callable[[_Builder], pl.DataFrame]:
    return lambda b: load_kind(name, b.engine, b.version)


BUILDERS: dict[str, Callable[[_Builder], pl.DataFrame]] = {
    "production": _production,
    "scrap": _scrap,
    "downtime": _downtime,
    "maintenance": _maintenance,
    "inspections": _inspections,
    "order_lines": _order_lines,
    "order_shipments": _order_shipments,
    "po_lines": _po_lines,
    "po_receipts": _po_receipts,
    "surveys": _surveys,
    "complaints": _complaints,
    "attendance": _attendance,
    "employees": _employees,
    "headcount": _headcount,
    "hr_events": _hr_events,
    "projects": _projects,
    "costs": _costs,
    "material_issues": _material_issues,
    "bom_requirements": _bom_requirements,
    "material_moves": _material_moves,
    "stocktakes": _stocktakes,
    "targets": _targets,
    "routings": _routings,
    "sales": _sales,
    "settlements": _settlements,
    "pay": _pay,
    "reasons": _master("reasons"),
    "bom": _master("bom"),
    "materials": _master("materials"),
    "products": _master("products"),
    "machines": _master("machines"),
    "lines": _master("lines"),
    "customers": _master("customers"),
    "suppliers": _master("suppliers"),
    "wage_rates": _master("wage_rates"),
}


class _FactsMapping(Mapping):
    """A mapping over every fact the builders know (each is built on first use by __getitem__)."""

    def __contains__(self, name) -> bool:
        return name in BUILDERS

    def __iter__(self):
        return iter(BUILDERS)

    def __len__(self) -> int:
        return len(BUILDERS)


class Facts(_FactsMapping):
    """The facts of one database at one data version; each is built on first use and cached.

    With a window (date ranges, see loaders.as_window) the WINDOWED facts hold only the rows dated in
    it — enough for any figure of a period inside the window — and every other fact is the
    whole-history one (shared with the pages' Facts). known_first_date() still gives a windowed fact's
    first date over its whole history, so the engine's "before the data start" rule is unchanged."""

    def __init__(self, engine: Engine, version: int, window=None):
        self.engine, self.version, self.window = engine, version, as_window(window)
        self._builder = _Builder(engine, version, self.window)
        self._builder.facts = self
        self._whole = Facts(engine, version) if self.window else self

    def _own(self, name: str) -> bool:
        """Is this fact built here (windowed, or this is the whole-history Facts)?"""
        return self.window is None or name in WINDOWED

    def _cache_key(self, name: str) -> tuple:
        return (str(self.engine.url), name) if self.window is None else (str(self.engine.url), name, self.window)

    def _cached(self, name: str) -> pl.DataFrame | None:
        if not self._own(name):
            return self._whole._cached(name)
        with _lock:
            hit = (_cache if self.window is None else _window_facts).get(self._cache_key(name))
        return hit[1] if hit and hit[0] == self.version else None

    def known_first_date(self, name: str) -> date | None:
        """A windowed fact's first date over its whole history (date.max: it has no rows at all), from
        the database; None when the fact's own frame tells (it is not windowed here)."""
        if self.window is None or name not in WINDOWED:
            return None
        key = (str(self.engine.url), name)
        with _lock:
            hit = _first_dates.get(key)
        if hit and hit[0] == self.version:
            return hit[1]
        first = first_date(name, self.engine) or date.max
        with _lock:
            _first_dates[key] = (self.version, first)
        return first

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in BUILDERS:
            raise KeyError(name)
        if not self._own(name):
            return self._whole[name]
        frame = self._cached(name)
        if frame is not None:
            return frame
        self.prefetch([name])  # its inputs in one concurrent round, not one after another
        self._builder.building.append(name)
        try:
            # one contiguous chunk: a fact read in id ranges filters and groups ~2x slower in parts
            frame = BUILDERS[name](self._builder).rechunk()
        finally:
            self._builder.building.pop()
        with _lock:
            if self.window is None:
                _cache[self._cache_key(name)] = (self.version, frame)
            else:
                while len(_window_facts) >= WINDOW_CACHE:
                    _window_facts.pop(next(iter(_window_facts)))
                _window_facts[self._cache_key(name)] = (self.version, frame)
        return frame

    def prefetch(self, names: Iterable[str]) -> None:
        """Read everything these facts (and the facts they are built on) need that is not cached,
        in one concurrent round of reads; the facts themselves are built on first use."""
        kinds: list[str] = []
        windowed: list[str] = []  # the kinds read for the window (a WINDOWED fact's own kind)
        todo = [n for n in names if n in BUILDERS]
        while todo:
            name = todo.pop()
            if self._cached(name) is None:
                if self.window is not None and name in WINDOWED:
                    windowed.append(name)
                    kinds += [k for k in INPUTS[name] if k != name]
                else:
                    kinds += INPUTS.get(name, (name,) if name in _MASTERS else ())
                    todo += USES.get(name, ())
        whole = [k for k in kinds if k not in windowed]
        _read_inputs(self.engine, self.version, whole + windowed, self.window, windowed)


def load_facts(engine: Engine | None = None, names: Iterable[str] | None = None, window=None) -> Facts:
    """The facts at the current data version; `names` are built now, the others on first use. With a
    `window` — (from, to) or several such ranges, inclusive, None = open — the WINDOWED facts hold
    only the rows dated in it (the date range in the SQL): for a request whose periods lie inside it."""
    engine = engine or get_engine()
    facts = Facts(engine, data_version(engine), window)
    names = list(names or ())
    facts.prefetch(names)
    for name in names:
        facts[name]
    return facts


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _reads.clear()
        _window_facts.clear()
        _first_dates.clear()


class _FrameBuilder(_Builder):
    """A builder over kind frames held in memory (same builders, no database)."""

    def __init__(self, frames: Mapping[str, pl.DataFrame]):
        self.frames, self.building = frames, []

    def kind(self, name: str) -> pl.DataFrame:
        fact = self.building[-1]
        if name not in INPUTS.get(fact, ()):
            raise KeyError(f"fact {fact!r} reads {name!r}: add it to data_access.facts.INPUTS")
        frame = self.frames[name]
        if "id" in COLUMN_READS.get(name, ()) and "id" not in frame.columns:  # the row id a table would give
            frame = frame.with_row_index("id", offset=1).with_columns(pl.col("id").cast(pl.Int64))
        return conform(frame, name, list(COLUMN_READS[name]) if name in COLUMN_READS else None)


class FrameFacts(_FactsMapping):
    """The facts of kind frames in memory (e.g. the demo generator's, before they are written),
    built on first use by the very builders of the database facts."""

    def __init__(self, frames: Mapping[str, pl.DataFrame]):
        self._builder = _FrameBuilder(frames)
        self._builder.facts = self
        self._built: dict[str, pl.DataFrame] = {}

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in BUILDERS:
            raise KeyError(name)
        if name not in self._built:
            if name in _MASTERS:
                self._built[name] = conform(self._builder.frames[name], name)
            else:
                self._builder.building.append(name)
                try:
                    self._built[name] = BUILDERS[name](self._builder).rechunk()
                finally:
                    self._builder.building.pop()
        return self._built[name]
