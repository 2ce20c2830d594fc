"""Explaining a change (docs/kpis.md): which members of a dimension moved a KPI between two periods
(or a period against its target), in parts that add up exactly to the change. Pure polars.

    e = explain("scrap_ratio", facts, "machine", before=Filters(...), after=Filters(...), today=today)
    e.before, e.after, e.change, e.parts   # parts: member, rate, mix, total (+ the member's own figures)
    rank_dimensions("scrap_ratio", facts, before, after, today=today)  # which dimension explains most

Methods (exact: Σ total = change up to floating-point rounding):
- a sum (scrap_qty, downtime_min, ...): a member's part is its own difference (rate = difference, mix 0).
- a ratio R = c · N / D + o (N = Σ n_i, D = Σ d_i over members i; c the scale, o an offset):
  with shares s_i = d_i / D, rates r_i = n_i / d_i and the midpoint of the two pooled ratios
  R̄ = (N0/D0 + N1/D1) / 2, every member's part is
      total_i = c · (n1_i / D1 − n0_i / D0 − R̄ · Δs_i),
  which sums to the change because Σ n_i / D = N / D and Σ Δs_i = 0. With a denominator in both
  periods this is exactly
      rate_i = c · s̄_i · Δr_i                (its own ratio moved, at its average share)
      mix_i  = c · (r̄_i − R̄) · Δs_i          (its share moved; a bigger share of an above-average
                                               member raises R, of a below-average one lowers it)
  with midpoint weights s̄_i, r̄_i (the identity s1 r1 − s0 r0 = r̄ Δs + s̄ Δr is exact).
  Rule for a member with a denominator in one period only (a machine that started or stopped):
  it entered or left the mix, so its whole part is mix (rate 0). A member with no denominator in
  either period (MTBF of a machine without breakdowns) moves only the numerator: its part is rate.
- against a target T: every member is measured against the target ratio at its actual share,
  total_i = rate_i = c · s_i · (r_i − (T − o)/c), mix 0, which sums to R − T. A sum has no member
  targets, so it cannot be explained by members against a target.
- derived KPIs (turnover = leavers / average headcount) and ratios over a measure that does not
  add up over members (a count of distinct days) are not split by members: explained = False.

Members whose part is below `min_share` of Σ |parts| (or beyond `max_members`) are folded into
"Other", placed last. OEE is also split into availability × performance × quality (oee_factors).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.kpi.engine import Filters, _Resolver, aggregate, applicable, compute_one, filter_frame, measures_table
from dashboard.kpi.registry import DIMENSIONS, EVENT_FACTS, GRAINS, KPIS, MEASURES, OTHER, UNASSIGNED, kpi

EXPLAIN_DIMENSIONS = tuple(d for d in DIMENSIONS if d not in GRAINS)
MIN_SHARE = 0.02
MAX_MEMBERS = 10
NEST_KEEP = 0.5
BOTH_EFFECTS = 0.25  # a sentence names both effects of a member when the smaller is at least this share of the larger  # a finer dimension (machine in line) is preferred while its top part is ≥ half the coarser one's

PARTS_SCHEMA = {"member": pl.String, "rate": pl.Float64, "mix": pl.Float64, "total": pl.Float64,
                "value_before": pl.Float64, "value_after": pl.Float64, "share_before": pl.Float64,
                "share_after": pl.Float64}


class ExplainError(ValueError):
    """A request that cannot be answered (unknown KPI or dimension, a dimension the KPI's data lacks):
    `key` and `params` make the message in the user's language (t(key, **params))."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key} {params}")
        self.key, self.params = key, params


@dataclass(frozen=True)
class Explanation:
    kpi: str
    dim: str
    before: float | None
    after: float | None
    change: float | None
    parts: pl.DataFrame        # PARTS_SCHEMA, largest |total| first, "Other" last
    method: str                # difference | rate_mix | vs_target
    explained: bool
    reason: str | None = None  # why not explained: not_decomposable | no_value | no_member_targets

    def top(self, n: int = 2) -> pl.DataFrame:
        """The n largest parts that are members (not "Other")."""
        return self.parts.filter(pl.col("member") != OTHER).head(n)


def decomposable(kpi_id: str) -> bool:
    """Can the KPI's change be split by members? Sums and ratios over additive measures can."""
    k = kpi(kpi_id)
    # a balance (receivables open at each period's end) is not a sum over the period's rows
    return k.type in ("sum", "ratio") and all(
        m in MEASURES and MEASURES[m].additive and not getattr(MEASURES[m], "balance", False) for m in k.measures)


def _resolver(facts, today: date | None, tolerance_days: int) -> _Resolver:
    return facts if isinstance(facts, _Resolver) else _Resolver(facts, today or date.today(), tolerance_days)


def dimensions_for(kpi_id: str, facts: Mapping[str, pl.DataFrame], *, today: date | None = None,
                   tolerance_days: int = 0) -> list[str]:
    """The dimensions every fact of the KPI carries (the ones its change can be explained by)."""
    resolver = _resolver(facts, today, tolerance_days)
    columns = None
    for fact in dict.fromkeys(MEASURES[m].fact for m in kpi(kpi_id).measures):
        have = set(resolver[fact].columns) if resolver.available(fact) else set()
        columns = have if columns is None else columns & have
    return [d for d in EXPLAIN_DIMENSIONS if d in (columns or set())]


def _check(kpi_id: str, by: str, resolver) -> None:
    if kpi_id not in KPIS:
        raise ExplainError("explain.error.unknown_kpi", kpi=kpi_id, known=", ".join(KPIS))
    if by not in EXPLAIN_DIMENSIONS:
        raise ExplainError("explain.error.unknown_dim", dim=by, known=", ".join(EXPLAIN_DIMENSIONS))
    if by not in dimensions_for(kpi_id, resolver):
        raise ExplainError("explain.error.dim_not_in_fact", dim=by, kpi=kpi_id,
                           known=", ".join(dimensions_for(kpi_id, resolver)) or "—")


def _signed(terms) -> pl.Expr:
    return pl.sum_horizontal([pl.col(t.id) * float(t.sign) for t in terms])


def _members(k, resolver, by: str, filters: Filters) -> pl.DataFrame:
    """member, n, d of one period (for a sum: n = the measure, d = 0)."""
    table = measures_table(k.measures, resolver, [by], filters)
    member = pl.col(by).cast(pl.String).fill_null(UNASSIGNED).alias("member")
    if k.type == "sum":
        return table.select(member, n=pl.col(k.measures[0]), d=pl.lit(0.0))
    return table.select(member, n=_signed(k.numerator), d=_signed(k.denominator))


def _joined(k, resolver, by: str, before: Filters, after: Filters) -> pl.DataFrame:
    b = _members(k, resolver, by, before).group_by("member").agg(pl.col("n", "d").sum())
    a = _members(k, resolver, by, after).group_by("member").agg(pl.col("n", "d").sum())
    return (b.join(a, on="member", how="full", coalesce=True, suffix="1")
            .rename({"n": "n0", "d": "d0"})
            .with_columns(pl.col("n0", "d0", "n1", "d1").fill_null(0.0)))


def _one_pass(before: Filters, after: Filters) -> bool:
    """Both periods can be read in one filtered group-by: same dimension filters, dates that do not overlap."""
    dates = (before.date_from, before.date_to, after.date_from, after.date_to)
    return (None not in dates and before.replace(date_from=None, date_to=None) == after.replace(date_from=None,
                                                                                                  date_to=None)
            and (before.date_to < after.date_from or after.date_to < before.date_from))


def _both_periods(k, resolver, by: str, before: Filters, after: Filters):
    """(member, n0, d0, n1, d1 per member; value before; value after) from one filtered group-by over the
    two periods (the bench's concern: explaining costs little more than computing the KPI twice).

    When every fact of the KPI has rows in both periods, the values are the KPI over the pooled sums
    (c · N / D + o, null on a zero denominator; a sum: N). When one has none, whether that reads as
    0 or as unknown is the engine's rule (event facts, periods before the data start): the values
    are then None here and the caller asks the engine (compute_one)."""
    both = before.replace(date_from=min(before.date_from, after.date_from), date_to=max(before.date_to, after.date_to))
    in_after = (pl.col("date") >= pl.lit(after.date_from)) & (pl.col("date") <= pl.lit(after.date_to))
    by_fact: dict[str, list[str]] = {}
    for m in k.measures:
        by_fact.setdefault(MEASURES[m].fact, []).append(m)
    keys = ["_after", by]
    tables = []
    for fact, ids in by_fact.items():
        frame = resolver[fact] if resolver.available(fact) else None
        if frame is None or not applicable(frame, [by], both):
            return None, None
        rows = filter_frame(frame, both).with_columns(_after=in_after)
        tables.append(aggregate(rows, ids, keys, f"rows:{fact}"))
    table = tables[0]
    for part in tables[1:]:
        table = table.join(part, on=keys, how="full", coalesce=True, nulls_equal=True)
    table = table.with_columns(pl.exclude(keys).fill_null(0.0))
    member = pl.col(by).cast(pl.String).fill_null(UNASSIGNED).alias("member")
    n = pl.col(k.measures[0]) if k.type == "sum" else _signed(k.numerator)
    d = pl.lit(0.0) if k.type == "sum" else _signed(k.denominator)
    per = table.select(member, "_after", *[f"rows:{f}" for f in by_fact], n=n, d=d)
    wide = per.group_by("member").agg(
        n0=pl.col("n").filter(~pl.col("_after")).sum(), d0=pl.col("d").filter(~pl.col("_after")).sum(),
        n1=pl.col("n").filter(pl.col("_after")).sum(), d1=pl.col("d").filter(pl.col("_after")).sum())
    sums = per.group_by("_after").agg(pl.col("n", "d").sum(), has_rows=pl.min_horizontal(
        [pl.col(f"rows:{f}").sum() for f in by_fact]) > 0)
    values = []
    for flag in (False, True):
        row = sums.filter(pl.col("_after") == flag)
        if row.height == 0 or not row.item(0, "has_rows"):
            return wide, None  # a fact without rows in a period: the engine's rule decides
        big_n, big_d = row.item(0, "n"), row.item(0, "d")
        if k.type == "sum":
            values.append(float(big_n))
        else:
            values.append(k.scale * big_n / big_d + k.offset if big_d else None)
    return wide, tuple(values)


def _sum_parts(j: pl.DataFrame) -> pl.DataFrame:
    return j.select("member", rate=pl.col("n1") - pl.col("n0"), mix=pl.lit(0.0),
                    total=pl.col("n1") - pl.col("n0"), value_before=pl.col("n0"), value_after=pl.col("n1"),
                    share_before=pl.lit(None, pl.Float64), share_after=pl.lit(None, pl.Float64))


def _ratio_parts(k, j: pl.DataFrame) -> pl.DataFrame:
    n0, d0, n1, d1 = (pl.col(c) for c in ("n0", "d0", "n1", "d1"))
    big_n0, big_d0, big_n1, big_d1 = (j.get_column(c).sum() for c in ("n0", "d0", "n1", "d1"))
    r_bar = (big_n0 / big_d0 + big_n1 / big_d1) / 2
    c = k.scale
    s0, s1 = d0 / big_d0, d1 / big_d1
    both = (d0 != 0) & (d1 != 0)
    neither = (d0 == 0) & (d1 == 0)
    own = lambda n, d: pl.when(d != 0).then(n / d * c + k.offset)  # noqa: E731 — the member's own KPI value
    total = c * (n1 / big_d1 - n0 / big_d0 - r_bar * (s1 - s0))
    rate = (pl.when(both).then(c * (s0 + s1) / 2 * (n1 / pl.when(both).then(d1) - n0 / pl.when(both).then(d0)))
            .when(neither).then(total).otherwise(0.0))
    return (j.with_columns(total=total, rate=rate)
            .select("member", "rate", mix=pl.col("total") - pl.col("rate"), total="total",
                    value_before=own(n0, d0), value_after=own(n1, d1), share_before=s0, share_after=s1))


def _target_parts(k, j: pl.DataFrame, target: float) -> pl.DataFrame:
    n1, d1 = pl.col("n1"), pl.col("d1")
    big_d1 = j.get_column("d1").sum()
    goal = (target - k.offset) / k.scale
    total = k.scale * (n1 / big_d1 - goal * d1 / big_d1)
    return j.select("member", rate=total, mix=pl.lit(0.0), total=total, value_before=pl.lit(target, pl.Float64),
                    value_after=pl.when(d1 != 0).then(n1 / d1 * k.scale + k.offset),
                    share_before=pl.lit(None, pl.Float64), share_after=d1 / big_d1)


def fold(parts: pl.DataFrame, *, min_share: float = MIN_SHARE, max_members: int = MAX_MEMBERS) -> pl.DataFrame:
    """Largest |total| first; members below min_share of Σ |total| or beyond max_members summed into "Other", last."""
    parts = parts.filter(pl.col("total").abs() + pl.col("rate").abs() > 0).sort(
        [pl.col("total").abs(), pl.col("member")], descending=[True, False])
    weight = parts.get_column("total").abs().sum()
    if parts.height == 0 or not weight:
        return parts.cast(PARTS_SCHEMA)
    small = (pl.col("total").abs() < min_share * weight) | (pl.int_range(pl.len()) >= max_members)
    kept, folded = parts.filter(~small), parts.filter(small)
    if folded.height:
        other = folded.select(pl.lit(OTHER).alias("member"), pl.col("rate").sum(), pl.col("mix").sum(),
                              pl.col("total").sum(), *[pl.lit(None, pl.Float64).alias(c) for c in
                                                       ("value_before", "value_after", "share_before",
                                                        "share_after")])
        kept = pl.concat([kept.cast(PARTS_SCHEMA), other.cast(PARTS_SCHEMA)])
    return kept.cast(PARTS_SCHEMA)


def _not_explained(kpi_id, by, before, after, reason) -> Explanation:
    change = None if before is None or after is None else after - before
    return Explanation(kpi_id, by, before, after, change, pl.DataFrame(schema=PARTS_SCHEMA),
                       "none", False, reason)


def explain(kpi_id: str, facts: Mapping[str, pl.DataFrame], by: str, before: Filters, after: Filters | None = None,
            *, target: float | None = None, today: date | None = None, tolerance_days: int = 0,
            min_share: float = MIN_SHARE, max_members: int = MAX_MEMBERS, folded: bool = True) -> Explanation:
    """The change of a KPI from `before` to `after` (two filtered periods), split by the members of `by`.

    With `target` (and after=None), the period `before` is explained against the target instead:
    before = the target, after = the period's value."""
    resolver = _resolver(facts, today, tolerance_days)
    _check(kpi_id, by, resolver)
    k = KPIS[kpi_id]
    vs_target = after is None
    period = before if vs_target else after
    j = values = None
    if not vs_target and decomposable(kpi_id) and _one_pass(before, after):
        j, values = _both_periods(k, resolver, by, before, after)
    if values is not None:
        value_before, value_after = values
    else:
        value_after = compute_one([kpi_id], resolver, period)[kpi_id]
        value_before = target if vs_target else compute_one([kpi_id], resolver, before)[kpi_id]
    if not decomposable(kpi_id):
        return _not_explained(kpi_id, by, value_before, value_after, "not_decomposable")
    if value_before is None or value_after is None:
        return _not_explained(kpi_id, by, value_before, value_after, "no_value")
    if vs_target and k.type == "sum":
        return _not_explained(kpi_id, by, value_before, value_after, "no_member_targets")
    if vs_target:
        j = _members(k, resolver, by, period).group_by("member").agg(n1=pl.col("n").sum(), d1=pl.col("d").sum())
        parts, method = _target_parts(k, j, target), "vs_target"
    else:
        j = j if j is not None else _joined(k, resolver, by, before, after)
        parts, method = (_sum_parts(j), "difference") if k.type == "sum" else (_ratio_parts(k, j), "rate_mix")
    parts = (fold(parts, min_share=min_share, max_members=max_members) if folded
             else parts.sort(pl.col("total").abs(), descending=True).cast(PARTS_SCHEMA))
    return Explanation(kpi_id, by, value_before, value_after, value_after - value_before, parts, method, True)


# --- which dimension explains most --------------------------------------------------------------
@dataclass(frozen=True)
class DimensionRank:
    dim: str
    top_member: str | None
    top_total: float      # the largest absolute member part (signed)
    explained_share: float | None  # top_total / change


def _nests(frame: pl.DataFrame, fine: str, coarse: str) -> dict[str, str] | None:
    """{fine member: its coarse member} when every fine member lies in one coarse member (machine -> line)."""
    if fine not in frame.columns or coarse not in frame.columns:
        return None
    pairs = frame.select(pl.col(fine).cast(pl.String), pl.col(coarse).cast(pl.String)).unique().drop_nulls()
    if pairs.height == 0 or pairs.get_column(fine).n_unique() != pairs.height:
        return None
    return dict(pairs.iter_rows())


def rank_dimensions(kpi_id: str, facts: Mapping[str, pl.DataFrame], before: Filters, after: Filters | None = None,
                    *, dims: Sequence[str] | None = None, target: float | None = None, today: date | None = None,
                    tolerance_days: int = 0) -> list[DimensionRank]:
    """The dimensions ranked by how much of the change their largest member part explains.

    Measure: the largest absolute member part (|total|, members unfolded), also given as a share of
    the change. A finer dimension nested in a coarser one (machine in line, customer in ABC class)
    goes first when its top member lies in the coarser one's top member and carries at least
    NEST_KEEP of that part: it names the cause more precisely. A dimension with a single member is
    left out (it restates the change). Empty when nothing can be explained."""
    resolver = _resolver(facts, today, tolerance_days)
    dims = list(dims) if dims is not None else dimensions_for(kpi_id, resolver)
    ranks = []
    for dim in dims:
        e = explain(kpi_id, resolver, dim, before, after, target=target, folded=False)
        if not e.explained or e.parts.height < 2:  # one member (all "Unassigned", one stage) tells nothing
            continue
        top = e.parts.row(0, named=True)
        share = top["total"] / e.change if e.change else None
        ranks.append(DimensionRank(dim, top["member"], top["total"], share))
    ranks.sort(key=lambda r: -abs(r.top_total))
    if len(ranks) < 2:
        return ranks
    fact = resolver[MEASURES[kpi(kpi_id).measures[0]].fact]
    periods = [p for p in (before, after) if p is not None]
    if all(p.date_from and p.date_to for p in periods):  # nesting as seen in the periods explained
        fact = filter_frame(fact, periods[0].replace(date_from=min(p.date_from for p in periods),
                                                     date_to=max(p.date_to for p in periods)))
    members = {r.dim: fact.get_column(r.dim).n_unique() for r in ranks}
    for _ in range(len(ranks) ** 2):  # move a nested finer dimension ahead of its coarser one
        swap = next(((i, j) for i in range(len(ranks)) for j in range(i + 1, len(ranks))
                     if _finer_names_it(fact, ranks[j], ranks[i], members)), None)
        if swap is None:
            break
        ranks.insert(swap[0], ranks.pop(swap[1]))
    return ranks


def _finer_names_it(fact: pl.DataFrame, fine: DimensionRank, coarse: DimensionRank, members: dict) -> bool:
    if members[fine.dim] <= members[coarse.dim]:
        return False
    within = _nests(fact, fine.dim, coarse.dim)
    return bool(within) and within.get(fine.top_member) == coarse.top_member and \
        abs(fine.top_total) >= NEST_KEEP * abs(coarse.top_total)


def best_dimension(kpi_id: str, facts, before: Filters, after: Filters | None = None, **kw) -> str | None:
    ranks = rank_dimensions(kpi_id, facts, before, after, **kw)
    return ranks[0].dim if ranks else None


# --- OEE = availability × performance × quality ---------------------------------------------------
OEE_FACTORS = ("availability", "performance", "quality")
_FACTOR_MEASURES = ("rated_planned_s", "rated_operating_s", "ideal_total_s", "ideal_good_s")


def _factors(m: dict) -> tuple[float, float, float] | None:
    try:
        return (m["rated_operating_s"] / m["rated_planned_s"], m["ideal_total_s"] / m["rated_operating_s"],
                m["ideal_good_s"] / m["ideal_total_s"])
    except (TypeError, ZeroDivisionError):
        return None


def oee_factors(facts: Mapping[str, pl.DataFrame], before: Filters, after: Filters, *, today: date | None = None,
                tolerance_days: int = 0) -> pl.DataFrame:
    """factor, before, after, part: the change of OEE split into availability, performance and quality.

    OEE = A × P × Q with A = rated operating / rated planned time (the availability of production
    that has an ideal cycle; equal to the availability KPI when every row has a routing),
    P = performance, Q = quality ratio, so A × P × Q is exactly the OEE KPI. The change of the
    product is split by the Shapley rule (the average over the orders of changing the factors),
    which is exact for three factors: ΔA · (P0Q0 + P1Q1)/3 + ΔA · (P0Q1 + P1Q0)/6, and the same for
    P and Q. Empty when a period has no rated production."""
    resolver = _resolver(facts, today, tolerance_days)
    f0 = _factors(measures_table(_FACTOR_MEASURES, resolver, [], before).row(0, named=True))
    f1 = _factors(measures_table(_FACTOR_MEASURES, resolver, [], after).row(0, named=True))
    schema = {"factor": pl.String, "before": pl.Float64, "after": pl.Float64, "part": pl.Float64}
    if f0 is None or f1 is None:
        return pl.DataFrame(schema=schema)
    rows = []
    for i, name in enumerate(OEE_FACTORS):
        x0, x1 = f0[i], f1[i]
        (y0, z0), (y1, z1) = [(f[(i + 1) % 3], f[(i + 2) % 3]) for f in (f0, f1)]
        part = (x1 - x0) * ((y0 * z0 + y1 * z1) / 3 + (y0 * z1 + y1 * z0) / 6)
        rows.append((name, x0, x1, part))
    return pl.DataFrame(rows, schema=schema, orient="row")


# --- in words -----------------------------------------------------------------------------------
def fmt_signed(value: float, unit: str, lang: str | None = None) -> str:
    """+0.42 pp for ratios, else the unit's own format with a sign (+1,234)."""
    from dashboard.i18n import t
    from dashboard.i18n.numbers import fmt_value

    if unit == "ratio":
        return f"{value * 100:+.2f} {t('analysis.pp', lang)}".replace("-", "−")
    return ("+" if value >= 0 else "−") + fmt_value(abs(value), unit)


def part_text(e: Explanation, part: dict, lang: str | None = None, names: Mapping[str, str] | None = None) -> str:
    """One member's part: "INJ-03 +0.31 pp (rate)", "P-1012 more volume +0.08 pp (mix)", "INJ-03 +120"."""
    from dashboard.i18n import t

    member = (names or {}).get(part["member"], part["member"])
    if part["member"] == OTHER and not names:
        member = t("kpi.other", lang)
    total = fmt_signed(part["total"], KPIS[e.kpi].unit, lang)
    if e.method != "rate_mix" or part["member"] == OTHER:
        return t("explain.part.sum", lang, member=member, total=total)
    rate, mix = abs(part["rate"]), abs(part["mix"])
    if min(rate, mix) >= BOTH_EFFECTS * max(rate, mix):
        return t("explain.part.both", lang, member=member, total=total,
                 rate=fmt_signed(part["rate"], KPIS[e.kpi].unit, lang), mix=fmt_signed(part["mix"], KPIS[e.kpi].unit, lang))
    if rate >= mix:
        return t("explain.part.rate", lang, member=member, total=total)
    grew = (part["share_after"] or 0.0) >= (part["share_before"] or 0.0)
    return t("explain.part.mix_up" if grew else "explain.part.mix_down", lang, member=member, total=total)


def sentence(e: Explanation, lang: str | None = None, names: Mapping[str, str] | None = None, top: int = 3) -> str:
    """"Scrap ratio +0.42 pp: INJ-03 +0.31 pp (rate), P-1012 more volume +0.08 pp (mix) …" in `lang`."""
    from dashboard.i18n import current_lang, t

    lang = lang or current_lang()
    name = KPIS[e.kpi].name(lang)
    if not e.explained:
        return t(f"explain.not.{e.reason}", lang, kpi=name)
    if not e.change:
        return t("explain.unchanged", lang, kpi=name)
    head = t("explain.head_target" if e.method == "vs_target" else "explain.head", lang, kpi=name,
             change=fmt_signed(e.change, KPIS[e.kpi].unit, lang))
    members = e.parts.filter(pl.col("member") != OTHER)
    shown = [part_text(e, p, lang, names) for p in members.head(top).iter_rows(named=True)]
    more = t("explain.more", lang) if e.parts.height > len(shown) else ""
    return head + t("explain.colon", lang) + t("explain.sep", lang).join(shown) + more if shown else head


__all__ = ["EXPLAIN_DIMENSIONS", "DimensionRank", "ExplainError", "Explanation", "best_dimension", "decomposable",
           "dimensions_for", "explain", "fmt_signed", "fold", "oee_factors", "part_text", "rank_dimensions",
           "sentence"]
