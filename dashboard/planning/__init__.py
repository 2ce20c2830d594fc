"""Planning office (PC: production plan and progress; MC: material plan and control),
docs/architecture.md "The plant", "Pages".

Pure polars, no Streamlit, no SQL. Every function takes the frames of
dashboard.facts.load_planning_frames (a mapping kind name -> frame, plus the
"production_fact" of the KPI engine) and a `today`, so that pages, the CLI and the tests agree.

- schedule: shared rules (open order lines, week buckets, need dates, stock on hand, the shift calendar)
- projection: the one projection of every open line (stock, WIP, forward loading, late / projected late)
  that the four views below read
- capacity: hours required vs available per machine / line and week, bottlenecks
- priority: the ranked list of open order lines (score by the principles; finish and lateness from the projection)
- mrp: material requirements, netting, planned order releases, shortages
- progress: plan vs actual per order line and per week
"""
