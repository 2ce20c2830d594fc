"""compute(): any KPIs, at any grain and by any dimensions, through one code path.

1. each fact a KPI needs is filtered (period and dimension filters, before any aggregation),
2. grouped by the requested dimensions (time grains derived from `date`) and its measures summed,
3. the facts' aggregates are joined on the dimensions,
4. each KPI is evaluated as an expression over the measures (null on a zero denominator).

Dimensions a fact does not carry: a KPI is only given for a breakdown or a filter its data can
honour. When a requested dimension or an active filter is not a column of a fact (e.g. customer
for OEE, line for CSAT), that fact's measures are null, so the KPIs built on them are null —
never a plant-wide figure passed off as the customer's or the line's.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, make_dataclass
from datetime import date
from typing import Any, Protocol, TypeVar, runtime_checkable

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar
from dashboard.kpi.dimensions import FILTER_DIMENSIONS
from dashboard.kpi.delivery import DERIVED_FACTS, DERIVED_INPUTS
from dashboard.kpi.registry import (DIMENSIONS, EVENT_FACTS, FACT_OWN_DIMENSIONS, GRAINS, KPIS, MEASURES, PERIOD_DAYS,
                                    kpi)

_FILTER_DIMS = FILTER_DIMENSIONS


class _FilterMethods:
    """Period (inclusive dates) and dimension filters; a dimension value may be one code or several.
    The dimension fields are those of dashboard.kpi.dimensions (Filters is made from them below)."""

    def __post_init__(self):
        for name in _FILTER_DIMS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif value is not None:
                object.__setattr__(self, name, tuple(value) or None)

    def dimensions(self) -> dict[str, tuple[str, ...]]:
        """The active dimension filters."""
        return {n: getattr(self, n) for n in _FILTER_DIMS if getattr(self, n)}

    def replace(self, **changes) -> Filters:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)


Filters = make_dataclass(
    "Filters", [("date_from", date | None, None), ("date_to", date | None, None)]
    + [(d, tuple[str, ...] | None, None) for d in _FILTER_DIMS],
    bases=(_FilterMethods,), frozen=True)
Filters.__module__, Filters.__doc__ = __name__, _FilterMethods.__doc__  # pickles and reads as a class of this module


T = TypeVar("T")


class Cache(Protocol):
    """The one cache of a database at a data version (data_access.cache.VersionCache), in named
    sections: what the engine ("derived") and the UI memo ("memo") keep beside the facts. Being per
    version, nothing in it is ever stale: a write bumps the version, and the facts bring another cache."""

    def get(self, section: str, key: Hashable, default: Any = None) -> Any: ...

    def put(self, section: str, key: Hashable, value: T) -> T: ...


@runtime_checkable
class VersionedFacts(Protocol):
    """Facts of one database at one data version (dashboard.facts.Facts): what the engine and the UI
    memo rely on beyond a plain mapping. cache_key names the database, the data version and the window,
    so a write (which bumps the version) is never answered from a cache; cache is that version's cache."""

    @property
    def cache_key(self) -> tuple: ...

    @property
    def cache(self) -> Cache: ...

    def __getitem__(self, name: str) -> pl.DataFrame: ...

    def prefetch(self, names: Iterable[str]) -> None:
        """Read what these facts need that is not cached, in one concurrent round."""

    def known_first_date(self, name: str) -> date | None:
        """A windowed fact's first date over its whole history; None: the frame tells."""


class _Resolver(Mapping):
    """The caller's facts plus the derived ones (delivery status depends on `today`), memoised."""

    def __init__(self, facts: Mapping[str, pl.DataFrame], today: date, tolerance_days: int):
        self._facts, self._today, self._tolerance = facts, today, tolerance_days
        self._derived: dict[str, pl.DataFrame] = {}

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name in DERIVED_FACTS:
            if name not in self._derived:
                self._derived[name] = self._derive(name)
            return self._derived[name]
        return self._facts[name]

    def _derive(self, name: str) -> pl.DataFrame:
        """Derived facts are kept in the facts' cache (VersionedFacts; a plain mapping: not kept), per
        window, today and tolerance, and reused while their inputs are the very same frames (a window's
        fact may have been dropped and built again meanwhile)."""
        if not isinstance(self._facts, VersionedFacts):
            return DERIVED_FACTS[name](self, self._today, self._tolerance)
        inputs = tuple(self[i] for i in DERIVED_INPUTS[name])
        key = (name, self._facts.cache_key, self._today, self._tolerance)
        hit = self._facts.cache.get("derived", key)
        if hit is not None and len(hit[0]) == len(inputs) and all(a is b for a, b in zip(hit[0], inputs)):
            return hit[1]
        frame = DERIVED_FACTS[name](self, self._today, self._tolerance)
        self._facts.cache.put("derived", key, (inputs, frame))  # holding the inputs keeps their identity meaningful
        return frame

    def prefetch(self, names: list[str]) -> None:
        """Let database-backed facts (VersionedFacts) read the facts it lacks together."""
        if isinstance(self._facts, VersionedFacts):
            self._facts.prefetch(names)

    def __contains__(self, name) -> bool:
        if name in DERIVED_FACTS:
            return True
        return name in self._facts

    def known_first_date(self, name: str) -> date | None:
        """A fact's first date over its whole history when the caller's mapping knows it better than
        the frame does (dashboard.facts.Facts for a date window); None: read it from the frame."""
        if isinstance(self._facts, VersionedFacts) and name not in DERIVED_FACTS:
            return self._facts.known_first_date(name)
        return None

    def available(self, name: str) -> bool:
        try:
            self[name]
            return True
        except KeyError:
            return False

    def __iter__(self):
        return iter(list(self._facts) + list(DERIVED_FACTS))

    def __len__(self) -> int:
        return len(self._facts) + len(DERIVED_FACTS)


def _grain_key(grain: str, cal: PlantCalendar | None = None) -> pl.Expr:
    """The period key of each row's date (dashboard.kpi.calendar.grain_key: the plant's weeks and months)."""
    return calendar.grain_key(grain, cal)


def _grain_label(grain: str, cal: PlantCalendar | None = None) -> pl.Expr:
    return calendar.grain_label(grain, cal)


def applicable(frame: pl.DataFrame, dims: Iterable[str], filters: Filters) -> bool:
    """Can this fact honour the breakdown and the filters?"""
    needed = [("date" if d in GRAINS else d) for d in dims] + list(filters.dimensions())
    return all(c in frame.columns for c in needed)


def filter_frame(frame: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    conditions = []
    if filters.date_from is not None:
        conditions.append(pl.col("date") >= pl.lit(filters.date_from))
    if filters.date_to is not None:
        conditions.append(pl.col("date") <= pl.lit(filters.date_to))
    for dim, values in filters.dimensions().items():
        conditions.append(pl.col(dim).is_in(list(values)))
    return frame.filter(*conditions) if conditions else frame


def _check_dims(dims: Sequence[str]) -> None:
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; known: {', '.join(DIMENSIONS)}")


def rows_column(fact: str) -> str:
    """The column of measures_table(..., row_counts=True) counting the rows a fact had in each group."""
    return f"rows:{fact}"


def aggregate(frame: pl.DataFrame, measure_ids: Sequence[str], dims: Sequence[str],
              rows_as: str | None = None, cal: PlantCalendar | None = None) -> pl.DataFrame:
    """Sum the measures of one (already filtered) fact by the dimensions (and count its rows as `rows_as`)."""
    aggs = [MEASURES[m].expr.alias(m) for m in measure_ids]
    if rows_as:
        aggs.append(pl.len().cast(pl.Float64).alias(rows_as))
    if not dims:
        return frame.select(aggs)
    cal = cal or calendar.current()  # weeks and months are the plant's statistics periods
    keys = [_grain_key(d, cal) if d in GRAINS else pl.col(d) for d in dims]
    return frame.group_by(keys).agg(aggs)


_PERIOD_STEP = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "3mo"}


def _period_keys(grain: str, first: date, last: date, cal: PlantCalendar) -> pl.Series:
    """The keys of every period (the plant's weeks and months) from the one holding `first` to the one
    holding `last`."""
    ends = pl.DataFrame({"date": [first, last]}).select(_grain_key(grain, cal).alias(grain)).get_column(grain)
    if grain == "year":
        return pl.Series(grain, list(range(ends[0], ends[1] + 1)), pl.Int32)
    return pl.date_range(ends[0], ends[1], _PERIOD_STEP[grain], eager=True).alias(grain)


def balance_table(frame: pl.DataFrame, measure_ids: Sequence[str], dims: Sequence[str], filters: Filters,
                  today: date, rows_as: str | None = None, cal: PlantCalendar | None = None) -> pl.DataFrame | None:
    """Balance measures (Measure.balance): the fact's rows are changes (an invoice adds to what is
    open, a payment takes from it); the value of a period is the sum of every change dated up to the
    period's end (filters.date_to, or today), so a month shows what was open at its end. None when the
    request has more than one time grain (a balance has one end per period)."""
    end = filters.date_to or today
    frame = filter_frame(frame, filters.replace(date_from=None, date_to=None)).filter(pl.col("date") <= end)
    grains = [d for d in dims if d in GRAINS]
    if not grains:
        return aggregate(frame, measure_ids, dims, rows_as).with_columns([pl.col(m).round(6) for m in measure_ids])
    if len(grains) > 1:
        return None
    cal = cal or calendar.current()
    grain, others = grains[0], [d for d in dims if d not in GRAINS]
    first = filters.date_from or (frame.get_column("date").min() if frame.height else None)
    if first is None or first > end:
        return aggregate(frame.clear(), measure_ids, dims, rows_as, cal)
    keys = _period_keys(grain, first, end, cal)
    # Changes before the first period belong to its opening balance: give them its key.
    keyed = frame.with_columns(pl.max_horizontal(_grain_key(grain, cal), pl.lit(keys[0], keys.dtype)).alias(grain))
    aggs = [MEASURES[m].expr.alias(m) for m in measure_ids]
    net = keyed.group_by([grain, *others]).agg(aggs)
    combos = net.select(others).unique() if others else pl.DataFrame()
    grid = keys.to_frame() if not others else keys.to_frame().join(combos, how="cross")
    table = (grid.join(net, on=[grain, *others], how="left", nulls_equal=True)
             .with_columns([pl.col(m).fill_null(0.0) for m in measure_ids]).sort(grain)
             .with_columns([(pl.col(m).cum_sum().over(others) if others else pl.col(m).cum_sum()).round(6)
                            for m in measure_ids]))  # money: no 1e-10 left over from adding and taking away
    if rows_as:  # a balance is known wherever its history has a row: every period of the grid
        table = table.with_columns(pl.lit(1.0).alias(rows_as))
    return table


def _with_period_days(table: pl.DataFrame, dims: Sequence[str], filters: Filters,
                      cal: PlantCalendar | None = None) -> pl.DataFrame:
    """PERIOD_DAYS: each row's period length in days, clipped to the filter's dates."""
    grains = [d for d in dims if d in GRAINS]
    if not grains:
        if filters.date_from is None or filters.date_to is None:
            return table.with_columns(pl.lit(None, pl.Float64).alias(PERIOD_DAYS))
        days = float((filters.date_to - filters.date_from).days + 1)
        return table.with_columns(pl.lit(days).alias(PERIOD_DAYS))
    if len(grains) > 1:
        return table.with_columns(pl.lit(None, pl.Float64).alias(PERIOD_DAYS))
    first, last = calendar.key_bounds(grains[0], cal)
    if filters.date_from is not None:
        first = pl.max_horizontal(first, pl.lit(filters.date_from))
    if filters.date_to is not None:
        last = pl.min_horizontal(last, pl.lit(filters.date_to))
    return table.with_columns(((last - first).dt.total_days() + 1).cast(pl.Float64).alias(PERIOD_DAYS))


def measures_table(measure_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], dims: Sequence[str] = (),
                   filters: Filters | None = None, *, today: date | None = None,
                   tolerance_days: int = 0, row_counts: bool = False,
                   cal: PlantCalendar | None = None) -> pl.DataFrame:
    """The measures, aggregated by the dimensions (grain columns still as dates).

    With `row_counts`, also one column per fact, rows_column(fact): how many of its rows each
    group had (0 when none, null when the fact cannot honour the request)."""
    dims = list(dims)
    _check_dims(dims)
    filters = filters or Filters()
    today = today or date.today()
    resolver = facts if isinstance(facts, _Resolver) else _Resolver(facts, today, tolerance_days)
    measure_ids = list(dict.fromkeys(measure_ids))
    period_days = PERIOD_DAYS in measure_ids
    by_fact: dict[str, list[str]] = {}
    for m in measure_ids:
        if m != PERIOD_DAYS:
            by_fact.setdefault(MEASURES[m].fact, []).append(m)
    resolver.prefetch(needed_facts(by_fact))
    parts, missing = [], []
    for fact_name, ids in by_fact.items():
        frame = resolver[fact_name] if resolver.available(fact_name) else None
        if frame is None or not applicable(frame, dims, filters):
            missing += ids + ([rows_column(fact_name)] if row_counts else [])
            continue
        rows_as = rows_column(fact_name) if row_counts else None
        if MEASURES[ids[0]].balance:  # a fact's measures are all balances or all period sums
            part = balance_table(frame, ids, dims, filters, today, rows_as, cal)
            if part is None:
                missing += ids + ([rows_as] if row_counts else [])
                continue
            parts.append(part)
        else:
            parts.append(aggregate(filter_frame(frame, filters), ids, dims, rows_as, cal))
    if period_days and not parts:
        missing.append(PERIOD_DAYS)
    if not parts:  # nothing can honour this request: no groups, or one all-null row without dims
        dtypes = {"year": pl.Int32, **{g: pl.Date for g in GRAINS if g != "year"}}
        return pl.DataFrame([pl.Series(d, [], dtypes.get(d, pl.String)) for d in dims]
                            + [pl.Series(m, [] if dims else [None], pl.Float64) for m in missing])
    table = parts[0]
    for part in parts[1:]:
        table = (table.join(part, on=dims, how="full", coalesce=True, nulls_equal=True) if dims
                 else pl.concat([table, part], how="horizontal"))
    present = [m for m in table.columns if m not in dims]
    # A group missing from one fact has nothing to sum there: 0, not null.
    table = table.with_columns([pl.col(m).fill_null(0.0) for m in present])
    if period_days:  # from each row's period, once the facts' groups are joined
        table = _with_period_days(table, dims, filters, cal)
    return table.with_columns([pl.lit(None, pl.Float64).alias(m) for m in missing])


def _value(k, dims: Sequence[str] = ()) -> pl.Expr:
    """A sum over no rows at all is not known (null, "—"), unlike rows that sum to 0: a period
    before the data starts must not read as a real 0. Events are the exception (EVENT_FACTS):
    a month without complaints had 0 complaints — but not by a dimension whose members belong to
    one fact (FACT_OWN_DIMENSIONS: a complaint reason had no downtime, it is no downtime reason).
    Balances (receivables) are unknown where nothing was ever invoiced. Ratios need no rule (0 / 0 is
    null already)."""
    own = any(d in FACT_OWN_DIMENSIONS for d in dims)
    measures = [m for m in k.measures if m != PERIOD_DAYS]
    facts = [f for f in dict.fromkeys(MEASURES[m].fact for m in measures) if own or f not in EVENT_FACTS]
    balance = any(MEASURES[m].balance for m in measures)
    if not (k.additive or balance) or not facts:
        return k.expr
    has_rows = pl.all_horizontal([pl.col(rows_column(f)).fill_null(0) > 0 for f in facts])
    return pl.when(has_rows).then(k.expr).otherwise(None)


def facts_for(kpi_ids: Iterable[str]) -> list[str]:
    """The stored facts these KPIs are computed from: load_facts(engine, facts_for(ids)) reads them
    all in one concurrent round before a page makes several compute() calls."""
    return needed_facts(MEASURES[m].fact for k in kpi_ids for m in kpi(k).measures if m != PERIOD_DAYS)


def columns_for(kpi_ids: Iterable[str], dims: Iterable[str] = ()) -> dict[str, frozenset[str]]:
    """{stored fact: its columns that these KPIs' measures (their expressions' columns) and the
    dimensions `dims` (grouped or filtered by) use, with date} — for a request that reads only those
    (load_facts(..., columns=...)). A fact a derived fact is built on is left out: read whole."""
    used: dict[str, set[str]] = {}
    whole: set[str] = set()
    for k in kpi_ids:
        for m in kpi(k).measures:
            if m == PERIOD_DAYS:
                continue
            measure = MEASURES[m]
            if measure.fact in DERIVED_FACTS:
                whole.update(needed_facts([measure.fact]))
            else:
                used.setdefault(measure.fact, set()).update(measure.expr.meta.root_names())
    extra = {d for d in dims if d not in GRAINS} | {"date"}
    return {f: frozenset(cols | extra) for f, cols in used.items() if f not in whole}


def needed_facts(fact_names: Iterable[str]) -> list[str]:
    """The stored facts behind these (derived facts replaced by their inputs, recursively)."""
    out: list[str] = []
    for name in fact_names:
        out += needed_facts(DERIVED_INPUTS[name]) if name in DERIVED_FACTS else [name]
    return list(dict.fromkeys(out))


def data_starts(kpi_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], *, today: date | None = None,
                tolerance_days: int = 0) -> dict[str, date | None]:
    """{kpi id: the first date its data hold}: the latest of the first dates of the facts it is
    computed from (all of them are needed), over the whole fact (per kind, not per filter).
    date.max when one of them holds no rows at all (nothing is known: not a 0 of costs or
    complaints), None when a fact is not available (its measures are null anyway)."""
    resolver = facts if isinstance(facts, _Resolver) else _Resolver(facts, today or date.today(), tolerance_days)
    firsts: dict[str, date | None] = {}

    def first(fact: str) -> date | None:
        if fact not in firsts:
            frame = resolver[fact] if resolver.available(fact) else None
            known = resolver.known_first_date(fact) if frame is not None else None
            if known is not None and "date" in frame.columns:  # the frame holds a window only
                firsts[fact] = known
            elif frame is None or "date" not in frame.columns:
                firsts[fact] = None
            else:
                firsts[fact] = frame.get_column("date").min() if frame.height else date.max
        return firsts[fact]

    out = {}
    for k in dict.fromkeys(kpi_ids):
        starts = [first(f) for f in dict.fromkeys(MEASURES[m].fact for m in kpi(k).measures if m != PERIOD_DAYS)]
        out[k] = None if any(s is None for s in starts) else max(starts)
    return out


def _before_data(start: date | None, dims: Sequence[str], filters: Filters, cal: PlantCalendar) -> pl.Expr | None:
    """True for the groups that lie wholly before the KPI's data start (unknown, not 0)."""
    if start is None:
        return None
    grains = [d for d in dims if d in GRAINS]
    if grains:  # a period is known from the one holding the first date on
        first = (pl.DataFrame({"date": [start]}).select([calendar.grain_key(g, cal) for g in grains])
                 .row(0, named=True))
        return pl.any_horizontal([pl.col(g) < pl.lit(first[g]) for g in grains])
    if filters.date_to is not None and filters.date_to < start:
        return pl.lit(True)
    return None


def compute(kpi_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], dims: Sequence[str] = (),
            filters: Filters | None = None, *, today: date | None = None, tolerance_days: int = 0,
            with_measures: bool = False, labels: bool = True, cal: PlantCalendar | None = None) -> pl.DataFrame:
    """One row per combination of `dims` (one row without dims), one column per KPI id.

    Grains (day, week, month, quarter, year) come from each fact's date, as the plant's statistics
    periods (dashboard.kpi.calendar); with `labels` weeks, months and quarters are shown as
    2026-W02, 2026-01, 2026-Q1 (days stay dates, years ints). A KPI's periods start where its data
    start (data_starts): before that it is null, never a 0 read as "no complaints".
    `today` decides which open order lines are late (default: the real today)."""
    cal = cal or calendar.current()
    filters = filters or Filters()
    kpis = [kpi(i) for i in kpi_ids]
    dims = list(dict.fromkeys(dims))
    measure_ids = list(dict.fromkeys(m for k in kpis for m in k.measures))
    resolver = facts if isinstance(facts, _Resolver) else _Resolver(facts, today or date.today(), tolerance_days)
    table = measures_table(measure_ids, resolver, dims, filters, today=today, tolerance_days=tolerance_days,
                           row_counts=True, cal=cal)
    starts = data_starts([k.id for k in kpis], resolver)
    values = []
    for k in kpis:
        before = _before_data(starts[k.id], dims, filters, cal)
        value = _value(k, dims)
        values.append((value if before is None else pl.when(before).then(None).otherwise(value)).alias(k.id))
    out = table.select([pl.col(d) for d in dims] + values + (
        [pl.col(m) for m in measure_ids] if with_measures else []))
    if dims:
        out = out.sort(dims, nulls_last=True)
        if labels:
            out = out.with_columns([_grain_label(d, cal).alias(d) for d in dims if d in GRAINS])
    return out


def compute_one(kpi_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], filters: Filters | None = None,
                **kw) -> dict[str, float | None]:
    """{kpi id: value} for the whole filtered period."""
    row = compute(list(kpi_ids), facts, (), filters, **kw).row(0, named=True)
    return {k: row[k] for k in kpi_ids}


__all__ = ["Cache", "Filters", "VersionedFacts", "compute", "compute_one", "data_starts", "facts_for", "measures_table", "filter_frame",
           "applicable", "KPIS"]
