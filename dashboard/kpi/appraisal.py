"""Department scorecards (考评, docs/kpis.md "Appraisal"): each scorecard row's actual and target for a
statistics month, its achievement and points, and each department's score.

- actual: the KPI for the month, the plant figure or the row's line (dashboard.kpi.engine);
- target: the one target rule of dashboard.kpi.compare.period_target (the plant's target, derived
  from the lines' when the plant has none, or the line's own);
- achievement = actual / target when higher is better, target / actual when lower is better,
  capped at ACHIEVEMENT_CAP (1.2). A ratio of signed numbers says nothing, so: a target ≤ 0 is not
  scored; a lower-is-better actual ≤ 0 beats any positive target (the cap); a higher-is-better
  actual ≤ 0 achieves 0;
- points = weight × achievement; score = Σ points / Σ weight over the rows with both actual and
  target. Rows without a target (or without data) are listed with scored = False.

`data_timeliness` is not a registry KPI: the registry's KPIs are expressions over the facts'
measures, filtered by the facts' dimensions, while timeliness is about *when* each department's
batches arrived (batch creation times, not the rows' contents) and belongs to the department that
owns the kind — a dimension no fact carries. It is computed here (data_timeliness) from the arrivals
that data_access.status.arrivals() reads, and scores like any ratio (higher is better).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar, add_months, month_bounds
from dashboard.kpi.compare import period_target
from dashboard.kpi.engine import Filters, compute_one
from dashboard.kpi.registry import KPIS

ACHIEVEMENT_CAP = 1.2
TIMELINESS = "data_timeliness"
WEEKLY_DEADLINE = time(12, 0)  # the Monday (first day of the next week) at 12:00
MONTHLY_DEADLINE_DAY = 5       # the month's data by the end of the 5th of the next month

ROW_SCHEMA = {"department": pl.String, "kpi": pl.String, "line": pl.String, "weight": pl.Float64,
              "actual": pl.Float64, "target": pl.Float64, "target_scope": pl.String,
              "achievement": pl.Float64, "points": pl.Float64, "scored": pl.Boolean}
SCORE_SCHEMA = {"department": pl.String, "score": pl.Float64, "scored_weight": pl.Float64,
                "rows": pl.Int64, "rows_scored": pl.Int64, "rank": pl.Int64}


def direction(kpi_id: str) -> int:
    return 1 if kpi_id == TIMELINESS else KPIS[kpi_id].direction


def achievement(direction_: int, actual: float | None, target: float | None) -> float | None:
    """The achievement of one row (module docstring), None when it cannot be scored."""
    if actual is None or target is None or target <= 0:
        return None
    if direction_ > 0:
        value = actual / target if actual > 0 else 0.0
    else:
        value = target / actual if actual > 0 else ACHIEVEMENT_CAP
    return min(value, ACHIEVEMENT_CAP)


def _timeliness_target(targets: pl.DataFrame | None, month: str) -> float | None:
    """A plant target row for data_timeliness in the month (one month: the value itself)."""
    if targets is None or targets.height == 0:
        return None
    hit = targets.filter((pl.col("kpi") == TIMELINESS) & (pl.col("month") == month) & pl.col("line").is_null())
    return float(hit.get_column("target")[0]) if hit.height else None


def data_timeliness(arrivals: pl.DataFrame, month: str, now: datetime, cal: PlantCalendar | None = None
                    ) -> dict[str, float | None]:
    """{department: share of its expected reporting periods of the month whose data arrived by the
    deadline}. `arrivals` (data_access.status.arrivals): department, kind, cadence (weekly|monthly),
    day (the rows' date; a monthly kind's first day of its month), arrived (the earliest batch
    creation time of the rows of that day). Expected periods: for a weekly kind each plant week
    ending in the month, due the next week's first day at 12:00; for a monthly kind the month, due
    the 5th of the next calendar month (end of day). A period whose deadline is after `now` is not
    expected yet, nor one ending before the kind's first row (a kind the plant began to report later,
    or never reports, is not expected before it did). A department without any expected period: None."""
    cal = cal or calendar.current()
    first, last = month_bounds(month, cal)
    out: dict[str, list[bool]] = {}
    for (department, kind, cadence), rows in arrivals.group_by(["department", "kind", "cadence"]):
        periods: list[tuple[date, date, datetime]] = []
        if cadence == "weekly":
            start = calendar.week_start(first, cal)
            while start <= last:
                end = start + timedelta(days=6)
                if first <= end <= last:
                    periods.append((start, end, datetime.combine(end + timedelta(days=1), WEEKLY_DEADLINE)))
                start += timedelta(days=7)
        elif cadence == "monthly":
            following = date(last.year + last.month // 12, last.month % 12 + 1, MONTHLY_DEADLINE_DAY)
            periods.append((first, last, datetime.combine(following + timedelta(days=1), time(0, 0))))
        since = rows.get_column("day").min()
        for start, end, deadline in periods:
            if deadline > now or end < since:
                continue
            inside = rows.filter(pl.col("day").is_between(start, end))
            arrived = inside.get_column("arrived").min() if inside.height else None
            out.setdefault(department, []).append(arrived is not None and arrived <= deadline)
    return {d: sum(v) / len(v) for d, v in out.items() if v}


def scorecard_rows(scorecard: pl.DataFrame, facts: Mapping[str, pl.DataFrame], month: str, *,
                   timeliness: Mapping[str, float | None] | None = None, cal: PlantCalendar | None = None,
                   **kw) -> pl.DataFrame:
    """One row per scorecard row (department, kpi, line — empty line_code = plant, weight) with the
    month's actual, target, target_scope, achievement, points and scored (ROW_SCHEMA)."""
    cal = cal or calendar.current()
    date_from, date_to = month_bounds(month, cal)
    if scorecard.height == 0:
        return pl.DataFrame(schema=ROW_SCHEMA)
    card = scorecard.with_columns(line=pl.when(pl.col("line_code").fill_null("") != "").then(pl.col("line_code")))
    targets = facts["targets"] if "targets" in facts else None
    actuals: dict[tuple[str | None, str], float | None] = {}
    for (line,), rows in card.group_by(["line"]):
        ids = [k for k in rows.get_column("kpi").unique().to_list() if k in KPIS]
        if ids:
            filters = Filters(date_from=date_from, date_to=date_to, line=(line,) if line else None)
            actuals |= {(line, k): v for k, v in compute_one(ids, facts, filters, cal=cal, **kw).items()}
    out = []
    for row in card.sort("department", "kpi", "line", nulls_last=False).iter_rows(named=True):
        kpi_id, line = row["kpi"], row["line"]
        if kpi_id == TIMELINESS:
            actual = (timeliness or {}).get(row["department"])
            target, scope = _timeliness_target(targets, month), "plant"
        elif kpi_id in KPIS:
            actual = actuals.get((line, kpi_id))
            filters = Filters(date_from=date_from, date_to=date_to, line=(line,) if line else None)
            target, scope = period_target(kpi_id, facts, date_from, date_to, filters, cal, **kw)
        else:  # an id the registry no longer knows (refused at import): listed, never scored
            actual, target, scope = None, None, None
        reached = achievement(direction(kpi_id), actual, target)
        weight = float(row["weight"])
        out.append({"department": row["department"], "kpi": kpi_id, "line": line, "weight": weight,
                    "actual": actual, "target": target, "target_scope": scope if target is not None else None,
                    "achievement": reached, "points": None if reached is None else weight * reached,
                    "scored": reached is not None})
    return pl.DataFrame(out, schema=ROW_SCHEMA)


def department_scores(rows: pl.DataFrame) -> pl.DataFrame:
    """score = Σ points / Σ weight over scored rows (None when none is scored), ranked best first
    (rank 1 = best; departments without a score last, unranked)."""
    scores = (rows.group_by("department")
              .agg(points=pl.col("points").filter(pl.col("scored")).sum(),
                   scored_weight=pl.col("weight").filter(pl.col("scored")).sum(),
                   rows=pl.len().cast(pl.Int64), rows_scored=pl.col("scored").sum().cast(pl.Int64))
              .with_columns(score=pl.when(pl.col("scored_weight") > 0)
                            .then(pl.col("points") / pl.col("scored_weight")))
              .sort(["score", "department"], descending=[True, False], nulls_last=True))
    scores = scores.with_columns(rank=pl.when(pl.col("score").is_not_null())
                                 .then(pl.col("score").rank("min", descending=True)).cast(pl.Int64))
    return scores.select(list(SCORE_SCHEMA)).cast(SCORE_SCHEMA)


def score_trend(scorecard: pl.DataFrame, facts: Mapping[str, pl.DataFrame], month: str, months: int = 12, *,
                timeliness_of=None, cal: PlantCalendar | None = None, **kw) -> pl.DataFrame:
    """month, department, score for the `months` statistics months ending with `month`, oldest first.
    `timeliness_of(month)` gives that month's data_timeliness per department (or None)."""
    frames = []
    for back in range(months - 1, -1, -1):
        m = add_months(month, -back)
        timeliness = timeliness_of(m) if timeliness_of else None
        scores = department_scores(scorecard_rows(scorecard, facts, m, timeliness=timeliness, cal=cal, **kw))
        frames.append(scores.select(pl.lit(m).alias("month"), "department", "score"))
    return pl.concat(frames) if frames else pl.DataFrame(schema={"month": pl.String, "department": pl.String,
                                                                  "score": pl.Float64})


def scorecard_json(rows: pl.DataFrame, scores: pl.DataFrame) -> dict:
    """README "Command line": {"departments": [{"department", "score", "rows": [{"kpi", "actual", "target",
    "achievement", "weight"}]}]} — departments best first, each row also with its line and points."""
    departments = []
    for d in scores.iter_rows(named=True):
        own = rows.filter(pl.col("department") == d["department"])
        departments.append({"department": d["department"], "score": d["score"], "rank": d["rank"],
                            "rows": [{"kpi": r["kpi"], "line": r["line"], "actual": r["actual"],
                                      "target": r["target"], "achievement": r["achievement"],
                                      "weight": r["weight"], "points": r["points"], "scored": r["scored"]}
                                     for r in own.iter_rows(named=True)]})
    return {"departments": departments}


__all__ = ["ACHIEVEMENT_CAP", "TIMELINESS", "achievement", "data_timeliness", "department_scores", "direction",
           "score_trend", "scorecard_json", "scorecard_rows"]
