"""Planning office (PC: production plan and progress; MC: material plan and control),
docs/architecture.md "The plant", "Pages".

Pure polars, no Streamlit, no SQL. Every function takes the frames of
data_access.planning_data.load_planning_frames (a mapping kind name -> frame, plus the
"production_fact" of the KPI engine) and a `today`, so that pages, the CLI and the tests agree.

- schedule: shared rules (open order lines, week buckets, operation placement, the shift calendar)
- capacity: hours required vs available per machine / line and week, bottlenecks
- priority: the ranked list of open order lines and forward loading (expected lateness)
- mrp: material requirements, netting, planned order releases, shortages
- progress: plan vs actual per order line and per week
"""
