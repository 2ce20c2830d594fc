"""The one projection of every open order line that Capacity, Priority, MRP and Progress read
(docs/architecture.md "The plant", "Pages").

So that "late" and "will be late" are the same lines on every planning view, the views do not net
stock or load machines themselves: they read `project(frames, today)`.

Sequence (the scheduling principles of docs/architecture.md "The plant", in this order): earliest promised date first; customer class A before B
before C (unknown last); more operations first; then order_no, line_no. Stock, WIP and machine
hours are handed out in this sequence.

1. Remaining  = ordered − shipped (schedule.open_order_lines).
2. Finished-goods stock of the product (schedule.stock_on_hand over the product's own moves, semi_in
   and semi_out left out: the stocktake of a product item counts its finished goods) is allocated in
   sequence: from_stock = min(remaining, stock left).
3. WIP between operations (docs/kpis.md wip_qty: good of an operation − total of the next one, over the
   production history up to today, never below 0) is allocated next, most advanced stage first:
   a piece waiting after operation k needs only the operations after k. from_wip = what it gives.
4. to_make = remaining − from_stock (still to produce, WIP included).
   Quantity still to make at operation j = remaining − from_stock − the WIP allocated at stages ≥ j.
   Hours = quantity × ideal_cycle_s of the machine ÷ 3600 ÷ that machine's efficiency
   (schedule.machine_efficiency: availability × performance of the last 4 weeks, 0.85 without history).
5. Forward finite loading from today (schedule.daily_capacity: shift calendar minus planned
   maintenance). In sequence, each operation starts no earlier than the day the line's previous
   operation finishes and takes the earliest free hours of its machine (a later line may use hours an
   earlier one left free). Alternative machines of one operation (routings sharing product_code and
   seq): the operation goes to the machine on which it finishes first; ties go to the lower ideal
   cycle, then the lower machine_code. An operation finishes on the day its last hour is taken.
6. projected_finish = the day the line's last operation finishes (today when stock covers the line;
   null when an operation does not fit in FORWARD_LOADING_DAYS or the product has no routing).
7. status  late            promised date before today (still to ship)
           projected_late  promised date today or later and projected_finish after it, or routed
                           work that does not fit in the loading window
           on_track        otherwise (lines without routing cannot be loaded and are never projected late)
   lateness_days = projected_finish − promised_date when positive.
8. Need date of an operation (for the capacity load per week and MRP): backwards from the promised
   date, op_lead_days per operation (schedule.need_date): the latest day it can run for the line to be
   on time. Capacity shows the projected hours on the machine the projection chose in that week.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from dashboard.planning.schedule import (DEFAULT_EFFICIENCY, OPERATION_LEAD_DAYS, Frames, ShiftCalendar,
                                         daily_capacity, machine_efficiency, need_date, open_order_lines,
                                         routing_steps, stock_on_hand, week_start)

FORWARD_LOADING_DAYS = 366  # an operation that cannot finish within a year gets no finish date
CLASS_ORDER = {"A": 0, "B": 1, "C": 2}
STATUSES = ("late", "projected_late", "on_track")
_EPS = 1e-9  # an operation needing exactly a day's hours finishes on that day

LINE_SCHEMA = {
    "sequence": pl.Int64, "order_no": pl.Categorical, "line_no": pl.Int64, "customer_code": pl.Categorical,
    "abc_class": pl.String, "product_code": pl.Categorical, "order_date": pl.Date, "promised_date": pl.Date,
    "qty": pl.Float64, "shipped_qty": pl.Float64, "remaining_qty": pl.Float64, "n_steps": pl.Int64,
    "from_stock": pl.Float64, "from_wip": pl.Float64, "to_make": pl.Float64, "required_h": pl.Float64,
    "projected_finish": pl.Date, "lateness_days": pl.Int64, "status": pl.String,
}
OP_SCHEMA = {
    "sequence": pl.Int64, "order_no": pl.Categorical, "line_no": pl.Int64, "product_code": pl.Categorical,
    "promised_date": pl.Date, "remaining_qty": pl.Float64, "seq": pl.Int64, "step": pl.Int64, "n_steps": pl.Int64,
    "machine_code": pl.Categorical, "ideal_cycle_s": pl.Float64, "efficiency": pl.Float64, "qty": pl.Float64,
    "hours": pl.Float64, "op_date": pl.Date, "week": pl.Date, "start": pl.Date, "finish": pl.Date,
}


@dataclass(frozen=True)
class Projection:
    today: date
    lines: pl.DataFrame       # LINE_SCHEMA, one row per open order line, in sequence
    operations: pl.DataFrame  # OP_SCHEMA, one row per line and operation still to run (qty > 0)

    def counts(self) -> dict[str, int]:
        """{'late': overdue lines, 'projected_late': lines the schedule finishes after their date, 'open': all}."""
        status = self.lines.get_column("status")
        return {"late": int((status == "late").sum()), "projected_late": int((status == "projected_late").sum()),
                "open": self.lines.height}


def sequenced_lines(frames: Frames) -> pl.DataFrame:
    """Open order lines with n_steps (operations of the routing, 0 without) and their sequence number."""
    steps = routing_steps(frames).group_by("product_code").agg(n_steps=pl.col("n_steps").first())
    return (open_order_lines(frames).join(steps, on="product_code", how="left")
            .with_columns(pl.col("n_steps").fill_null(0).cast(pl.Int64),
                          _class=pl.col("abc_class").replace_strict(CLASS_ORDER, default=3, return_dtype=pl.Int64))
            .sort(["promised_date", "_class", "n_steps", "order_no", "line_no"],
                  descending=[False, False, True, False, False])
            .with_columns(sequence=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
            .drop("_class"))


def finished_stock(frames: Frames, today: date, products: list[str]) -> dict[str, float]:
    """product_code -> finished goods on hand today (never below 0); see step 2 of the module docstring."""
    stock = stock_on_hand(frames, today, products, ignore_moves=("semi_in", "semi_out"))
    return {r["item_code"]: max(0.0, r["on_hand"]) for r in stock.iter_rows(named=True)}


def wip_by_stage(frames: Frames, today: date) -> dict[tuple[str, int], float]:
    """(product_code, step k) -> pieces that passed operation k and wait for operation k + 1 (wip_qty)."""
    fact = frames.get("production_fact")
    if fact is None or fact.height == 0:
        return {}
    steps = routing_steps(frames).select("product_code", "machine_code", "step", "n_steps")
    # summed per product and machine before the join: the routing join then meets a few thousand rows, not
    # the whole production history
    done = (fact.lazy().filter(pl.col("date") <= today)
            .group_by(product_code="product", machine_code="machine")
            .agg(good=pl.col("good_qty").cast(pl.Float64).sum(), total=pl.col("total_qty").cast(pl.Float64).sum())
            .collect()
            .join(steps, on=["product_code", "machine_code"], how="inner")
            .group_by("product_code", "step", "n_steps").agg(pl.col("good").sum(), pl.col("total").sum()))
    taken = done.select("product_code", step=pl.col("step") - 1, taken="total")
    wip = (done.filter(pl.col("step") < pl.col("n_steps")).join(taken, on=["product_code", "step"], how="left")
           .with_columns(wip=(pl.col("good") - pl.col("taken").fill_null(0.0)).clip(lower_bound=0.0)))
    return {(r["product_code"], r["step"]): r["wip"] for r in wip.iter_rows(named=True) if r["wip"] > 0}


class _MachineTimeline:
    """Free hours per day from today for every machine; operations take the earliest free hours."""

    def __init__(self, capacity: pl.DataFrame, today: date, days: int):
        self.today, self.days = today, days
        self.free: dict[str, list[float]] = {}
        for machine, part in capacity.sort("machine_code", "day").group_by("machine_code", maintain_order=True):
            self.free[machine[0]] = part.get_column("available_h").to_list()
        self.first_free = {m: next((i for i, h in enumerate(hours) if h > _EPS), days)
                           for m, hours in self.free.items()}

    def finish_day(self, machine: str, start: int, hours: float, take: bool = False) -> int | None:
        """Index of the day the work finishes when it starts on day index `start` (None: beyond the window)."""
        free = self.free.get(machine)
        if free is None:
            return None
        need = hours
        day = max(start, self.first_free[machine])
        while day < self.days:
            available = free[day]
            if available > _EPS:
                used = min(available, need)
                if take:
                    free[day] = available - used
                need -= used
                if need <= _EPS:
                    if take:
                        self._advance(machine)
                    return day
            day += 1
        return None

    def first_day(self, machine: str, start: int) -> int:
        """Index of the first day from `start` on with free hours on the machine."""
        free, day = self.free[machine], max(start, self.first_free[machine])
        while day < self.days and free[day] <= _EPS:
            day += 1
        return day

    def _advance(self, machine: str) -> None:
        free, i = self.free[machine], self.first_free[machine]
        while i < self.days and free[i] <= _EPS:
            i += 1
        self.first_free[machine] = i

    def date_of(self, index: int) -> date:
        return self.today + timedelta(days=index)


def _allocate(product: str, n_steps: int, remaining: float, stock: dict[str, float],
              wip: dict[tuple[str, int], float]) -> tuple[float, dict[int, float]]:
    """Take finished stock, then WIP most advanced stage first, for one line (steps 2 and 3 of the
    module docstring); the pools shrink. Returns from_stock and {k: pieces that passed operation k}."""
    from_stock = min(remaining, stock.get(product, 0.0))
    stock[product] = stock.get(product, 0.0) - from_stock
    left, taken = remaining - from_stock, {}
    for k in range(n_steps - 1, 0, -1):
        give = min(left, wip.get((product, k), 0.0))
        if give > 0:
            taken[k] = give
            wip[(product, k)] -= give
            left -= give
    return from_stock, taken


def _status(promised: date, today: date, finish: date | None, routed: bool) -> str:
    if promised < today:
        return "late"
    if (finish is not None and finish > promised) or (finish is None and routed):
        return "projected_late"
    return "on_track"


def project(frames: Frames, today: date, calendar: ShiftCalendar = ShiftCalendar(),
            op_lead_days: int = OPERATION_LEAD_DAYS, efficiency_default: float = DEFAULT_EFFICIENCY,
            operations: bool = True) -> Projection:
    """The projection of every open order line (rules in the module docstring). operations=False: the
    lines only (the open exceptions), Projection.operations left empty."""
    lines = sequenced_lines(frames)
    efficiency = dict(machine_efficiency(frames, today, default=efficiency_default)
                      .select("machine_code", "efficiency").iter_rows())
    alternatives: dict[tuple[str, int], list[tuple[str, float, int]]] = {}
    for r in routing_steps(frames).iter_rows(named=True):
        alternatives.setdefault((r["product_code"], r["step"]), []).append(
            (r["machine_code"], float(r["ideal_cycle_s"]), r["seq"]))
    stock = finished_stock(frames, today, lines.get_column("product_code").unique().to_list())
    wip = wip_by_stage(frames, today)
    timeline = _MachineTimeline(daily_capacity(frames, today, FORWARD_LOADING_DAYS, calendar), today,
                                FORWARD_LOADING_DAYS)
    current = week_start(today)

    line_rows, op_rows = [], []
    for line in lines.iter_rows(named=True):
        product, n, promised = line["product_code"], line["n_steps"], line["promised_date"]
        from_stock, taken = _allocate(product, n, line["remaining_qty"], stock, wip)
        need = line["remaining_qty"] - from_stock
        finish_index: int | None = 0 if need <= 0 else None  # covered by stock: ready today
        fits, required_h, ready = True, 0.0, 0  # ready: the day the previous operation finishes
        for step in range(1, n + 1):
            qty = need - sum(v for k, v in taken.items() if k >= step)
            if qty <= 0:
                continue
            # the alternative that finishes first; ties: lower ideal cycle, then machine_code
            choices = []
            for machine, cycle, seq in alternatives[(product, step)]:
                eff = efficiency.get(machine) or efficiency_default
                hours = qty * cycle / 3600.0 / eff
                end = timeline.finish_day(machine, ready, hours) if fits else None
                choices.append((FORWARD_LOADING_DAYS if end is None else end, cycle, machine, seq, eff, hours, end))
            _, cycle, machine, seq, eff, hours, end = min(choices)
            start = None
            if fits and end is not None:
                start = timeline.first_day(machine, ready)
                timeline.finish_day(machine, ready, hours, take=True)
                ready = end
            else:
                fits = False  # the later operations of the line cannot be placed either
            required_h += hours
            finish_index = ready if fits else None
            if not operations:
                continue
            op_date = need_date(promised, n, step, op_lead_days)
            op_rows.append({
                "sequence": line["sequence"], "order_no": line["order_no"], "line_no": line["line_no"],
                "product_code": product, "promised_date": promised, "remaining_qty": line["remaining_qty"],
                "seq": seq, "step": step, "n_steps": n, "machine_code": machine, "ideal_cycle_s": cycle,
                "efficiency": eff, "qty": qty, "hours": hours, "op_date": op_date,
                "week": max(week_start(op_date), current),
                "start": None if start is None else timeline.date_of(start),
                "finish": timeline.date_of(end) if fits else None,
            })
        finish = None if finish_index is None else timeline.date_of(finish_index)
        lateness = None if finish is None else max((finish - promised).days, 0)
        line_rows.append({
            **{k: line[k] for k in ("sequence", "order_no", "line_no", "customer_code", "abc_class", "product_code",
                                    "order_date", "promised_date", "qty", "shipped_qty", "remaining_qty", "n_steps")},
            "from_stock": from_stock, "from_wip": sum(taken.values()), "to_make": need, "required_h": required_h,
            "projected_finish": finish, "lateness_days": lateness, "status": _status(promised, today, finish, n > 0),
        })
    return Projection(today, pl.DataFrame(line_rows, schema=LINE_SCHEMA, orient="row"),
                      pl.DataFrame(op_rows, schema=OP_SCHEMA, orient="row"))
