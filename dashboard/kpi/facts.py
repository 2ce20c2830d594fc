"""The KPI engine's facts, declared: each fact names the kinds it is built from, the facts it is
built on, its dimensions and a build function over those kind frames. Pure polars (no SQL): the
caller brings the kind frames — dashboard.facts from the database (data_access.kind_frames reads
them, the period in the SQL for a windowed fact), FrameFacts from frames in memory (tests, the demo
generator before it writes).

A fact is a prepared frame with standard dimension columns (dashboard.kpi.dimensions): date, line,
machine, product, shift, customer, abc_class, reason, stage, supplier, department, category,
material, salesperson, employee. Adding a fact is one declaration here:

    @fact("name", inputs=("kind", "master"), uses=("other_fact",), dims=("date", "line"))
    def _name(i: FactInputs) -> pl.DataFrame:
        return i.kind("kind").join(...)

A build function reads only what its declaration names (i.kind / i.optional for input kinds, i.fact
for used facts): anything else raises KeyError, so the declaration is what the database reads.

Choices worth knowing:
- windowed=True: the fact's rows are exactly the rows of the dated kind of the same name (masters
  joined on), dated by its date field: a request for a window (load_facts(..., window=...)) reads only
  that kind's rows in the window, the date range in the SQL. Every other fact is read whole even then,
  because its figures need history outside any period: balances (settlements: every change up to the
  period end), open order lines (promised before the period, shipped in or after it) and what is built
  on them (deliveries, sales, pay), receipts of older PO lines, headcount from hire dates, stock from
  every move, and facts built on other facts (bom_requirements).
- columns={kind: (...)}: a large kind is read only in the columns its fact uses.
- production.seq: the routing operation of the row (routings seq for its product and machine;
  alternative machines of one operation share the seq), with that machine's ideal_cycle_s; when a
  product passes the same machine in several operations, the lowest seq is used (production is reported
  per machine, not per operation, so they cannot be told apart). first_op / last_op: the row is at its
  product's lowest / highest seq (finished output is the good of the last operation). A row whose
  product has no routing on its machine has seq null and first_op = last_op = false: it is counted as
  "no routing", never as finished output.
- bom_requirements: (good + scrap) at the BOM's consuming operation (bom.seq, empty = the product's
  first operation) x qty_per_unit, on the line of the machines that ran that operation.
- reasons not in the reasons master (or left empty) show as "Unassigned".
- costs are monthly: a month's costs are dated on its first day.
- material_moves: issued material = issue − return; valued at the material's standard price.
- headcount: one row per day and department from the first attendance record (the first hire when
  there is none) to the later of the last recorded date and today; an employee counts from hire_date
  through leave_date.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import polars as pl

from dashboard.kpi.dimensions import DIMENSION_LIST
from dashboard.kpi.people import TRANSFER_PREFIX  # "to:<department> [from:<department>] ..."
from dashboard.kpi.registry import UNASSIGNED


class FactInputs(Protocol):
    """What a build function is given: its declared input kinds and used facts."""

    departments: Sequence[str]  # the plant's department ids (a transfer to another name changes nothing)

    def kind(self, name: str) -> pl.DataFrame: ...

    def optional(self, name: str) -> pl.DataFrame:
        """An input kind, or its empty frame when the caller's frames do not hold it."""

    def fact(self, name: str) -> pl.DataFrame: ...


@dataclass(frozen=True)
class Fact:
    name: str
    inputs: tuple[str, ...]                       # the kinds it is built from
    build: Callable[[FactInputs], pl.DataFrame]
    uses: tuple[str, ...] = ()                    # the facts it is built on
    dims: tuple[str, ...] = ()                    # its dimension columns ("date": the time grains apply)
    windowed: bool = False                        # rows = its own dated kind's rows (see the module doc)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # large kinds: the columns read
    master: bool = False                          # a master kind handed over as it is
    # Columns of `columns` its build always needs (date, join keys): with keys declared, a request for
    # some KPIs reads only these and the columns those KPIs use (read_columns); the others are null.
    keys: tuple[str, ...] = ()


FACTS: dict[str, Fact] = {}


def fact(name: str, inputs: Iterable[str], *, uses: Iterable[str] = (), dims: Iterable[str] = (),
         windowed: bool = False, columns: Mapping[str, Iterable[str]] | None = None, keys: Iterable[str] = ()):
    """Declare the decorated build function as the fact `name`."""
    def register(build: Callable[[FactInputs], pl.DataFrame]) -> Callable[[FactInputs], pl.DataFrame]:
        _declare(Fact(name, tuple(inputs), build, tuple(uses), tuple(dims), windowed,
                      {k: tuple(v) for k, v in (columns or {}).items()}, keys=tuple(keys)))
        return build
    return register


def _declare(f: Fact) -> None:
    assert f.name not in FACTS, f"fact {f.name!r} declared twice"
    assert not f.windowed or f.name in f.inputs, f"windowed fact {f.name!r} must read its own kind"
    assert all(k in c for c in f.columns.values() for k in f.keys), f"fact {f.name!r}: keys outside its columns"
    for kind, cols in f.columns.items():
        other = KIND_COLUMNS.setdefault(kind, cols)
        assert other == cols, f"kind {kind!r} read with two column lists"
    FACTS[f.name] = f


KIND_COLUMNS: dict[str, tuple[str, ...]] = {}  # large kinds read by column (from the declarations)


def windowed_facts() -> tuple[str, ...]:
    return tuple(n for n, f in FACTS.items() if f.windowed)


def read_columns(name: str, kind: str, used: Iterable[str] | None) -> tuple[str, ...]:
    """The columns of the large kind `kind` read to build the fact `name` when only the fact columns
    `used` are asked for (engine.columns_for): its keys, and each column used itself or as the code of
    a dimension used (machine_code for machine). Every declared column when `used` is None or the
    fact declares no keys."""
    declared = FACTS[name].columns[kind]
    if used is None or not FACTS[name].keys:
        return declared
    used = set(used)
    codes = {d.code: d.name for d in DIMENSION_LIST if d.code}
    return tuple(c for c in declared if c in FACTS[name].keys or c in used or codes.get(c) in used)


def kinds_for(names: Iterable[str]) -> list[str]:
    """Every kind these facts (and the facts they are built on) are built from."""
    out: list[str] = []
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in FACTS:
            continue
        seen.add(name)
        out += FACTS[name].inputs
        todo += FACTS[name].uses
    return list(dict.fromkeys(out))


class KindSource(Protocol):
    """Where a caller's kind frames come from (the database, frames in memory)."""

    departments: Sequence[str]

    def kind(self, name: str, fact: Fact) -> pl.DataFrame:
        """The kind's frame for building `fact` (KeyError: not held)."""

    def empty(self, name: str) -> pl.DataFrame: ...

    def fact(self, name: str) -> pl.DataFrame: ...


class _Inputs:
    """FactInputs of one fact over a KindSource, held to the fact's declaration."""

    def __init__(self, declared: Fact, source: KindSource):
        self._fact, self._source, self.departments = declared, source, source.departments

    def kind(self, name: str) -> pl.DataFrame:
        if name not in self._fact.inputs:
            raise KeyError(f"fact {self._fact.name!r} reads {name!r}: add it to its inputs (dashboard.kpi.facts)")
        return self._source.kind(name, self._fact)

    def optional(self, name: str) -> pl.DataFrame:
        try:
            return self.kind(name)
        except KeyError:
            return self._source.empty(name)

    def fact(self, name: str) -> pl.DataFrame:
        if name not in self._fact.uses:
            raise KeyError(f"fact {self._fact.name!r} uses {name!r}: add it to its uses (dashboard.kpi.facts)")
        return self._source.fact(name)


def build(name: str, source: KindSource) -> pl.DataFrame:
    """The fact `name` built from the source's kind frames, as one contiguous chunk (a fact read in id
    ranges filters and groups ~2x slower in parts)."""
    declared = FACTS[name]
    return declared.build(_Inputs(declared, source)).rechunk()


class FactsMapping(Mapping):
    """A mapping over every declared fact (each is built on first use by __getitem__)."""

    def __contains__(self, name) -> bool:
        return name in FACTS

    def __iter__(self):
        return iter(FACTS)

    def __len__(self) -> int:
        return len(FACTS)


class FrameFacts(FactsMapping):
    """The facts of kind frames in memory, built on first use by the declared build functions.
    `prepare(kind, frame, columns)` gives each frame its declared dtypes (dashboard.facts.FrameFacts
    passes the kinds' own), `departments` the plant's department ids."""

    def __init__(self, frames: Mapping[str, pl.DataFrame],
                 prepare: Callable[[str, pl.DataFrame, list[str] | None], pl.DataFrame] | None = None,
                 departments: Sequence[str] = (), empty: Callable[[str], pl.DataFrame] | None = None):
        self.frames, self.departments = frames, tuple(departments)
        self._prepare = prepare or (lambda kind, frame, columns: frame.select(columns) if columns else frame)
        self._empty = empty
        self._built: dict[str, pl.DataFrame] = {}

    def kind(self, name: str, declared: Fact) -> pl.DataFrame:
        frame = self.frames[name]
        columns = KIND_COLUMNS.get(name)
        if "id" in (columns or ()) and "id" not in frame.columns:  # the row id a table would give
            frame = frame.with_row_index("id", offset=1).with_columns(pl.col("id").cast(pl.Int64))
        return self._prepare(name, frame, list(columns) if columns else None)

    def empty(self, name: str) -> pl.DataFrame:
        if self._empty is None:
            raise KeyError(f"no frame of kind {name!r}")
        return self._empty(name)

    def fact(self, name: str) -> pl.DataFrame:
        return self[name]

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in FACTS:
            raise KeyError(name)
        if name not in self._built:
            self._built[name] = build(name, self)
        return self._built[name]


# --- the facts -------------------------------------------------------------------------------------
def _reason_label(frame: pl.DataFrame, reasons: pl.DataFrame, column: str = "reason_code") -> pl.DataFrame:
    known = reasons.get_column("reason_code").to_list()
    return frame.with_columns(
        reason=pl.when(pl.col(column).is_in(known)).then(pl.col(column)).otherwise(pl.lit(UNASSIGNED)))


def _machine_lines(i: FactInputs) -> pl.DataFrame:
    return i.kind("machines").select(machine=pl.col("machine_code"), line=pl.col("line_code"))


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


@fact("production", ("production", "routings", "machines", "products"), windowed=True,
      dims=("date", "line", "machine", "product", "shift"), keys=("date", "machine_code", "product_code"),
      columns={"production": ("date", "shift", "machine_code", "product_code", "planned_min", "downtime_min", "planned_qty",
                 "input_qty", "total_qty", "good_qty", "defect_qty", "scrap_qty", "labour_h")})
def _production(i: FactInputs) -> pl.DataFrame:
    rows = i.kind("production").rename({"machine_code": "machine", "product_code": "product"})
    costs = i.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    # line, operation, cycle and cost depend on (machine, product) only: look them up for the
    # distinct pairs, then one join of the million rows instead of three
    pairs = (rows.select("machine", "product").unique().join(_machine_lines(i), on="machine", how="left")
             .join(operations(i.kind("routings")), on=["product", "machine"], how="left")
             .join(costs, on="product", how="left")
             .with_columns(pl.col("first_op", "last_op").fill_null(False)))
    return rows.join(pairs, on=["machine", "product"], how="left", maintain_order="left")


@fact("scrap", ("scrap", "products", "reasons", "machines"), windowed=True,
      dims=("date", "line", "machine", "product", "shift", "reason"),
      columns={"scrap": ("date", "shift", "machine_code", "product_code", "reason_code", "qty")})
def _scrap(i: FactInputs) -> pl.DataFrame:
    rows = i.kind("scrap").rename({"machine_code": "machine", "product_code": "product"})
    costs = i.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    return (_reason_label(rows, i.kind("reasons")).join(_machine_lines(i), on="machine", how="left")
            .join(costs, on="product", how="left")
            .select("date", "shift", "machine", "line", "product", "reason", "qty",
                    value=pl.col("qty") * pl.col("standard_cost")))


@fact("downtime", ("downtime", "reasons", "machines"), windowed=True,
      dims=("date", "line", "machine", "shift", "reason", "category"),
      columns={"downtime": ("date", "shift", "machine_code", "reason_code", "minutes")})
def _downtime(i: FactInputs) -> pl.DataFrame:
    rows = i.kind("downtime").rename({"machine_code": "machine"})
    categories = i.kind("reasons").select("reason_code", "category")
    return (_reason_label(rows, i.kind("reasons")).join(_machine_lines(i), on="machine", how="left")
            .join(categories, on="reason_code", how="left")
            .select("date", "shift", "machine", "line", "reason",
                    pl.col("category").fill_null(UNASSIGNED), "minutes"))


@fact("maintenance", ("maintenance", "machines"), dims=("date", "line", "machine"))
def _maintenance(i: FactInputs) -> pl.DataFrame:
    """Repairs, PM work and the PM plan (date = the start's day, hours = end − start; empty status = done)."""
    rows = i.kind("maintenance").rename({"machine_code": "machine"}).join(_machine_lines(i), on="machine", how="left")
    return rows.select("machine", "line", "type", "start", "end", "planned_date", "cost", "note",
                       date=pl.col("start").dt.date(), status=pl.col("status").fill_null("done"),
                       hours=(pl.col("end") - pl.col("start")).dt.total_seconds() / 3600)


@fact("inspections", ("inspections", "products", "reasons", "machines"), windowed=True,
      dims=("date", "line", "machine", "product", "reason", "stage", "supplier", "material"),
      columns={"inspections": ("date", "stage", "item_code", "supplier_code", "machine_code", "inspected_qty",
                               "passed_first_qty", "rejected_qty", "reason_code", "disposition")})
def _inspections(i: FactInputs) -> pl.DataFrame:
    rows = i.kind("inspections").rename({"machine_code": "machine", "supplier_code": "supplier"})
    products = i.kind("products").get_column("product_code").to_list()
    return (_reason_label(rows, i.kind("reasons")).join(_machine_lines(i), on="machine", how="left")
            .select("date", "stage", "machine", "line", "supplier", "reason", pl.col("disposition").cast(pl.Categorical),
                    product=pl.when(pl.col("item_code").is_in(products)).then(pl.col("item_code")),
                    material=pl.when(~pl.col("item_code").is_in(products)).then(pl.col("item_code")),
                    inspected_qty="inspected_qty", passed_first_qty="passed_first_qty",
                    rejected_qty="rejected_qty"))


def _customers(i: FactInputs) -> pl.DataFrame:
    return i.kind("customers").select(customer=pl.col("customer_code"), abc_class=pl.col("abc_class"))


@fact("order_lines", ("orders", "customers"), dims=("product", "customer", "abc_class"),
      columns={"orders": ("id", "order_no", "line_no", "customer_code", "product_code", "order_date", "promised_date",
                          "qty", "unit_price")})
def _order_lines(i: FactInputs) -> pl.DataFrame:
    """line_id (the order line's row id) is a compact key for matching shipments to lines."""
    return (i.kind("orders").rename({"customer_code": "customer", "product_code": "product", "id": "line_id"})
            .join(_customers(i), on="customer", how="left")
            .select("line_id", "order_no", "line_no", "customer", "abc_class", "product", "order_date",
                    "promised_date", pl.col("qty").cast(pl.Float64), "unit_price"))


@fact("order_shipments", ("shipments",), uses=("order_lines",), dims=("date", "product", "customer", "abc_class"),
      columns={"shipments": ("order_no", "line_no", "ship_date", "qty")})
def _order_shipments(i: FactInputs) -> pl.DataFrame:
    lines = i.fact("order_lines").select("line_id", "order_no", "line_no", "customer", "abc_class", "product")
    return (i.kind("shipments").join(lines, on=["order_no", "line_no"], how="left")
            .select("line_id", "order_no", "line_no", "customer", "abc_class", "product",
                    date=pl.col("ship_date"), qty=pl.col("qty").cast(pl.Float64)))


@fact("po_lines", ("purchase_orders", "materials"), dims=("date", "supplier", "material"))
def _po_lines(i: FactInputs) -> pl.DataFrame:
    prices = i.kind("materials").select(material=pl.col("material_code"), standard_price=pl.col("standard_price"))
    return (i.kind("purchase_orders").rename({"supplier_code": "supplier", "material_code": "material"})
            .join(prices, on="material", how="left")
            .select("po_no", "line_no", "supplier", "material", date=pl.col("order_date"),
                    promised_date=pl.col("promised_date"), qty=pl.col("qty"), unit_price=pl.col("unit_price"),
                    standard_price=pl.col("standard_price")))


@fact("po_receipts", ("receipts",), uses=("po_lines",), dims=("date", "supplier", "material"))
def _po_receipts(i: FactInputs) -> pl.DataFrame:
    """Receipts with their PO line's supplier, material and price (value = qty × PO unit_price)."""
    lines = i.fact("po_lines").select("po_no", "line_no", "supplier", "material", "unit_price")
    return (i.kind("receipts").join(lines, on=["po_no", "line_no"], how="left")
            .select("po_no", "line_no", "supplier", "material", date=pl.col("receipt_date"), qty=pl.col("qty"),
                    accepted_qty=pl.col("accepted_qty"), value=pl.col("qty") * pl.col("unit_price")))


def _salespeople(i: FactInputs) -> pl.DataFrame:
    return i.kind("customers").select(customer=pl.col("customer_code"),
                                      salesperson=pl.col("salesperson_code").fill_null(UNASSIGNED))


@fact("sales", ("products", "customers", "costs"), uses=("order_shipments", "order_lines"),
      dims=("date", "product", "customer", "abc_class", "salesperson"))
def _sales(i: FactInputs) -> pl.DataFrame:
    """Shipments valued at the order line's price and the product's standard cost. A month's transport
    costs (costs, category transport) are spread over that month's shipments by their value, so margin
    by customer or product carries its share of freight; a month with transport costs but no shipments has
    no sales to carry them (they stay in total_cost)."""
    prices = i.fact("order_lines").select("line_id", "unit_price")
    costs = i.kind("products").select(product=pl.col("product_code"), standard_cost=pl.col("standard_cost"))
    rows = (i.fact("order_shipments").join(prices, on="line_id", how="left").join(costs, on="product", how="left")
            .join(_salespeople(i), on="customer", how="left")
            .with_columns(revenue=pl.col("qty") * pl.col("unit_price"),
                          cost_value=pl.col("qty") * pl.col("standard_cost"),
                          _month=pl.col("date").dt.truncate("1mo")))
    transport = (i.kind("costs").filter(pl.col("category") == "transport")
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
              .select("date", "employee", product=pl.lit(None, pl.Categorical), seq=pl.lit(None, pl.Int64),
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
              .select("date", "employee", product=pl.lit(None, pl.Categorical), seq=pl.lit(None, pl.Int64),
                      pieces=pl.lit(0.0), rate=pl.lit(None, pl.Float64), hours=pl.lit(0.0), overtime_h=pl.lit(0.0),
                      **(zero | {"salary": (pl.col("monthly_salary") * share).round(2)}))
              .filter(pl.col("salary") > 0))
    commission = (sales.join(people.select(salesperson="employee", rate_="commission_rate"), on="salesperson",
                             how="inner").filter(pl.col("rate_") > 0)
                  .select("date", employee="salesperson", product=pl.lit(None, pl.Categorical), seq=pl.lit(None, pl.Int64),
                          pieces=pl.lit(0.0), rate=pl.lit(None, pl.Float64), hours=pl.lit(0.0),
                          overtime_h=pl.lit(0.0), **(zero | {"commission": pl.col("revenue") * pl.col("rate_")})))
    rows = pl.concat([piece, worked, salary, commission], how="vertical_relaxed")
    # the employee's name and basis repeat on each of their rows: Categorical, 4 bytes a row (not the
    # department: a dimension, joined as text with the other facts' departments in a breakdown)
    return (rows.join(people.select("employee", "department", "name", "basis"), on="employee", how="left")
            .with_columns([pl.col(c).cast(pl.Float64) for c in PAY_COLUMNS])
            .with_columns(pl.col("name", "basis").cast(pl.Categorical)))


@fact("pay", ("work_tickets", "wage_rates", "routings", "attendance", "employees", "customers"), uses=("sales",),
      dims=("date", "product", "department", "employee"),
      columns={"work_tickets": ("date", "employee_code", "machine_code", "product_code", "good_qty", "hours")})
def _pay(i: FactInputs) -> pl.DataFrame:
    return pay_rows(i.kind("work_tickets"), i.kind("wage_rates"), i.kind("routings"), i.kind("attendance"),
                    i.kind("employees"), i.fact("sales"))


@fact("settlements", ("invoices", "payments", "customers"),
      dims=("date", "customer", "abc_class", "supplier", "salesperson"))
def _settlements(i: FactInputs) -> pl.DataFrame:
    """settlement_changes with the party as customer (ar) or supplier (ap)."""
    changes = settlement_changes(i.kind("invoices"), i.kind("payments"))
    ar = pl.col("side") == "ar"
    return (changes.with_columns(customer=pl.when(ar).then(pl.col("party_code")),
                                 supplier=pl.when(~ar).then(pl.col("party_code")))
            .join(_customers(i), on="customer", how="left").join(_salespeople(i), on="customer", how="left")
            .select("date", "side", "measure", "change", "invoice_no", "due_date", "customer", "abc_class",
                    "salesperson", "supplier"))


@fact("surveys", ("surveys", "customers"), windowed=True, dims=("date", "customer", "abc_class"),
      columns={"surveys": ("date", "customer_code", "score", "nps", "quality", "delivery", "service")})
def _surveys(i: FactInputs) -> pl.DataFrame:
    return (i.kind("surveys").rename({"customer_code": "customer"}).join(_customers(i), on="customer", how="left")
            .select("date", "customer", "abc_class", "score", "nps", "quality", "delivery", "service"))


@fact("complaints", ("complaints", "reasons", "customers"), windowed=True,
      dims=("date", "product", "customer", "abc_class", "reason"))
def _complaints(i: FactInputs) -> pl.DataFrame:
    rows = i.kind("complaints").rename({"customer_code": "customer", "product_code": "product"})
    return (_reason_label(rows, i.kind("reasons")).join(_customers(i), on="customer", how="left")
            .select("complaint_no", "date", "customer", "abc_class", "product", "reason", "severity",
                    "qty_affected", "cost", "closed_date",
                    days_to_close=(pl.col("closed_date") - pl.col("date")).dt.total_days().cast(pl.Float64)))


@fact("employees", ("employees",), dims=("department", "employee"))
def _employees(i: FactInputs) -> pl.DataFrame:
    return i.kind("employees").select(employee=pl.col("employee_code"), department=pl.col("department"),
                                      hire_date=pl.col("hire_date"), leave_date=pl.col("leave_date"),
                                      hourly_rate=pl.col("hourly_rate"), name=pl.col("name"))


@fact("attendance", ("attendance", "employees", "hr_events"), windowed=True,
      dims=("date", "department", "employee"))
def _attendance(i: FactInputs) -> pl.DataFrame:
    """Each day's record in the employee's department that day (transfers move it, employee_departments)."""
    rows = i.kind("attendance").rename({"employee_code": "employee"})
    employees = _employees(i)
    stints = employee_departments(employees, i.optional("hr_events"), i.departments)
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





def employee_departments(employees: pl.DataFrame, hr_events: pl.DataFrame | None = None,
                         departments: Iterable[str] = ()) -> pl.DataFrame:
    """employee, department, start, end (inclusive; null while employed): each employee's stints.

    A transfer is an hr_events row with event "transfer" whose detail names the new department as
    "to:<department>" (e.g. "to:quality 调品管部"), and optionally the old one as "from:<department>".
    From its date (after hire_date, not after leave_date) the employee counts in the new department.
    Before the first transfer they count in its "from:" department when given, else in the employees'
    department: so HR may keep the register's department current (and write from:) or leave it as
    hired. Other transfer details (a move between lines, "INJ -> DMC") and departments not in `departments` change
    nothing."""
    schema = {"employee": pl.Categorical, "department": pl.String, "start": pl.Date, "end": pl.Date}
    if employees.height == 0:
        return pl.DataFrame(schema=schema)
    first = employees.select("employee", "department", start=pl.col("hire_date"))
    parts = [first]
    if hr_events is not None and hr_events.height:
        code = "employee" if "employee" in hr_events.columns else "employee_code"
        detail = pl.col("detail").fill_null("")
        known = list(departments)
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


def headcount_by_day(employees: pl.DataFrame, end: date, hr_events: pl.DataFrame | None = None,
                     departments: Iterable[str] = ()) -> pl.DataFrame:
    """date, department, headcount (employed that day), leaves (left that day); with hr_events an
    employee counts in the department of each stint (employee_departments: transfers move them)."""
    schema = {"date": pl.Date, "department": pl.String, "headcount": pl.Int64, "leaves": pl.Int64}
    if employees.height == 0:
        return pl.DataFrame(schema=schema)
    start = employees.get_column("hire_date").min()
    last = max(d for d in (end, employees.get_column("leave_date").max(), employees.get_column("hire_date").max())
               if d is not None)
    stints = employee_departments(employees, hr_events, departments)
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


@fact("headcount", ("attendance", "employees", "hr_events"), dims=("date", "department"))
def _headcount(i: FactInputs) -> pl.DataFrame:
    attendance = i.kind("attendance")
    end = max(date.today(), attendance.get_column("date").max() or date.today())
    days = headcount_by_day(_employees(i), end, i.optional("hr_events"), i.departments)
    # Before people records start (the first attendance day) the roster is not known: those who
    # left before then were never entered, so a headcount or a 0 % turnover there would be made up.
    first = attendance.get_column("date").min()
    return days if first is None else days.filter(pl.col("date") >= first)


def hr_event_rows(hr_events: pl.DataFrame, employees: pl.DataFrame, departments: Iterable[str] = ()) -> pl.DataFrame:
    """date, employee, name, department (that day, after transfers), event, detail, cost, from_department
    and to_department (transfers between departments; null otherwise)."""
    people = employees.select("employee", "name") if "name" in employees.columns else employees.select("employee")
    stints = employee_departments(employees, hr_events, departments).sort("start")
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


@fact("hr_events", ("hr_events", "employees"), dims=("date", "department", "employee"))
def _hr_events(i: FactInputs) -> pl.DataFrame:
    return hr_event_rows(i.kind("hr_events"), _employees(i), i.departments)


@fact("projects", ("projects",), dims=("date", "product", "stage"))
def _projects(i: FactInputs) -> pl.DataFrame:
    """R&D projects (one row per project, its current stage): date = start_date, product, stage."""
    return i.kind("projects").select("project_code", product=pl.col("product_code"), stage=pl.col("stage"),
                                     date=pl.col("start_date"), start_date="start_date", end_date="end_date",
                                     cost="cost", budget="budget")


@fact("costs", ("costs",), windowed=True, dims=("date", "department", "category"))
def _costs(i: FactInputs) -> pl.DataFrame:
    return i.kind("costs").select(date=(pl.col("month") + "-01").str.to_date("%Y-%m-%d"), department="department",
                                  category="category", amount="amount")


def _material_prices(i: FactInputs) -> pl.DataFrame:
    return i.kind("materials").select(material=pl.col("material_code"), standard_price=pl.col("standard_price"))


@fact("material_issues", ("material_moves", "materials"), dims=("date", "material"))
def _material_issues(i: FactInputs) -> pl.DataFrame:
    moves = i.kind("material_moves").filter(pl.col("move").is_in(["issue", "return"]))
    qty = pl.when(pl.col("move") == "issue").then(pl.col("qty")).otherwise(-pl.col("qty"))
    return (moves.rename({"item_code": "material"}).join(_material_prices(i), on="material", how="inner")
            .select("date", "material", qty=qty, value=qty * pl.col("standard_price")))


@fact("bom_requirements", ("bom", "materials", "routings"), uses=("production",),
      dims=("date", "line", "product", "material"))
def _bom_requirements(i: FactInputs) -> pl.DataFrame:
    """The BOM requirement of the output of the operation that consumes each material."""
    output = (i.fact("production").filter(pl.col("seq").is_not_null()).group_by("date", "line", "product", "seq")
              .agg(output=(pl.col("good_qty") + pl.col("scrap_qty")).sum().cast(pl.Float64)))
    first = i.kind("routings").group_by(product=pl.col("product_code")).agg(first=pl.col("seq").min())
    bom = (i.kind("bom").rename({"product_code": "product", "material_code": "material"})
           .join(first, on="product", how="left")
           .with_columns(seq=pl.col("seq").fill_null(pl.col("first")).cast(pl.Int64)))
    return (output.join(bom, on=["product", "seq"], how="inner").join(_material_prices(i), on="material", how="left")
            .select("date", "line", "product", "seq", "material", "loss_rate",
                    qty=pl.col("output") * pl.col("qty_per_unit"),
                    value=pl.col("output") * pl.col("qty_per_unit") * pl.col("standard_price")))


@fact("material_moves", ("material_moves",), dims=("date",))
def _material_moves(i: FactInputs) -> pl.DataFrame:
    return i.kind("material_moves").rename({"item_code": "item"}).with_columns(pl.col("move").cast(pl.Categorical))


@fact("stocktakes", ("stocktake",), dims=("date",))
def _stocktakes(i: FactInputs) -> pl.DataFrame:
    return i.kind("stocktake").rename({"item_code": "item"})


@fact("targets", ("targets",), dims=("line",))
def _targets(i: FactInputs) -> pl.DataFrame:
    return i.kind("targets").select("kpi", "month", line=pl.when(pl.col("line_code") != "").then(pl.col("line_code")),
                                   target="target")


@fact("routings", ("routings",), dims=("machine", "product"))
def _routings(i: FactInputs) -> pl.DataFrame:
    return i.kind("routings").rename({"product_code": "product", "machine_code": "machine"})



_MASTERS = ("reasons", "bom", "materials", "products", "machines", "lines", "customers", "suppliers", "wage_rates")
for _name in _MASTERS:
    _declare(Fact(_name, (_name,), lambda i, k=_name: i.kind(k), master=True))

__all__ = ["FACTS", "Fact", "FactInputs", "FrameFacts", "KindSource", "build", "fact", "kinds_for", "windowed_facts",
           "employee_departments", "headcount_by_day", "hr_event_rows", "operations", "pay_rows", "settlement_changes"]
