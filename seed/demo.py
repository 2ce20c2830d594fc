"""The deterministic demo plant (docs/architecture.md "The plant"; docs/kinds.md):
`plantkpi init --demo --scale small|medium|large`.

Eighteen calendar months of history ending at `today` (so the demo always looks current), plus
open sales orders due in the next eight weeks and open purchase orders. Same seed, same data.

The plant (seed/plant.py): four lines — injection INJ (7 machines), DMC/BMC molding DMC (4),
finishing FIN (3), machining MAC (4) — 24 products with 1-3 operation routings and BOMs,
25 customers (A/B/C), 8 suppliers, ~150 employees, reason codes in English and Chinese, monthly
targets. Medium and large repeat the whole plant as "cells" (more machines and products, same
four lines) to reach ~250k and >1M production rows.

How the data hangs together:
- production: per working day x shift (A 08:00-16:00, B 16:00-24:00) x injection/DMC machine,
  1-2 products (planned 420 min split at a mold change); downstream operations (finishing,
  machining) process the previous operation's good output of the same shift. downtime_min of a
  machine-shift is exactly the sum of its downtime events, spread over its product rows.
  scrap_qty = sum of the scrap-by-reason rows of the same (date, shift, machine, product).
- material moves: opening balances, receipts (= accepted receipt qty), issues per day and line to
  the operation that consumes the material (bom.seq: packaging at packing, inserts at the insert
  press, the rest at the first operation) for its good + scrap with a loss around the BOM normal
  loss, semi_in/semi_out between operations, finished_in (last operation's good), sales_out
  (= shipments), monthly returns of resin and scrap-outs; monthly stocktakes count the running
  balance with a small counting difference. Purchase orders are order-up-to (safety stock + the
  use they cover), so material cover follows the lead times; pack sizes leave the slowest items
  (masterbatch, release agent) with months of cover, and one bulk buy (EXCESS_MATERIAL) is excess.
- money: standard cost = BOM material + a machine-hour rate x ideal cycle along the routing
  (seed.plant.MACHINE_HOUR_RATE, the plant's own conversion cost per ideal machine hour); prices
  are standard cost x 1.06-1.26, so that costs / sales value lands near 0.9, inside 0.75-0.97: the
  range of issue 13 for a small molding plant, which brackets the official figure of a few to ten
  per cent of profit on costs for Chinese industry (Fujian Statistical Yearbook 2020, table 11-13,
  tjj.fujian.gov.cn: "工业成本费用利润率" 8.17 % for industrial enterprises above designated size in
  2019, i.e. costs about 0.92 of revenue). Maintenance: a monthly PM per machine and a repair per
  breakdown of an hour or more (technician hours + parts), about ¥30k a month on 18 machines, some
  3-5 % a year of their replacement value. Every employee has attendance; complaints close within
  weeks, AGED_COMPLAINTS of 5-12 weeks ago are left open on purpose.
- orders follow finished output (one order per customer and week), shipments mostly on time,
  some partial or late; lines due after today are open.

The stories a manager finds (constants below; `story_facts(today)` gives their dates):
1. SCRAP_CLIMB_MACHINE (INJ-03) — its scrap ratio climbs steadily over the last
   SCRAP_CLIMB_DAYS days (about 4x by today), mostly flash (SCRAP_CLIMB_REASON, 披锋, mold wear),
   with more process-adjustment stops.
2. PASS_RATE_SUPPLIER (S-03, PP/ABS resin) — incoming pass rate drops from ~99 % to ~88 % in the
   last PASS_RATE_DAYS days, and the molding lines lose about twice their usual share of its resin
   (material loss of PP and ABS beyond the BOM allowance on the Materials page).
3. LATE_CUSTOMER (C-007) — order lines promised in a four-week window about four months ago
   mostly ship late.
4. A complaint spike COMPLAINT_SPIKE_MONTHS_AGO months ago (dimension complaints, 尺寸不符) and
   customer satisfaction dipping in the month after it.
5. Seasonality — output peaks in the weeks before Chinese New Year (Sunday shifts), the plant
   closes around it and ramps up slowly after it (late Jan / Feb).
"""
from __future__ import annotations

import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data_access.db import bump_version, is_sqlite
from data_access.kinds import KINDS, MASTER_KINDS
from data_access.kinds.base import DEPARTMENTS
from data_access.ingest.bulk import bulk_insert
from data_access.models import kind_table
from data_access.store import finish_batch, insert_rows, new_batch
from seed import appraisal, finance, hr_rd, maintenance_plan, quality_stages
from seed import plant as P

SEED = 20260105
SCALES = {"small": 1, "medium": 10, "large": 48}  # cells of the plant
HISTORY_MONTHS = 18
OPEN_ORDER_WEEKS = 8
ORDER_SHIP_OFFSET_DAYS = (7, 12)  # a week's output is promised on the customer's day, Monday-Friday of the week after
FUTURE_ORDER_GROWTH = 1.05  # orders ahead vs the last 8 weeks' finished output (season aside)
OPENING_FG_DAYS = 21  # the opening finished stock of _material_moves: the first 21 days' output (+ 100)

SCRAP_CLIMB_MACHINE = "INJ-03"
SCRAP_CLIMB_REASON = "SC-FLASH"
SCRAP_CLIMB_DAYS = 120
SCRAP_CLIMB_FACTOR = 3.0  # scrap ratio x (1 + factor * progress), progress 0 -> 1 over the window
PASS_RATE_SUPPLIER = "S-03"
PASS_RATE_DAYS = 91
LATE_CUSTOMER = "C-007"
LATE_WINDOW_DAYS_AGO = (126, 98)  # promised dates in [today-126, today-98]
COMPLAINT_SPIKE_MONTHS_AGO = 5
EXCESS_MATERIAL = "M-PA66-NT"  # bought in bulk EXCESS_DAYS_AGO days ago: > 26 weeks of cover
EXCESS_DAYS_AGO, EXCESS_COVER_DAYS = 60, 150
AGED_COMPLAINTS = 3  # complaints of 5-12 weeks ago left open on purpose (exceptions: open > 30 days)

SHIFTS = ("A", "B")
SHIFT_START_MIN = (8 * 60, 16 * 60)
PLANNED_MIN = 420  # 480-minute shift minus 60 minutes of planned breaks
LINE_IDS = {code: i for i, (code, *_) in enumerate(P.LINES)}


# --------------------------------------------------------------------------- calendar
def _month_start(d: date, back: int = 0) -> date:
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def history_start(today: date) -> date:
    return _month_start(today, HISTORY_MONTHS - 1)


def story_facts(today: date | None = None) -> dict:
    """Where and when each story sits for a demo generated on `today`."""
    today = today or date.today()
    spike = _month_start(today, COMPLAINT_SPIKE_MONTHS_AGO)
    return {
        "scrap_climb_machine": SCRAP_CLIMB_MACHINE,
        "scrap_climb_reason": SCRAP_CLIMB_REASON,
        "scrap_climb_from": today - timedelta(days=SCRAP_CLIMB_DAYS),
        "pass_rate_supplier": PASS_RATE_SUPPLIER,
        "pass_rate_drop_from": today - timedelta(days=PASS_RATE_DAYS),
        "late_customer": LATE_CUSTOMER,
        "late_window": (today - timedelta(days=LATE_WINDOW_DAYS_AGO[0]), today - timedelta(days=LATE_WINDOW_DAYS_AGO[1])),
        "complaint_spike_month": _month_key(spike),
        "satisfaction_dip_month": _month_key(_month_start(today, COMPLAINT_SPIKE_MONTHS_AGO - 1)),
        "chinese_new_year": [d for d in (date.fromisoformat(s) for s in P.CHINESE_NEW_YEAR)
                             if history_start(today) <= d <= today],
    }


@dataclass
class Calendar:
    start: date
    today: date
    days: list[date]  # working days (production happens)
    run_prob: np.ndarray  # chance that a machine runs a shift that day (seasonality)
    overtime: np.ndarray  # peak days: overtime hours for production staff


def _calendar(today: date) -> Calendar:
    start = history_start(today)
    cny = [date.fromisoformat(s) for s in P.CHINESE_NEW_YEAR]
    days, probs, overtime = [], [], []
    d = start
    while d <= today:
        nearest = min(cny, key=lambda c: abs((c - d).days))
        offset = (d - nearest).days
        closed = -4 <= offset <= 8 or (d.month == 10 and d.day <= 7) or (d.month == 5 and d.day <= 3)
        peak = -35 <= offset < -4
        ramp_up = 8 < offset <= 22
        working = not closed and (d.weekday() < 6 or (peak and d.weekday() == 6))
        if working:
            days.append(d)
            probs.append(0.98 if peak else 0.55 if ramp_up else 0.9)
            overtime.append(3.0 if peak else 1.0)
        d += timedelta(days=1)
    return Calendar(start, today, days, np.array(probs), np.array(overtime))


# --------------------------------------------------------------------------- master data
def _master(cells: int, rng: np.random.Generator, cal: Calendar) -> dict[str, pl.DataFrame]:
    lines = pl.DataFrame(P.LINES, schema=["line_code", "name", "name_en", "process"], orient="row")
    machines, routings, products, bom = [], [], [], []
    for cell in range(cells):
        for line, names in P.MACHINES.items():
            for i, (name, name_en) in enumerate(names, start=1):
                number = cell * len(names) + i
                suffix = "" if cell == 0 else f" #{cell + 1}"
                machines.append((f"{line}-{number:02d}", line, name + suffix, name_en + suffix, True))
        for j, ((name, name_en), spec, stage, materials, ops) in enumerate(P.PRODUCTS):
            code = f"P-{(cell + 1) * 1000 + j + 1}"
            zh_cell, en_cell = ("", "") if cell == 0 else (f"（{cell + 1} 单元）", f" (cell {cell + 1})")
            products.append((code, name + zh_cell, name_en + en_cell, spec, "pcs", _standard_cost(materials, ops), stage))
            for seq, (line, local, cycle, labour) in enumerate(ops, start=1):
                number = cell * len(P.MACHINES[line]) + local
                routings.append((code, seq * 10, f"{line}-{number:02d}", float(cycle), float(labour)))
            for material, per_unit, loss in materials:
                bom.append((code, material, float(per_unit), loss, _consuming_seq(material, ops)))
    materials = pl.DataFrame([(code, *values[0], *values[1:6]) for code, values in P.MATERIALS.items()],
                             schema=["material_code", "name", "name_en", "spec", "unit", "standard_price", "lead_time_days",
                                     "safety_stock"], orient="row")
    reasons = pl.DataFrame([(code, *values) for code, values in P.REASONS.items()],
                           schema=["reason_code", "kind", "name_en", "name_zh", "category"], orient="row")
    out = {
        "lines": lines,
        "machines": pl.DataFrame(machines, schema=["machine_code", "line_code", "name", "name_en", "active"], orient="row"),
        "products": pl.DataFrame(products, schema=["product_code", "name", "name_en", "spec", "unit", "standard_cost", "stage"],
                                 orient="row"),
        "routings": pl.DataFrame(routings, schema=["product_code", "seq", "machine_code", "ideal_cycle_s", "labour_s"],
                                 orient="row"),
        "materials": materials,
        "bom": pl.DataFrame(bom, schema={"product_code": pl.String, "material_code": pl.String,
                                         "qty_per_unit": pl.Float64, "loss_rate": pl.Float64, "seq": pl.Int64},
                            orient="row"),
        "customers": pl.DataFrame(P.CUSTOMERS, schema=["customer_code", "name", "name_en", "abc_class"], orient="row"),
        "suppliers": pl.DataFrame(P.SUPPLIERS, schema=["supplier_code", "name", "name_en"], orient="row"),
        "reasons": reasons,
    }
    out["employees"] = _employees(rng, cal)
    return out


def _standard_cost(materials: list[tuple], ops: list[tuple]) -> float:
    """BOM material at standard price with its normal loss + machine-hour rate x ideal cycle of
    every operation (seed.plant.MACHINE_HOUR_RATE)."""
    material = sum(per_unit * P.MATERIALS[code][3] * (1 + loss) for code, per_unit, loss in materials)
    conversion = sum(P.MACHINE_HOUR_RATE[line] * cycle / 3600 for line, _, cycle, _ in ops)
    return round(material + conversion, 2)


def _consuming_seq(material: str, ops: list[tuple]) -> int | None:
    """bom.seq: packaging at the last operation, inserts at the insert press when the routing
    passes it, the rest at the first operation (None: the kind's default)."""
    if material in P.PACKAGING and len(ops) > 1:
        return 10 * len(ops)
    if material in P.INSERTS:
        for seq, (line, local, _, _) in enumerate(ops, start=1):
            if (line, local) == P.INSERT_PRESS:
                return 10 * seq
    return None


def _employees(rng: np.random.Generator, cal: Calendar) -> pl.DataFrame:
    rows, number = [], 0
    span = (cal.today - cal.start).days
    names_used: set[str] = set()

    def person(dept: str, hire: date, leave: date | None):
        nonlocal number
        number += 1
        while True:
            name = f"{P.SURNAMES[rng.integers(len(P.SURNAMES))]} {P.GIVEN[rng.integers(len(P.GIVEN))]}"
            if name not in names_used:
                break
            name = f"{name} {P.GIVEN[rng.integers(len(P.GIVEN))]}"
            if name not in names_used:
                break
        names_used.add(name)
        low, high = P.HOURLY_RATE[dept]
        rows.append((f"E-{number:04d}", name, dept, hire, leave, round(float(rng.uniform(low, high)), 1)))

    for dept, count in P.HEADCOUNT.items():
        for _ in range(count):
            hire = cal.start - timedelta(days=int(rng.integers(60, 3650)))
            # production turnover ~1.5 %/month; each leaver is replaced by a new hire
            if rng.random() < (0.25 if dept == "production" else 0.06):
                leave = cal.start + timedelta(days=int(rng.integers(10, span - 5)))
                person(dept, hire, leave)
                person(dept, leave + timedelta(days=int(rng.integers(3, 25))), None)
            else:
                person(dept, hire, None)
    frame = pl.DataFrame(rows, schema=["employee_code", "name", "department", "hire_date", "leave_date", "hourly_rate"],
                         orient="row")
    # A replacement hired after today has not joined yet.
    return frame.filter(pl.col("hire_date") <= cal.today)


def _targets(frames: dict[str, pl.DataFrame], cal: Calendar) -> pl.DataFrame:
    """Monthly targets from the plant's own baseline (seed.plant.TARGET_KPIS, TARGET_IMPROVEMENT):
    the figure of the first twelve months of the history, computed by the KPI engine from the
    generated rows, for the plant (rows without a line) and for each line, then moved towards
    better by the improvement the plant plans. So a plant target is the plant's, never a line's,
    and a climb above last year's scrap reads as off target."""
    from dashboard.kpi import Filters, compute, kpi
    from dashboard.facts import FrameFacts

    facts = FrameFacts(frames)
    base = Filters(date_from=cal.start, date_to=_month_start(cal.start, -12) - timedelta(days=1))
    # last year's average month (a monthly target; turnover over a year is twelve months' worth)
    plant = (compute(P.TARGET_KPIS, facts, ["month"], base, today=cal.today).select(P.TARGET_KPIS).mean()
             .row(0, named=True))
    lines = (compute(P.LINE_TARGET_KPIS, facts, ["line", "month"], base, today=cal.today)
             .filter(pl.col("line").is_not_null()).group_by("line").agg(pl.col(P.LINE_TARGET_KPIS).mean()).sort("line"))

    def target(kpi_id: str, value: float | None) -> float | None:
        if value is None:
            return None
        share, k = P.TARGET_IMPROVEMENT.get(kpi_id, 0.0), kpi(kpi_id)
        if k.direction < 0:
            moved = value * (1 - share)
        elif k.unit == "ratio" and value <= 1:
            moved = value + share * (1 - value)
        else:
            moved = value * (1 + share)
        return round(moved, 4) if k.unit == "ratio" else round(moved, 3 if abs(moved) < 100 else 1)

    yearly = [(k, None, target(k, plant[k])) for k in P.TARGET_KPIS]
    yearly += [(k, row["line"], target(k, row[k])) for row in lines.iter_rows(named=True) for k in P.LINE_TARGET_KPIS]
    months = [_month_key(_month_start(cal.today, back)) for back in range(HISTORY_MONTHS - 1, -3, -1)]
    rows = [(k, month, line, value) for month in months for k, line, value in yearly if value is not None]
    return pl.DataFrame(rows, schema={"kpi": pl.String, "month": pl.String, "line_code": pl.String,
                                      "target": pl.Float64}, orient="row")


# --------------------------------------------------------------------------- production
def _draw_downtime(rng, lines: np.ndarray, n_events: np.ndarray, shift: np.ndarray, cap: np.ndarray,
                   forced_last: np.ndarray | None = None, forced_extra: np.ndarray | None = None):
    """Downtime events for a set of machine-shifts ("slots").

    lines/shift/cap per slot; n_events normal events per slot; forced_extra extra DT-ADJ events
    (the climbing machine); forced_last 1 where the last event is a product change (setup).
    Returns (event slot index, reason codes, start minute of day, minutes) with the slot totals
    capped at `cap`.
    """
    extra = forced_extra if forced_extra is not None else np.zeros_like(n_events)
    last = forced_last if forced_last is not None else np.zeros_like(n_events)
    count = n_events + extra + last
    total = int(count.sum())
    ev_slot = np.repeat(np.arange(len(count)), count)
    first_of_slot = np.cumsum(count) - count
    rank = np.arange(total) - np.repeat(first_of_slot, count)
    ev_line = lines[ev_slot]

    codes = list(P.REASONS)
    code_index = {c: i for i, c in enumerate(codes)}
    mixes = [P.DOWNTIME_MIX[code] for code, *_ in P.LINES]
    width = max(len(m) for m in mixes)
    cum = np.full((len(mixes), width), 2.0)
    which = np.zeros((len(mixes), width), dtype=np.int64)
    for li, mix in enumerate(mixes):
        weights = np.array(list(mix.values()), dtype=float)
        cum[li, :len(mix)] = np.cumsum(weights / weights.sum())
        which[li, :len(mix)] = [code_index[c] for c in mix]
    u = rng.random(total)
    pick = np.minimum((u[:, None] > cum[ev_line]).sum(axis=1), width - 1)
    reason = which[ev_line, pick]
    n_normal = n_events[ev_slot]
    is_extra = (rank >= n_normal) & (rank < n_normal + extra[ev_slot])
    reason = np.where(is_extra, code_index["DT-ADJ"], reason)
    is_setup = (last[ev_slot] == 1) & (rank == count[ev_slot] - 1)
    setup_codes = np.array([code_index[P.SETUP_REASON[code]] for code, *_ in P.LINES])
    reason = np.where(is_setup, setup_codes[ev_line], reason)

    categories = [P.REASONS[c][3] for c in codes]
    low = np.array([P.DOWNTIME_MINUTES[c][0] if c else 0 for c in categories], dtype=float)
    high = np.array([P.DOWNTIME_MINUTES[c][1] if c else 0 for c in categories], dtype=float)
    skew = np.array([P.DOWNTIME_MINUTES[c][2] if c else 1 for c in categories], dtype=float)
    minutes = np.floor(low[reason] + (high[reason] - low[reason]) * rng.random(total) ** skew[reason])
    slot_sum = np.bincount(ev_slot, minutes, minlength=len(count))
    factor = np.minimum(1.0, cap / np.maximum(slot_sum, 1))
    minutes = np.maximum(1.0, np.floor(minutes * factor[ev_slot]))

    segment = 470 // np.maximum(count, 1)
    offset = rank * segment[ev_slot] + rng.integers(0, np.maximum(segment[ev_slot] - 5, 1))
    start = np.array(SHIFT_START_MIN)[shift[ev_slot]] + offset
    return ev_slot, np.array(codes)[reason], start, minutes


def _progress(days_arr: np.ndarray, start: date, length_days: int) -> np.ndarray:
    """0 before `start`, rising linearly to 1 at start + length_days."""
    since = (days_arr - np.datetime64(start, "D")).astype(np.int64)
    return np.clip(since / length_days, 0.0, 1.0)


def _production(master: dict[str, pl.DataFrame], cal: Calendar, rng: np.random.Generator):
    routings = master["routings"].join(master["machines"].select("machine_code", "line_code"), on="machine_code",
                                        maintain_order="left")
    first_ops = routings.filter(pl.col("seq") == 10).sort("machine_code", "product_code")
    op1_machines = first_ops["machine_code"].unique(maintain_order=True).to_list()
    per_machine = first_ops.group_by("machine_code", maintain_order=True).agg("product_code", "ideal_cycle_s")
    prod_count = per_machine["product_code"].list.len().to_numpy().astype(np.int64)
    prod_start = np.cumsum(prod_count) - prod_count
    flat_products = np.array(first_ops["product_code"].to_list())
    flat_cycles = first_ops["ideal_cycle_s"].to_numpy()
    m_line = np.array([LINE_IDS[c.split("-")[0]] for c in op1_machines])
    machine_factor = rng.lognormal(0.0, 0.25, len(op1_machines))
    story_machine = np.array([m == SCRAP_CLIMB_MACHINE for m in op1_machines])
    line_codes = np.array([code for code, *_ in P.LINES])

    days = np.array(cal.days, dtype="datetime64[D]")
    D, M = len(days), len(op1_machines)
    slot_day = np.repeat(np.arange(D), 2 * M)
    slot_shift = np.tile(np.repeat(np.arange(2), M), D)
    slot_m = np.tile(np.arange(M), 2 * D)
    running = rng.random(len(slot_day)) < cal.run_prob[slot_day] * np.where(slot_shift == 1, 0.95, 1.0)
    slot_day, slot_shift, slot_m = slot_day[running], slot_shift[running], slot_m[running]
    n = len(slot_day)

    k = prod_count[slot_m]
    two = (k >= 2) & (rng.random(n) < 0.4)
    first = rng.integers(0, k).astype(np.int64)
    second = (first + 1 + rng.integers(0, np.maximum(k - 1, 1))) % k
    planned1 = np.where(two, 30 * rng.integers(5, 10, n), PLANNED_MIN)

    climb = _progress(days[slot_day], cal.today - timedelta(days=SCRAP_CLIMB_DAYS), SCRAP_CLIMB_DAYS)
    climb = np.where(story_machine[slot_m], climb, 0.0)
    lam = np.array([P.EVENTS_PER_SHIFT[c] for c in line_codes])[m_line[slot_m]]
    ev_slot, ev_reason, ev_start, ev_minutes = _draw_downtime(
        rng, m_line[slot_m], rng.poisson(lam), slot_shift, np.full(n, 250.0),
        forced_last=two.astype(np.int64), forced_extra=rng.poisson(1.5 * climb))
    slot_down = np.bincount(ev_slot, ev_minutes, minlength=n)

    down1 = np.where(two, np.floor(slot_down * planned1 / PLANNED_MIN), slot_down)
    row_slot = np.concatenate([np.arange(n), np.flatnonzero(two)])
    row_local = np.concatenate([first, second[two]])
    row_planned = np.concatenate([planned1, PLANNED_MIN - planned1[two]]).astype(float)
    row_down = np.concatenate([down1, (slot_down - down1)[two]])
    row_m = slot_m[row_slot]
    row_prod = flat_products[prod_start[row_m] + row_local]
    row_cycle = flat_cycles[prod_start[row_m] + row_local]
    row_line = m_line[row_m]
    rows = len(row_slot)

    perf = rng.uniform(0.78, 0.94, rows)
    total = np.floor((row_planned - row_down) * 60 / row_cycle * perf).astype(np.int64)
    base_scrap = np.array([P.BASE_SCRAP[c] for c in line_codes])[row_line]
    scrap_rate = base_scrap * machine_factor[row_m] * (1 + SCRAP_CLIMB_FACTOR * climb[row_slot]) \
        * rng.lognormal(0.0, 0.3, rows)
    scrap = rng.binomial(total, np.clip(scrap_rate, 0, 0.5))
    defect_rate = np.array([P.BASE_DEFECT[c] for c in line_codes])[row_line] * rng.lognormal(0.0, 0.3, rows)
    defect = rng.binomial(total - scrap, np.clip(defect_rate, 0, 0.5))
    # the plan allows for the usual stops and speed losses: about three quarters of ideal output
    planned_qty = np.round(row_planned * 60 / row_cycle * 0.75 / 10) * 10
    input_qty = np.ceil(total * (1 + rng.uniform(0.002, 0.01, rows)))
    operators = np.array([P.OPERATORS[c] for c in line_codes])[row_line]

    op1 = pl.DataFrame({
        "date": days[slot_day[row_slot]], "shift": np.array(SHIFTS)[slot_shift[row_slot]],
        "machine_code": np.array(op1_machines)[row_m], "product_code": row_prod,
        "planned_min": row_planned, "downtime_min": row_down.astype(float), "planned_qty": planned_qty.astype(np.int64),
        "input_qty": input_qty.astype(float), "total_qty": total, "good_qty": total - scrap - defect,
        "defect_qty": defect, "scrap_qty": scrap, "operators": operators,
        "labour_h": np.round(operators * row_planned / 60, 1), "_climb": climb[row_slot],
    })
    downtime = pl.DataFrame({
        "date": days[slot_day[ev_slot]], "shift": np.array(SHIFTS)[slot_shift[ev_slot]],
        "machine_code": np.array(op1_machines)[slot_m[ev_slot]],
        "start": pl.Series(ev_start.astype(np.int64) * 60 * 10**9).cast(pl.Time),
        "minutes": ev_minutes, "reason_code": ev_reason,
    })
    down_rows, down_events = _downstream(routings, op1, cal, rng)
    production = pl.concat([op1, down_rows], how="diagonal_relaxed")
    downtime = pl.concat([downtime, down_events]).sort("date", "machine_code", "start")
    production = production.sort("date", "shift", "machine_code", "product_code")
    return production, downtime, routings


def _downstream(routings: pl.DataFrame, op1: pl.DataFrame, cal: Calendar, rng: np.random.Generator):
    """Finishing and machining operations: each processes the good output of the operation
    before it, in the same shift."""
    line_codes = [code for code, *_ in P.LINES]
    upstream = op1.select("date", "shift", "product_code", pl.col("good_qty").alias("input"))
    frames = []
    for seq in (20, 30):
        ops = routings.filter(pl.col("seq") == seq).select("product_code", "machine_code", "line_code",
                                                           "ideal_cycle_s")
        rows = upstream.join(ops, on="product_code", maintain_order="left").filter(pl.col("input") > 0) \
            .sort("date", "shift", "product_code")
        if rows.height == 0:
            break
        perf = rng.uniform(0.80, 0.95, rows.height)
        # a machine-shift processes at most ~380 min of work; the rest waits as semi-finished stock
        need = rows["input"].to_numpy() * rows["ideal_cycle_s"].to_numpy() / 60 / perf
        slot_need = rows.with_columns(_need=pl.Series(need)).select(
            pl.col("_need").sum().over("date", "shift", "machine_code")).to_series().to_numpy()
        total = np.floor(rows["input"].to_numpy() * np.minimum(1.0, 380 / slot_need)).astype(np.int64)
        line = np.array([LINE_IDS[c] for c in rows["line_code"].to_list()])
        base_scrap = np.array([P.BASE_SCRAP[c] for c in line_codes])[line]
        scrap = rng.binomial(total, np.clip(base_scrap * rng.lognormal(0.0, 0.3, len(total)), 0, 0.5))
        base_defect = np.array([P.BASE_DEFECT[c] for c in line_codes])[line]
        defect = rng.binomial(total - scrap, np.clip(base_defect * rng.lognormal(0.0, 0.3, len(total)), 0, 0.5))
        rows = rows.with_columns(
            total_qty=pl.Series(total), scrap_qty=pl.Series(scrap), defect_qty=pl.Series(defect),
            good_qty=pl.Series(total - scrap - defect),
            _operating=pl.Series(np.ceil(total * rows["ideal_cycle_s"].to_numpy() / 60 / perf)),
        ).filter(pl.col("total_qty") > 0)
        frames.append(rows)
        upstream = rows.select("date", "shift", "product_code", pl.col("good_qty").alias("input"))
    rows = pl.concat(frames).sort("date", "shift", "machine_code", "product_code")
    slots = rows.group_by("date", "shift", "machine_code", "line_code", maintain_order=True) \
        .agg(pl.col("_operating").sum())
    slot_line = np.array([LINE_IDS[c] for c in slots["line_code"].to_list()])
    slot_shift = np.array([SHIFTS.index(s) for s in slots["shift"].to_list()])
    lam = np.array([P.EVENTS_PER_SHIFT[c] for c in line_codes])[slot_line]
    operating = slots["_operating"].to_numpy()
    cap = np.maximum(1.0, np.minimum(np.maximum(30.0, 0.5 * operating), 405 - operating))
    ev_slot, ev_reason, ev_start, ev_minutes = _draw_downtime(rng, slot_line, rng.poisson(lam), slot_shift, cap)
    slot_down = np.bincount(ev_slot, ev_minutes, minlength=slots.height)
    slots = slots.with_columns(_slot_down=pl.Series(slot_down), _slot=pl.int_range(pl.len()))
    rows = rows.join(slots.select("date", "shift", "machine_code", "_slot_down", "_slot", pl.col("_operating")
                                  .alias("_slot_operating")), on=["date", "shift", "machine_code"], maintain_order="left")
    # spread the machine-shift's downtime over its rows; the first row takes the rounding rest
    share = (pl.col("_slot_down") * pl.col("_operating") / pl.col("_slot_operating")).floor()
    rows = rows.with_columns(_share=share)
    rows = rows.with_columns(
        downtime_min=pl.when(pl.int_range(pl.len()).over("_slot") == 0)
        .then(pl.col("_slot_down") - pl.col("_share").sum().over("_slot") + pl.col("_share"))
        .otherwise(pl.col("_share")))
    rows = rows.with_columns(planned_min=((pl.col("_operating") + pl.col("downtime_min")) / 5).ceil() * 5)
    operators = dict(P.OPERATORS)
    production = rows.select(
        "date", "shift", "machine_code", "product_code", "planned_min", "downtime_min",
        planned_qty=pl.col("input").cast(pl.Int64), input_qty=pl.col("total_qty").cast(pl.Float64),
        total_qty=pl.col("total_qty").cast(pl.Int64), good_qty=pl.col("good_qty").cast(pl.Int64),
        defect_qty=pl.col("defect_qty").cast(pl.Int64), scrap_qty=pl.col("scrap_qty").cast(pl.Int64),
        operators=pl.col("line_code").replace_strict(operators, return_dtype=pl.Int64),
        labour_h=(pl.col("line_code").replace_strict(operators, return_dtype=pl.Float64)
                  * pl.col("planned_min") / 60).round(1),
        _climb=pl.lit(0.0),
    )
    days = slots["date"].to_numpy()
    events = pl.DataFrame({
        "date": days[ev_slot], "shift": slots["shift"].to_numpy()[ev_slot],
        "machine_code": slots["machine_code"].to_numpy()[ev_slot],
        "start": pl.Series(ev_start.astype(np.int64) * 60 * 10**9).cast(pl.Time),
        "minutes": ev_minutes, "reason_code": ev_reason,
    })
    return production, events


def _scrap_rows(production: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Scrap by reason: a multinomial split of each row's scrap_qty over its line's reasons."""
    rows = production.filter(pl.col("scrap_qty") > 0).with_columns(
        _line=pl.col("machine_code").str.split("-").list.first())
    frames = []
    for line, mix in P.SCRAP_MIX.items():
        part = rows.filter(pl.col("_line") == line)
        if part.height == 0:
            continue
        codes = list(mix)
        base = np.array(list(mix.values()), dtype=float)
        base = base / base.sum()
        pvals = np.tile(base, (part.height, 1))
        if SCRAP_CLIMB_REASON in codes:  # the climbing machine's extra scrap is flash (mold wear)
            w = 0.6 * part["_climb"].to_numpy()
            flash = np.zeros(len(codes))
            flash[codes.index(SCRAP_CLIMB_REASON)] = 1.0
            pvals = pvals * (1 - w[:, None]) + flash[None, :] * w[:, None]
        # a clerk books the few reasons that really occurred: keep 1-3 reasons per row
        # (weighted draw without replacement via Gumbel top-k), then split the qty over them
        keep = rng.integers(1, 4, part.height)
        keys = np.log(np.maximum(pvals, 1e-12)) + rng.gumbel(size=pvals.shape)
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        pvals = np.where(rank < keep[:, None], pvals, 0.0)
        pvals = pvals / pvals.sum(axis=1, keepdims=True)
        counts = rng.multinomial(part["scrap_qty"].to_numpy(), pvals)
        r, c = np.nonzero(counts)
        keys = part.select("date", "shift", "machine_code", "product_code")[r]
        frames.append(keys.with_columns(reason_code=pl.Series(np.array(codes)[c]), qty=pl.Series(counts[r, c])))
    return pl.concat(frames).sort("date", "shift", "machine_code", "product_code", "reason_code")


# --------------------------------------------------------------------------- sales
def _year_earlier_week(week: date) -> date:
    """The Monday of the week a year before `week` at the same place in the plant's year: within 60 days
    of Chinese New Year the same distance from the previous year's New Year, else 52 weeks earlier."""
    cny = [date.fromisoformat(d) for d in P.CHINESE_NEW_YEAR]
    nearest = min(cny, key=lambda c: abs((c - week).days))
    offset = (week - nearest).days
    if abs(offset) > 60 or cny.index(nearest) == 0:
        return week - timedelta(weeks=52)
    same = cny[cny.index(nearest) - 1] + timedelta(days=offset)
    return same - timedelta(days=same.weekday())


def _orders_and_shipments(master, finished: pl.DataFrame, cal: Calendar, rng: np.random.Generator):
    customers = master["customers"]
    classes = dict(zip(customers["customer_code"], customers["abc_class"]))
    codes = customers["customer_code"].to_list()
    weight = np.array([{"A": 3.0, "B": 2.0, "C": 1.0}[classes[c]] for c in codes])
    products = master["products"]["product_code"].to_list()
    cost = dict(zip(master["products"]["product_code"], master["products"]["standard_cost"]))
    share_rows = []
    for j, product in enumerate(products):
        count = int(rng.integers(1, 4))
        chosen = list(rng.choice(len(codes), size=count, replace=False, p=weight / weight.sum()))
        if j % 24 in (0, 5, 12) and codes.index(LATE_CUSTOMER) not in chosen:  # the late customer buys these
            chosen[-1] = codes.index(LATE_CUSTOMER)
        shares = rng.dirichlet(np.ones(len(chosen)) * 2)
        for ci, s in zip(chosen, shares):
            share_rows.append((product, codes[ci], float(s), round(cost[product] * float(rng.uniform(*P.PRICE_MARKUP)), 2)))
    shares = pl.DataFrame(share_rows, schema=["product_code", "customer_code", "share", "unit_price"], orient="row")

    # Demand follows output: each production week's finished output (the expected rate for the
    # current and the coming weeks) is ordered for delivery the week after (ORDER_SHIP_OFFSET_DAYS),
    # so finished stock holds about a week of sales. Over the history the customers also take the
    # opening finished stock (OPENING_FG_DAYS of output, as _material_moves books it), so the stock
    # does not pile up: stock cover today is ~1 week, not the ~6 weeks a 0.97 x output demand left.
    weekly = finished.with_columns(week=pl.col("date").dt.truncate("1w")) \
        .group_by("product_code", "week").agg(pl.col("qty").sum()).sort("week", "product_code")
    current_week = cal.today - timedelta(days=cal.today.weekday())
    history = weekly.filter(pl.col("week") < current_week)
    # (the opening's + 100 pieces stay as a small buffer)
    opening = finished.filter(pl.col("date") < cal.start + timedelta(days=OPENING_FG_DAYS)) \
        .group_by("product_code").agg(opening=pl.col("qty").sum())
    draw_down = history.group_by("product_code").agg(made=pl.col("qty").sum()) \
        .join(opening, on="product_code", how="left") \
        .select("product_code", factor=1 + pl.col("opening").fill_null(0) / pl.col("made"))
    history = history.join(draw_down, on="product_code", maintain_order="left") \
        .select("product_code", "week", qty=pl.col("qty") * pl.col("factor"))
    recent = weekly.filter(pl.col("week") >= current_week - timedelta(weeks=8), pl.col("week") < current_week) \
        .group_by("product_code").agg((pl.col("qty").sum() / 8).alias("qty"))
    # The order book ahead: each product's recent rate, shaped by the season (the plant's finished
    # output in the same week a year earlier, relative to the year-earlier weeks of the recent rate:
    # the peak before Chinese New Year, the closure, the ramp-up), plus FUTURE_ORDER_GROWTH.
    plant_weekly = dict(weekly.group_by("week").agg(pl.col("qty").sum()).iter_rows())
    recent_refs = [_year_earlier_week(current_week - timedelta(weeks=k)) for k in range(1, 9)]
    baseline = sum(plant_weekly.get(w, 0) for w in recent_refs) / 8

    def season(week: date) -> float:
        return plant_weekly.get(_year_earlier_week(week), baseline) / baseline if baseline else 1.0

    future = pl.concat([recent.with_columns(week=pl.lit(current_week + timedelta(weeks=w)),
                                            qty=pl.col("qty") * FUTURE_ORDER_GROWTH
                                            * season(current_week + timedelta(weeks=w)))
                        for w in range(OPEN_ORDER_WEEKS)]).select("product_code", "week", "qty")
    demand = pl.concat([history.with_columns(pl.col("qty").cast(pl.Float64), _future=pl.lit(False)),
                        future.with_columns(pl.col("qty").cast(pl.Float64), _future=pl.lit(True))])
    lines = demand.join(shares, on="product_code").with_columns(
        qty=((pl.col("qty") * pl.col("share") / 10).round() * 10).cast(pl.Int64)) \
        .filter(pl.col("qty") >= 10).sort("week", "customer_code", "product_code")
    # one order per customer and week; lead time and promised day drawn per order
    orders = lines.select("customer_code", "week", "_future").unique(maintain_order=True)
    n = orders.height
    lead = rng.integers(14, 36, n)
    # each customer takes deliveries on its own weekday (a fixed call-off day), Monday-Friday of the week after
    delivery_day = dict(zip(codes, rng.integers(*ORDER_SHIP_OFFSET_DAYS, len(codes)).tolist()))
    promised_offset = orders["customer_code"].replace_strict(delivery_day, return_dtype=pl.Int64).to_numpy()
    week = orders["week"].to_numpy().astype("datetime64[D]")
    promised = week + promised_offset
    order_date = promised - lead
    today = np.datetime64(cal.today, "D")
    order_date = np.where(order_date > today, today - rng.integers(0, 10, n), order_date)
    order_date = np.minimum(np.maximum(order_date, np.datetime64(cal.start, "D")), promised)  # history starts here
    orders = orders.with_columns(promised_date=pl.Series(promised), order_date=pl.Series(order_date)) \
        .sort("order_date", "customer_code", "week")
    orders = orders.with_columns(order_no=pl.format("SO-{}-{}", pl.col("order_date").dt.strftime("%y%m"),
                                                    (pl.int_range(pl.len()) + 1).over(pl.col("order_date")
                                                                                      .dt.strftime("%y%m"))
                                                    .cast(pl.String).str.zfill(4)))
    lines = lines.join(orders, on=["customer_code", "week", "_future"], maintain_order="left") \
        .sort("order_no", "product_code")
    lines = lines.with_columns(line_no=(pl.int_range(pl.len()) + 1).over("order_no").cast(pl.Int64))
    m = lines.height
    requested = lines["promised_date"].to_numpy() - rng.integers(0, 4, m) * (rng.random(m) < 0.3)
    requested = np.maximum(requested, lines["order_date"].to_numpy())
    order_rows = lines.select("order_no", "line_no", "customer_code", "product_code", "order_date", "qty",
                              "unit_price", "promised_date").with_columns(requested_date=pl.Series(requested))

    # shipments: mostly on time, some late, some partial; the late customer's cluster
    promised = lines["promised_date"].to_numpy()
    late_from, late_to = (np.datetime64(cal.today - timedelta(days=d), "D") for d in LATE_WINDOW_DAYS_AGO)
    cluster = (lines["customer_code"].to_numpy() == LATE_CUSTOMER) & (promised >= late_from) & (promised <= late_to)
    u = rng.random(m)
    late = np.where(cluster, u < 0.8, u < 0.04)
    partial = ~late & (u < 0.12) & ~cluster
    early = rng.integers(0, 4, m)
    late_days = np.where(cluster, rng.integers(3, 13, m), rng.integers(1, 8, m))
    first_date = np.where(late, promised + late_days, promised - early)
    # a week's output ships from the Monday after that week, never before it is made
    made_by = lines["week"].to_numpy().astype("datetime64[D]") + 7
    first_date = np.maximum(first_date, made_by)
    first_share = np.where(partial, rng.uniform(0.5, 0.8, m), 1.0)
    second_date = promised + rng.integers(-2, 7, m)
    qty = lines["qty"].to_numpy()
    first_qty = np.floor(qty * first_share).astype(np.int64)
    ships = pl.concat([
        pl.DataFrame({"order_no": lines["order_no"], "line_no": lines["line_no"], "ship_date": pl.Series(first_date),
                      "qty": first_qty, "product_code": lines["product_code"]}),
        pl.DataFrame({"order_no": lines["order_no"], "line_no": lines["line_no"],
                      "ship_date": pl.Series(np.maximum(second_date, first_date + 1)),
                      "qty": qty - first_qty, "product_code": lines["product_code"]}).filter(pl.col("qty") > 0),
    ])
    # no shipments on Sundays: ship on the Saturday before
    ships = ships.with_columns(ship_date=pl.when(pl.col("ship_date").dt.weekday() == 7)
                               .then(pl.col("ship_date") - pl.duration(days=1)).otherwise(pl.col("ship_date")))
    # a partial's second part moved back onto the same Saturday ships with the first
    ships = ships.filter(pl.col("ship_date") <= cal.today) \
        .group_by("order_no", "line_no", "ship_date", "product_code").agg(pl.col("qty").sum()) \
        .sort("ship_date", "order_no", "line_no")
    ship_no = ships.select("ship_date", "order_no").unique(maintain_order=True).with_columns(
        shipment_no=pl.format("DN-{}-{}", pl.col("ship_date").dt.strftime("%y%m%d"),
                              (pl.int_range(pl.len()) + 1).over("ship_date").cast(pl.String).str.zfill(3)))
    ships = ships.join(ship_no, on=["ship_date", "order_no"], maintain_order="left")
    delivered = ships["ship_date"].to_numpy() + rng.integers(1, 4, ships.height)
    ships = ships.with_columns(delivered_date=pl.when(pl.Series(delivered) <= cal.today)
                               .then(pl.Series(delivered)).otherwise(None))
    shipments = ships.select("shipment_no", "order_no", "line_no", "ship_date", "qty", "delivered_date")
    sales_out = ships.select("ship_date", "product_code", "qty", "shipment_no")
    return order_rows, shipments, sales_out


def _complaints_and_surveys(master, orders: pl.DataFrame, cal: Calendar, rng: np.random.Generator):
    spike_month = _month_key(_month_start(cal.today, COMPLAINT_SPIKE_MONTHS_AGO))
    dip_month = _month_key(_month_start(cal.today, COMPLAINT_SPIKE_MONTHS_AGO - 1))
    cost = dict(zip(master["products"]["product_code"], master["products"]["standard_cost"]))
    bought = orders.filter(pl.col("order_date") <= cal.today).select("customer_code", "product_code", "order_no",
                                                                      "order_date").sort("order_date", "order_no", "product_code")
    reasons = ["CP-DIM", "CP-APPEAR", "CP-FUNC", "CP-MIX", "CP-QTY", "CP-PACK", "CP-LATE"]
    reason_p = np.array([0.22, 0.25, 0.12, 0.1, 0.1, 0.11, 0.1])
    rows = []
    month = cal.start
    while month <= cal.today:
        key = _month_key(month)
        spike = key == spike_month
        count = int(rng.integers(14, 19)) if spike else int(rng.poisson(4))
        next_month = _month_start(month, -1)
        in_month = bought.filter(pl.col("order_date") >= month - timedelta(days=40), pl.col("order_date") < next_month)
        for i in range(count):
            if in_month.height == 0:
                break
            pick = in_month.row(int(rng.integers(in_month.height)), named=True)
            day = month + timedelta(days=int(rng.integers(0, (next_month - month).days)))
            if day > cal.today:
                continue
            reason = "CP-DIM" if spike and rng.random() < 0.7 else str(rng.choice(reasons, p=reason_p))
            severity = str(rng.choice(["minor", "major", "critical"], p=[0.55, 0.37, 0.08]))
            affected = int(rng.integers(50, 2500))
            # closed within weeks (median ~12 days, 8D reports of major and critical ones take longer)
            days = rng.lognormal(np.log(10 if severity == "minor" else 16), 0.45)
            closed = day + timedelta(days=int(np.clip(round(days), 2, 45)))
            rows.append((f"CC-{day:%y%m}-{i + 1:02d}", day, pick["customer_code"], pick["product_code"],
                         pick["order_no"] if rng.random() < 0.8 else None, reason, severity, affected,
                         # handling, sorting at the customer and replacing the few bad pieces of the lot
                         round(affected * cost[pick["product_code"]] * float(rng.uniform(0.05, 0.3)) + 300, 2),
                         closed if closed <= cal.today else None))
        month = next_month
    complaints = pl.DataFrame(rows, schema=["complaint_no", "date", "customer_code", "product_code", "order_no",
                                            "reason_code", "severity", "qty_affected", "cost", "closed_date"],
                              orient="row")
    # a few aged on purpose (AGED_COMPLAINTS): complaints of 5-12 weeks ago still open, the
    # exceptions list's "open longer than 30 days"
    age = (pl.lit(cal.today) - pl.col("date")).dt.total_days()
    candidates = complaints.with_row_index("_i").filter(age.is_between(35, 84))["_i"].to_numpy()
    aged = rng.choice(candidates, size=min(AGED_COMPLAINTS, len(candidates)), replace=False) if len(candidates) else []
    complaints = complaints.with_columns(closed_date=pl.when(pl.int_range(pl.len()).is_in(list(aged)))
                                         .then(None).otherwise(pl.col("closed_date")))

    # weekly surveys on Fridays: several customers, several respondents each
    codes = master["customers"]["customer_code"].to_list()
    contacts = [f"{s} {g}" for s in P.SURNAMES[:8] for g in P.GIVEN[:6]]
    normal = np.array([0.03, 0.05, 0.12, 0.45, 0.35])
    dip = np.array([0.12, 0.18, 0.30, 0.28, 0.12])
    survey_rows = []
    d = cal.start + timedelta(days=(4 - cal.start.weekday()) % 7)
    while d <= cal.today:
        p = dip if _month_key(d) == dip_month else normal
        for ci in sorted(rng.choice(len(codes), size=int(rng.integers(4, 8)), replace=False)):
            people = rng.choice(len(contacts), size=int(rng.integers(1, 4)), replace=False)
            for person in sorted(people):
                score = int(rng.choice(5, p=p)) + 1
                nps = int(np.clip(score * 2 + rng.integers(-1, 2), 0, 10)) if rng.random() < 0.85 else None
                parts = [int(np.clip(score + rng.integers(-1, 2), 1, 5)) if rng.random() < 0.9 else None
                         for _ in range(3)]
                comment = None
                if score <= 2:
                    comment = str(rng.choice(["dimension issue on last lot", "delivery was late", "尺寸问题未解决",
                                              "packaging damaged", "需要更快回复"]))
                survey_rows.append((d, codes[ci], contacts[person], score, nps, *parts, comment))
        d += timedelta(days=7)
    surveys = pl.DataFrame(survey_rows, schema={"date": pl.Date, "customer_code": pl.String, "respondent": pl.String,
                                                "score": pl.Int64, "nps": pl.Int64, "quality": pl.Int64,
                                                "delivery": pl.Int64, "service": pl.Int64, "comment": pl.String},
                           orient="row")
    return complaints, surveys


# --------------------------------------------------------------------------- materials and purchasing
def _issues(production: pl.DataFrame, master, cal: Calendar, rng: np.random.Generator) -> pl.DataFrame:
    """Material issued per day and line to the operation that consumes it (bom.seq, empty: the
    first): the BOM quantity of that operation's good + scrap plus a loss around the BOM normal
    loss (0.6-1.3 x loss_rate); the story supplier's resin is lost about twice as fast in the
    weeks its lots are bad (PASS_RATE_DAYS)."""
    ops = _with_operation(production, master)
    first = master["routings"].group_by("product_code").agg(pl.col("seq").min().alias("_first"))
    bom = master["bom"].join(first, on="product_code").with_columns(seq=pl.col("seq").fill_null(pl.col("_first")))
    use = ops.select("date", "machine_code", "product_code", "seq", "good_qty", "scrap_qty") \
        .join(bom.select("product_code", "seq", "material_code", "qty_per_unit", "loss_rate"),
              on=["product_code", "seq"], maintain_order="left")
    extra = rng.uniform(0.6, 1.3, use.height)
    story = [code for code, values in P.MATERIALS.items() if values[6] == PASS_RATE_SUPPLIER]
    bad_lots = pl.col("material_code").is_in(story) & (pl.col("date") >= cal.today - timedelta(days=PASS_RATE_DAYS))
    use = use.with_columns(qty=(pl.col("good_qty") + pl.col("scrap_qty")) * pl.col("qty_per_unit")
                           * (1 + pl.col("loss_rate") * pl.Series(extra) * pl.when(bad_lots).then(2.2).otherwise(1.0)),
                           line=pl.col("machine_code").str.split("-").list.first())
    return use.group_by("date", "line", "material_code", maintain_order=True).agg(pl.col("qty").sum()) \
        .sort("date", "line", "material_code")


def _opening_materials(issues: pl.DataFrame, materials: pl.DataFrame, cal: Calendar) -> pl.DataFrame:
    """material_code, qty: the stock at the start of the history (five weeks of use + safety stock)."""
    first_weeks = issues.filter(pl.col("date") < cal.start + timedelta(days=35)) \
        .group_by("material_code").agg(pl.col("qty").sum())
    return materials.join(first_weeks, on="material_code", how="left").select(
        "material_code", qty=(pl.col("qty").fill_null(0) * 1.2 + pl.col("safety_stock")).round(0))


def _purchasing(master, issues: pl.DataFrame, cal: Calendar, rng: np.random.Generator):
    """Purchase orders every two weeks per material, order-up-to: each brings the expected stock
    at its arrival up to the safety stock plus the two weeks of use it covers (rounded up to whole
    packs), so stock cover follows the lead time; pack sizes leave a few slow items with months of
    cover. The story supplier's rejected lots are expected in the weeks of its bad lots."""
    materials = master["materials"]
    daily = issues.group_by("material_code", "date").agg(pl.col("qty").sum()).sort("material_code", "date")
    opening = dict(_opening_materials(issues, materials, cal).iter_rows())
    rows = []
    period_days = 14
    for code, name, _name_en, spec, unit, price, lead, safety in materials.iter_rows():
        supplier = P.MATERIALS[code][6]
        used = daily.filter(pl.col("material_code") == code)
        stock = opening[code]
        recent = used.filter(pl.col("date") > cal.today - timedelta(days=28))["qty"].sum() / 28 * period_days
        p = cal.start
        while p <= cal.today + timedelta(days=lead + 2 * period_days):
            order_date = p - timedelta(days=lead + 3)
            need = used.filter(pl.col("date") >= p, pl.col("date") < p + timedelta(days=period_days))["qty"].sum()
            if p > cal.today - timedelta(days=period_days):
                need = max(need, recent)
            qty = 0.0
            if cal.start <= order_date <= cal.today:
                pack = 25 if unit == "kg" else 1000 if price < 1 else 10
                accepted = 0.87 if supplier == PASS_RATE_SUPPLIER and p >= cal.today - timedelta(days=PASS_RATE_DAYS) \
                    else 1.0
                qty = float(np.ceil(max(0.0, safety + need - stock) / accepted / pack) * pack)
                stock += qty * accepted
                if qty > 0:
                    # resin prices swing a few per cent over the year: purchase price variance
                    unit_price = round(price * (1 + 0.04 * np.sin(p.month / 2) + float(rng.normal(0, 0.01))), 3)
                    rows.append((supplier, code, order_date, qty, unit_price, p - timedelta(days=2)))
            stock -= need
            p += timedelta(days=period_days)
        if code == EXCESS_MATERIAL:  # a price break taken on months of use: excess stock on purpose
            day = cal.today - timedelta(days=EXCESS_DAYS_AGO)
            qty = float(np.ceil(used.filter(pl.col("date") > day - timedelta(days=90))["qty"].sum() / 90
                                * EXCESS_COVER_DAYS / 25) * 25)
            rows.append((supplier, code, day - timedelta(days=lead), qty, round(price * 0.92, 3), day))
    lines = pl.DataFrame(rows, schema=["supplier_code", "material_code", "order_date", "qty", "unit_price",
                                       "promised_date"], orient="row").sort("order_date", "supplier_code",
                                                                             "material_code")
    heads = lines.select("order_date", "supplier_code").unique(maintain_order=True).with_columns(
        po_no=pl.format("PO-{}-{}", pl.col("order_date").dt.strftime("%y%m"),
                        (pl.int_range(pl.len()) + 1).over(pl.col("order_date").dt.strftime("%y%m"))
                        .cast(pl.String).str.zfill(4)))
    lines = lines.join(heads, on=["order_date", "supplier_code"], maintain_order="left") \
        .with_columns(line_no=(pl.int_range(pl.len()) + 1).over("po_no").cast(pl.Int64))
    pos = lines.select("po_no", "line_no", "supplier_code", "material_code", "order_date", "qty", "unit_price",
                       "promised_date")

    n = pos.height
    promised = pos["promised_date"].to_numpy()
    # Suppliers mostly deliver on or before the promised date (about 9 lines in 10 on time in
    # full); a few lines come in two parts, the second a few days later.
    delay = rng.choice(np.array([-3, -2, -1, 0, 1, 2, 4]), n, p=[0.12, 0.2, 0.25, 0.36, 0.04, 0.02, 0.01])
    split = rng.random(n) < 0.05
    first_share = np.where(split, rng.uniform(0.5, 0.8, n), 1.0)
    qty = pos["qty"].to_numpy()
    first = np.round(qty * first_share, 2)
    rec = pl.concat([
        pos.select("po_no", "line_no", "supplier_code", "material_code", "unit_price")
        .with_columns(receipt_date=pl.Series(promised + delay), qty=pl.Series(first)),
        pos.select("po_no", "line_no", "supplier_code", "material_code", "unit_price")
        .with_columns(receipt_date=pl.Series(promised + delay + rng.integers(3, 8, n)),
                      qty=pl.Series(np.round(qty - first, 2))).filter(pl.Series(split)),
    ]).filter(pl.col("receipt_date") <= cal.today).sort("receipt_date", "po_no", "line_no")
    # incoming quality: the story supplier's lots get worse in the last months
    m = rec.height
    drop = (rec["supplier_code"].to_numpy() == PASS_RATE_SUPPLIER) & \
           (rec["receipt_date"].to_numpy() >= np.datetime64(cal.today - timedelta(days=PASS_RATE_DAYS), "D"))
    bad_lot = rng.random(m) < np.where(drop, 0.7, 0.12)
    reject_share = np.where(bad_lot, np.where(drop, rng.uniform(0.06, 0.3, m), rng.uniform(0.01, 0.06, m)), 0.0)
    received = rec["qty"].to_numpy()
    rejected = np.floor(received * reject_share)
    rec = rec.with_columns(accepted_qty=pl.Series(np.round(received - rejected, 2)), _rejected=pl.Series(rejected))
    receipts = rec.select("po_no", "line_no", "receipt_date", "qty", "accepted_qty")

    reasons = np.array(["DF-MOIST", "DF-CONTAM", "DF-COLOR", "DF-DIM", "DF-SPEC", "DF-PACK"])
    inspected = np.ceil(received).astype(np.int64)
    rej = rejected.astype(np.int64)
    incoming = rec.select(
        date=pl.col("receipt_date"), stage=pl.lit("incoming"), item_code=pl.col("material_code"),
        supplier_code=pl.col("supplier_code"),
    ).with_columns(
        lot_no=pl.format("IQC-{}-{}", pl.col("date").dt.strftime("%y%m%d"),
                         (pl.int_range(pl.len()) + 1).over("date").cast(pl.String).str.zfill(3)),
        machine_code=pl.lit(None, pl.String), inspected_qty=pl.Series(inspected),
        passed_first_qty=pl.Series(inspected - rej), rejected_qty=pl.Series(rej),
        reason_code=pl.when(pl.Series(rej) > 0).then(pl.Series(reasons[rng.integers(0, len(reasons), m)])),
        disposition=pl.when(pl.Series(rej) > 0).then(pl.lit("return")).otherwise(pl.lit("accept")),
    )
    moves = rec.select(date=pl.col("receipt_date"), item_code=pl.col("material_code"), move=pl.lit("receipt"),
                       qty=pl.col("accepted_qty"), ref=pl.format("{}/{}", pl.col("po_no"), pl.col("line_no")),
                       unit_cost=pl.col("unit_price"))
    return pos, receipts, incoming, moves


def _inspections(production: pl.DataFrame, master, incoming: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    # in-process: one patrol lot per machine and day, from shift A (or B when A did not run)
    ip = production.sort("date", "machine_code", "shift", "product_code") \
        .unique(["date", "machine_code"], keep="first", maintain_order=True)
    n = ip.height
    ratio = (ip["scrap_qty"] + ip["defect_qty"]).to_numpy() / np.maximum(ip["total_qty"].to_numpy(), 1)
    inspected = rng.choice([50, 80, 125, 200], size=n)
    rejected = rng.binomial(inspected, np.clip(ratio * 0.8, 0, 0.5))
    passed = inspected - rejected - rng.binomial(inspected - rejected, 0.004)
    top = {line: next(iter(mix)) for line, mix in P.SCRAP_MIX.items()}
    in_process = ip.select(
        "date", stage=pl.lit("in_process"),
        lot_no=pl.format("IPQC-{}-{}", pl.col("date").dt.strftime("%y%m%d"), pl.col("machine_code")),
        item_code=pl.col("product_code"), supplier_code=pl.lit(None, pl.String), machine_code=pl.col("machine_code"),
    ).with_columns(
        inspected_qty=pl.Series(inspected), passed_first_qty=pl.Series(passed), rejected_qty=pl.Series(rejected),
        reason_code=pl.when(pl.Series(rejected) > 0)
        .then(pl.col("machine_code").str.split("-").list.first().replace_strict(top)),
        disposition=pl.when(pl.Series(rejected) > 0).then(pl.lit("rework")).otherwise(pl.lit("accept")),
    )
    # final: one lot per product and day it was finished
    last = master["routings"].group_by("product_code").agg(pl.col("seq").max())
    final_src = production.join(master["routings"].join(last, on=["product_code", "seq"]).select(
        "product_code", "machine_code"), on=["product_code", "machine_code"]) \
        .group_by("date", "product_code").agg(pl.col("good_qty").sum()).filter(pl.col("good_qty") > 0) \
        .sort("date", "product_code")
    m = final_src.height
    inspected = np.minimum(final_src["good_qty"].to_numpy(), rng.choice([125, 200, 315], size=m))
    rejected = rng.binomial(inspected, 0.006)
    reasons = np.array(["DF-COSMETIC", "DF-DIM", "DF-PACK", "DF-COLOR"])
    final = final_src.select(
        "date", stage=pl.lit("final"),
        lot_no=pl.format("FQC-{}-{}", pl.col("date").dt.strftime("%y%m%d"), pl.col("product_code")),
        item_code=pl.col("product_code"), supplier_code=pl.lit(None, pl.String), machine_code=pl.lit(None, pl.String),
    ).with_columns(
        inspected_qty=pl.Series(inspected), passed_first_qty=pl.Series(inspected - rejected),
        rejected_qty=pl.Series(rejected),
        reason_code=pl.when(pl.Series(rejected) > 0).then(pl.Series(reasons[rng.integers(0, len(reasons), m)])),
        disposition=pl.when(pl.Series(rejected) > 0).then(pl.lit("rework")).otherwise(pl.lit("accept")),
    )
    columns = KINDS["inspections"].field_names
    return pl.concat([incoming.select(columns), in_process.select(columns), final.select(columns)]) \
        .sort("date", "stage", "lot_no")


def _with_operation(production: pl.DataFrame, master) -> pl.DataFrame:
    """Production rows with their routing step (seq) and the product's last step (last)."""
    last = master["routings"].group_by("product_code").agg(pl.col("seq").max().alias("last"))
    return production.join(master["routings"].select("product_code", "machine_code", "seq"),
                           on=["product_code", "machine_code"], maintain_order="left") \
        .join(last, on="product_code", maintain_order="left")


def _finished(production: pl.DataFrame, master) -> pl.DataFrame:
    """Finished goods per day and product: the good output of each product's last operation."""
    return _with_operation(production, master).filter(pl.col("seq") == pl.col("last")) \
        .group_by("date", "product_code").agg(pl.col("good_qty").sum().alias("qty")) \
        .filter(pl.col("qty") > 0).sort("date", "product_code")


def _material_moves(production, master, issues, receipt_moves, sales_out, cal: Calendar, rng: np.random.Generator):
    price = dict(zip(master["materials"]["material_code"], master["materials"]["standard_price"]))
    cost = dict(zip(master["products"]["product_code"], master["products"]["standard_cost"]))
    ymd = pl.col("date").dt.strftime("%y%m%d")
    issue = issues.select("date", item_code=pl.col("material_code"), move=pl.lit("issue"), qty=pl.col("qty").round(2),
                          ref=pl.format("MR-{}-{}", ymd, pl.col("line")),
                          unit_cost=pl.col("material_code").replace_strict(price, return_dtype=pl.Float64))
    ops = _with_operation(production, master)
    # semi-finished: handed over by every operation that has a next one, taken by the next one
    semi_in = ops.filter(pl.col("seq") < pl.col("last")).group_by("date", "product_code") \
        .agg(pl.col("good_qty").sum().cast(pl.Float64).alias("qty"))
    semi_out = ops.filter(pl.col("seq") > 10).group_by("date", "product_code").agg(pl.col("input_qty").sum().alias("qty"))
    finished = _finished(production, master)
    product_cost = pl.col("item_code").replace_strict(cost, return_dtype=pl.Float64)
    semi_moves = [semi.select("date", item_code=pl.col("product_code"), move=pl.lit(move), qty=pl.col("qty"),
                              ref=pl.format("WIP-{}", ymd)).with_columns(unit_cost=product_cost)
                  for move, semi in (("semi_in", semi_in), ("semi_out", semi_out))]
    finished_in = finished.select("date", item_code=pl.col("product_code"), move=pl.lit("finished_in"),
                                  qty=pl.col("qty").cast(pl.Float64), ref=pl.format("FG-{}", ymd)) \
        .with_columns(unit_cost=product_cost)
    sales = sales_out.select(date=pl.col("ship_date"), item_code=pl.col("product_code"), move=pl.lit("sales_out"),
                             qty=pl.col("qty").cast(pl.Float64), ref=pl.col("shipment_no")) \
        .with_columns(unit_cost=product_cost)
    # opening balances: a few weeks of use for materials, two weeks of output for products
    opening_mat = _opening_materials(issues, master["materials"], cal).join(
        master["materials"].select("material_code", "standard_price"), on="material_code").select(
        date=pl.lit(cal.start), item_code=pl.col("material_code"), move=pl.lit("adjust"), qty=pl.col("qty"),
        ref=pl.lit("OPENING"), unit_cost=pl.col("standard_price"))
    first_out = finished.filter(pl.col("date") < cal.start + timedelta(days=21)).group_by("product_code") \
        .agg(pl.col("qty").sum())
    opening_fg = master["products"].join(first_out, on="product_code", how="left").select(
        date=pl.lit(cal.start), item_code=pl.col("product_code"), move=pl.lit("adjust"),
        qty=(pl.col("qty").fill_null(0) * 1.0 + 100).round(0).cast(pl.Float64), ref=pl.lit("OPENING"),
        unit_cost=pl.col("standard_cost"))
    # monthly: unused material returned from the lines, damaged material scrapped
    monthly = issues.with_columns(month=pl.col("date").dt.truncate("1mo")) \
        .group_by("month", "material_code").agg(pl.col("qty").sum(), pl.col("date").max().alias("date")) \
        .sort("month", "material_code")
    k = monthly.height
    # resin left in the hoppers goes back to the store; cartons, bags, inserts and cans are used up
    in_kg = pl.col("item_code").replace_strict({c: v[2] == "kg" for c, v in P.MATERIALS.items()},
                                               return_dtype=pl.Boolean)
    returns = monthly.select("date", item_code=pl.col("material_code"), move=pl.lit("return"),
                             qty=(pl.col("qty") * pl.Series(rng.uniform(0.003, 0.012, k))).round(2),
                             ref=pl.format("RT-{}", pl.col("date").dt.strftime("%y%m")),
                             unit_cost=pl.col("material_code").replace_strict(price, return_dtype=pl.Float64)) \
        .filter(in_kg)
    scrap_out = monthly.select("date", item_code=pl.col("material_code"), move=pl.lit("scrap_out"),
                               qty=(pl.col("qty") * pl.Series(rng.uniform(0.0005, 0.003, k))).round(2),
                               ref=pl.format("SO-{}", pl.col("date").dt.strftime("%y%m")),
                               unit_cost=pl.col("material_code").replace_strict(price, return_dtype=pl.Float64))
    moves = pl.concat([opening_mat, opening_fg, receipt_moves, issue, *semi_moves, finished_in, sales, returns,
                       scrap_out], how="vertical_relaxed").filter(pl.col("qty") > 0) \
        .sort("date", "item_code", "move", "ref")
    return moves, finished


def _stocktakes(moves: pl.DataFrame, cal: Calendar, rng: np.random.Generator) -> pl.DataFrame:
    """Month-end counts of every item: the running balance with a small counting difference."""
    sign = {"receipt": 1, "return": 1, "semi_in": 1, "finished_in": 1, "adjust": 1, "issue": -1, "semi_out": -1,
            "sales_out": -1, "scrap_out": -1}
    month_ends = []
    m = cal.start
    while True:
        end = _month_start(m, -1) - timedelta(days=1)
        if end >= cal.today:
            break
        month_ends.append(end)
        m = _month_start(m, -1)
    net = moves.with_columns(signed=pl.col("qty") * pl.col("move").replace_strict(sign, return_dtype=pl.Float64),
                             month=pl.col("date").dt.month_end()) \
        .group_by("item_code", "month").agg(pl.col("signed").sum())
    items = moves["item_code"].unique().sort()
    grid = pl.DataFrame({"item_code": items}).join(pl.DataFrame({"month": pl.Series(month_ends, dtype=pl.Date)}),
                                                   how="cross")
    counts = grid.join(net, on=["item_code", "month"], how="left").sort("item_code", "month").with_columns(
        balance=pl.col("signed").fill_null(0).cum_sum().over("item_code"))
    noise = rng.normal(0, 0.006, counts.height)
    return counts.select(date=pl.col("month"), item_code=pl.col("item_code"),
                         counted_qty=(pl.col("balance") * (1 + pl.Series(noise))).round(1).clip(lower_bound=0)) \
        .sort("date", "item_code")


# --------------------------------------------------------------------------- people, engineering, finance
def _people(employees: pl.DataFrame, cal: Calendar, scale: str, rng: np.random.Generator):
    days = np.array(cal.days, dtype="datetime64[D]")
    staff = employees  # every employee, every scale (a third of them once, at small: attendance 50 of 150)
    hire = staff["hire_date"].to_numpy().astype("datetime64[D]")
    leave = staff["leave_date"].to_numpy()
    leave = np.where(np.isnat(leave), np.datetime64("2999-12-31"), leave).astype("datetime64[D]")
    production = (staff["department"] == "production").to_numpy()
    e_idx, d_idx = np.nonzero((hire[:, None] <= days[None, :]) & (days[None, :] <= leave[:, None]))
    order = np.lexsort((e_idx, d_idx))
    e_idx, d_idx = e_idx[order], d_idx[order]
    n = len(e_idx)
    absence = rng.choice(np.array(["none", "leave", "sick", "absent"]), size=n, p=[0.955, 0.025, 0.015, 0.005])
    worked = np.where(absence == "none", 8.0, 0.0)
    overtime = np.where((absence == "none") & production[e_idx],
                        np.round(rng.uniform(0, 1, n) * cal.overtime[d_idx] * 2) / 2, 0.0)
    attendance = pl.DataFrame({"date": days[d_idx], "employee_code": staff["employee_code"].to_numpy()[e_idx],
                               "scheduled_h": np.full(n, 8.0), "worked_h": worked, "overtime_h": overtime,
                               "absence": absence})

    events = []
    for code, dept, hired, left, rate in employees.select("employee_code", "department", "hire_date", "leave_date",
                                                          "hourly_rate").iter_rows():
        if hired >= cal.start:
            events.append((hired, code, "hire", f"joined {dept}", round(float(rng.uniform(300, 1500)), 0)))
        if left is not None:
            events.append((left, code, "leave", str(rng.choice(["resigned", "contract ended", "家庭原因", "返乡"])), None))
        for year in range(cal.start.year, cal.today.year + 1):
            raise_day = date(year, 3, 1)
            if cal.start <= raise_day <= cal.today and hired < raise_day and (left is None or left > raise_day) \
                    and rng.random() < 0.6:
                events.append((raise_day, code, "wage_change", f"+{int(rng.integers(3, 8))}% annual review", None))
    production_codes = employees.filter(pl.col("department") == "production", pl.col("leave_date").is_null())
    for _ in range(5):
        code = production_codes["employee_code"][int(rng.integers(production_codes.height))]
        day = cal.days[int(rng.integers(len(cal.days)))]
        events.append((day, code, "injury", str(rng.choice(["hand cut at trimming", "烫伤 burn from mold",
                                                            "strained back lifting boxes"])),
                       round(float(rng.uniform(1500, 12000)), 0)))
    for _ in range(6):
        code = production_codes["employee_code"][int(rng.integers(production_codes.height))]
        day = cal.days[int(rng.integers(len(cal.days)))]
        events.append((day, code, "transfer", str(rng.choice(["INJ -> DMC", "DMC -> FIN", "night shift -> day shift"])),
                       None))
    hr_events = pl.DataFrame(events, schema={"date": pl.Date, "employee_code": pl.String, "event": pl.String,
                                             "detail": pl.String, "cost": pl.Float64}, orient="row") \
        .unique(["date", "employee_code", "event"], keep="first", maintain_order=True).sort("date", "employee_code",
                                                                                               "event")
    injuries = hr_events.filter(pl.col("event") == "injury").select("date", "employee_code", _injury=pl.lit(True))
    attendance = attendance.join(injuries, on=["date", "employee_code"], how="left", maintain_order="left") \
        .with_columns(absence=pl.when(pl.col("_injury")).then(pl.lit("injury")).otherwise(pl.col("absence")),
                      worked_h=pl.when(pl.col("_injury")).then(2.0).otherwise(pl.col("worked_h"))).drop("_injury")
    return attendance, hr_events


def _maintenance(downtime: pl.DataFrame, machines: pl.DataFrame, cal: Calendar, rng: np.random.Generator):
    breakdowns = downtime.filter(pl.col("reason_code").is_in([c for c, v in P.REASONS.items() if v[3] == "breakdown"]),
                                 pl.col("minutes") >= 60)
    k = breakdowns.height
    corrective = breakdowns.select(
        "machine_code", start=pl.col("date").dt.combine(pl.col("start")),
    ).with_columns(
        end=pl.col("start") + pl.duration(minutes=breakdowns["minutes"]),
        # a technician's hours at ¥50/h plus parts: mostly seals, fuses and heater bands (median ¥80),
        # now and then a pump or a mold insert (the long tail)
        type=pl.lit("corrective"),
        cost=pl.Series(np.round(breakdowns["minutes"].to_numpy() / 60 * 50 + rng.lognormal(np.log(80), 1.0, k), 0)),
        note=breakdowns["reason_code"].replace_strict({c: f"{v[1]} / {v[2]}" for c, v in P.REASONS.items()}),
    )
    rows = []
    m = cal.start
    while m <= cal.today:
        sunday = m + timedelta(days=(6 - m.weekday()) % 7)
        if sunday <= cal.today:
            for code in machines["machine_code"].to_list():
                start = datetime.combine(sunday, datetime.min.time()).replace(hour=7)
                hours = int(rng.integers(2, 5))
                rows.append((code, start, start + timedelta(hours=hours), "preventive",
                             round(float(hours * 50 + rng.uniform(100, 400)), 0), "monthly PM 月度保养"))
        m = _month_start(m, -1)
    preventive = pl.DataFrame(rows, schema={"machine_code": pl.String, "start": pl.Datetime("us"),
                                            "end": pl.Datetime("us"), "type": pl.String, "cost": pl.Float64,
                                            "note": pl.String}, orient="row")
    return pl.concat([preventive, corrective], how="vertical_relaxed").sort("start", "machine_code")


def _projects(products: pl.DataFrame, cal: Calendar, rng: np.random.Generator) -> pl.DataFrame:
    rows = []
    codes = products["product_code"].to_list()[:24]
    stages = products["stage"].to_list()[:24]
    for i in range(10):
        j = int(rng.integers(len(codes)))
        start = cal.start + timedelta(days=int(rng.integers(0, (cal.today - cal.start).days - 30)))
        stage = stages[j] if stages[j] != "market" else str(rng.choice(["design", "development", "launch", "market"]))
        end = start + timedelta(days=int(rng.integers(60, 300)))
        rows.append((f"RD-{start:%y}{i + 1:02d}", codes[j], stage, start,
                     end if stage == "market" and end <= cal.today else None,
                     round(float(rng.uniform(20000, 180000)), 0)))
    return pl.DataFrame(rows, schema=["project_code", "product_code", "stage", "start_date", "end_date", "cost"],
                        orient="row").sort("project_code")


def _costs(frames: dict[str, pl.DataFrame], master, cal: Calendar, rng: np.random.Generator) -> pl.DataFrame:
    month = pl.col("date").dt.strftime("%Y-%m")
    months = sorted({_month_key(d) for d in cal.days})
    working = pl.DataFrame({"date": cal.days}).group_by(month.alias("month")).agg(pl.len().alias("days"))
    emp = master["employees"]
    labour = []
    for m, days in working.iter_rows():
        first = date.fromisoformat(m + "-01")
        active = emp.filter(pl.col("hire_date") <= first, pl.col("leave_date").is_null() | (pl.col("leave_date") >= first))
        for dept, amount in active.group_by("department").agg((pl.col("hourly_rate") * 8 * days).sum()).iter_rows():
            labour.append((m, dept, "labour", round(amount * 1.15, 0)))
    parts = [pl.DataFrame(labour, schema=["month", "department", "category", "amount"], orient="row")]
    moves = frames["material_moves"]
    parts.append(moves.filter(pl.col("move") == "issue").group_by(month.alias("month"))
                 .agg((pl.col("qty") * pl.col("unit_cost")).sum().round(0).alias("amount"))
                 .select("month", department=pl.lit("production"), category=pl.lit("material"), amount="amount"))
    parts.append(frames["production"].group_by(month.alias("month"))
                 .agg((pl.col("planned_min") / 60 * 38).sum().round(0).alias("amount"))
                 .select("month", department=pl.lit("production"), category=pl.lit("utilities"), amount="amount"))
    parts.append(frames["maintenance"].group_by(pl.col("start").dt.strftime("%Y-%m").alias("month"))
                 .agg(pl.col("cost").sum().alias("amount"))
                 .select("month", department=pl.lit("engineering"), category=pl.lit("maintenance"), amount="amount"))
    parts.append(frames["complaints"].group_by(month.alias("month")).agg(pl.col("cost").sum().alias("amount"))
                 .select("month", department=pl.lit("customer_service"), category=pl.lit("complaint"),
                         amount="amount"))
    parts.append(frames["hr_events"].filter(pl.col("event") == "hire").group_by(month.alias("month"))
                 .agg(pl.col("cost").sum().alias("amount"))
                 .select("month", department=pl.lit("hr"), category=pl.lit("recruitment"), amount="amount"))
    parts.append(frames["shipments"].group_by(pl.col("ship_date").dt.strftime("%Y-%m").alias("month"))
                 .agg((pl.col("qty") * 0.03).sum().round(0).alias("amount"))
                 .select("month", department=pl.lit("sales"), category=pl.lit("transport"), amount="amount"))
    fixed = []
    for m in months:
        fixed.append((m, "hr", "welfare", round(float(emp.height * rng.uniform(120, 160)), 0)))
        fixed.append((m, "admin", "utilities", round(float(rng.uniform(6000, 9000)), 0)))
        for dept in DEPARTMENTS:
            fixed.append((m, dept, "other", round(float(rng.uniform(800, 5000)), 0)))
    parts.append(pl.DataFrame(fixed, schema=["month", "department", "category", "amount"], orient="row"))
    costs = pl.concat([p.with_columns(pl.col("amount").cast(pl.Float64)) for p in parts])
    return costs.group_by("month", "department", "category").agg(pl.col("amount").sum()) \
        .filter(pl.col("amount") >= 0).sort("month", "department", "category")


# --------------------------------------------------------------------------- the whole plant
def generate(scale: str = "small", today: date | None = None, seed: int = SEED) -> dict[str, pl.DataFrame]:
    """Every kind's rows as polars frames, in the order of data_access.kinds.KINDS; a kind this
    generator does not know (one added since) gets no rows rather than an error."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    today = today or date.today()
    rng = np.random.default_rng(seed)
    cal = _calendar(today)
    master = _master(SCALES[scale], rng, cal)
    production, downtime, _ = _production(master, cal, rng)
    scrap = _scrap_rows(production, rng)
    issues = _issues(production, master, cal, rng)
    pos, receipts, incoming, receipt_moves = _purchasing(master, issues, cal, rng)
    inspections = _inspections(production, master, incoming, rng)
    # finished goods drive the orders
    orders, shipments, sales_out = _orders_and_shipments(master, _finished(production, master), cal, rng)
    moves, _ = _material_moves(production, master, issues, receipt_moves, sales_out, cal, rng)
    stocktake = _stocktakes(moves, cal, rng)
    complaints, surveys = _complaints_and_surveys(master, orders, cal, rng)
    attendance, hr_events = _people(master["employees"], cal, scale, rng)
    maintenance = _maintenance(downtime, master["machines"], cal, rng)
    projects = _projects(master["products"], cal, rng)
    frames = dict(master)
    frames.update(production=production.drop("_climb"), scrap=scrap, downtime=downtime, material_moves=moves,
                  stocktake=stocktake, inspections=inspections, orders=orders, shipments=shipments,
                  complaints=complaints, surveys=surveys, purchase_orders=pos, receipts=receipts,
                  attendance=attendance, hr_events=hr_events, maintenance=maintenance, projects=projects)
    frames.update(maintenance_plan.generate(frames, cal.start, cal.today, seed))  # PM plan, resin price rise
    frames["costs"] = _costs(frames, master, cal, rng)
    frames.update(finance.generate(frames, cal.start, cal.today, seed))  # its own random stream
    frames.update(hr_rd.generate(frames, cal.start, cal.today, seed))  # its own random stream too
    frames.update(quality_stages.generate(frames, seed))  # receipt, outgoing lots; own stream
    frames["targets"] = _targets(frames, cal)  # from the plant's own first year, sales and receivables too
    frames["scorecard"] = appraisal.scorecard(master["lines"])  # every department's KPIs, weights of 100
    return {name: frames[name].select(KINDS[name].field_names) if name in frames else no_rows(name) for name in KINDS}


def no_rows(kind_name: str) -> pl.DataFrame:
    """The demo of a kind the generator does not know (a kind added since): no rows, its columns."""
    return pl.DataFrame(schema={f.name: f.field_type.polars for f in KINDS[kind_name].fields})


# --------------------------------------------------------------------------- loading
def database_is_empty(engine: Engine) -> bool:
    """True when the database holds no production rows and no master data."""
    with engine.connect() as conn:
        for name in ["production", *(k.name for k in MASTER_KINDS)]:
            if conn.execute(sa.select(sa.literal(1)).select_from(kind_table(name)).limit(1)).first():
                return False
    return True


class DemoNotLoaded(RuntimeError):
    """The database already holds data."""


@contextmanager
def _fresh_build(engine: Engine) -> Iterator[Connection]:
    """The connection the demo is written on. SQLite: a rollback journal and synchronous=OFF for the load
    into an empty file (its new pages need no journal, and WAL writes every page twice: the log, then the
    checkpoint), CHECKs and foreign keys left to _check_constraints; all back to normal afterwards. A file another
    connection holds open stays in WAL (nothing breaks, only slower)."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            yield conn
            return
        raw = conn.connection.driver_connection  # before any BEGIN: the journal mode is not set inside one
        raw.execute("PRAGMA journal_mode=DELETE").fetchall()
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA ignore_check_constraints=ON")
        raw.execute("PRAGMA foreign_keys=OFF")  # also set outside a transaction only
        try:
            yield conn
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
            raw.execute("PRAGMA ignore_check_constraints=OFF")
            raw.execute("PRAGMA synchronous=NORMAL")
            raw.execute("PRAGMA journal_mode=WAL").fetchall()


def _check_constraints(conn: Connection, name: str) -> None:
    """The table's foreign keys (PRAGMA foreign_key_check) and CHECK constraints over all its rows in one
    query each (per row, SQLite rebuilds each IN-list for every INSERT statement; here once). A CHECK fails
    only when false, as NOT(NULL) selects nothing."""
    table = kind_table(name)
    orphan = conn.exec_driver_sql(f'PRAGMA foreign_key_check("{table.name}")').first()
    if orphan:
        raise sa.exc.IntegrityError(f"FOREIGN KEY constraint failed in {table.name}: {tuple(orphan)}", None,
                                    RuntimeError("FOREIGN KEY constraint failed"))
    checks = [str(c.sqltext) for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    if not checks:
        return
    where = " OR ".join(f"NOT ({c})" for c in checks)
    bad = conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{table.name}" WHERE {where}').scalar()
    if bad:
        raise sa.exc.IntegrityError(f"CHECK constraint failed in {table.name}: {bad} rows", None,
                                    RuntimeError("CHECK constraint failed"))


@contextmanager
def _indexes_after(conn: Connection, name: str) -> Iterator[None]:
    """PostgreSQL: the table's foreign keys and plain indexes dropped for the COPY and made again after it
    (an index built at once and a key checked in one query, not row by row through triggers), in the same
    transaction; its unique key stays (other tables' keys may reference it)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    table = kind_table(name).name
    keys = conn.execute(sa.text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"),
                        {"t": table}).all()
    indexes = conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                   "AND tablename = :t AND indexname NOT IN (SELECT conname FROM pg_constraint "
                                   "WHERE conrelid = CAST(:t AS regclass)) ORDER BY indexname"), {"t": table}).all()
    for key, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{key}"')
    for index, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{index}"')
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for key, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{key}" {definition}')


FAST_PATH_ROWS = 5_000  # kinds this large go through the imports' bulk insert (COPY / executemany)


def load_demo(engine: Engine, scale: str = "small", progress: Callable[[str], None] | None = None,
              today: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Generate the demo plant and write it, one batch per kind, in one transaction.
    Returns the rows written per kind."""
    from dashboard.i18n import t

    say = progress or (lambda _msg: None)
    if not database_is_empty(engine):
        # the demo's codes would collide with what is there; never mix demo rows into real data
        raise DemoNotLoaded(t("seed.not_empty"))
    started = _time.perf_counter()
    frames = generate(scale, today=today, seed=seed)
    say(t("seed.generated", scale=scale, seconds=f"{_time.perf_counter() - started:.1f}"))
    counts: dict[str, int] = {}
    with _fresh_build(engine) as conn, conn.begin():  # write_transaction's, on the build's connection
        if is_sqlite(engine) and scale == "large":
            conn.exec_driver_sql("PRAGMA cache_size=-200000")
        for name, frame in frames.items():
            if frame.height == 0:  # no batch for a kind without demo rows
                counts[name] = 0
                continue
            began = _time.perf_counter()
            batch_id = new_batch(conn, name, user="demo", source="seed")
            if frame.height >= FAST_PATH_ROWS:
                with _indexes_after(conn, name):
                    rows = bulk_insert(conn, name, frame, batch_id)  # the seed's rows are already clean
            else:
                rows = insert_rows(conn, name, frame, batch_id)
            if is_sqlite(engine):
                _check_constraints(conn, name)
            finish_batch(conn, batch_id, rows)
            counts[name] = rows
            say(t("seed.kind_loaded", kind=name, rows=f"{rows:,}", seconds=f"{_time.perf_counter() - began:.1f}"))
        bump_version(conn)
    say(t("seed.done", rows=f"{sum(counts.values()):,}", seconds=f"{_time.perf_counter() - started:.1f}"))
    return counts
