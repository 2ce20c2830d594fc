"""Every KPI defined once (docs/kpis.md): pure polars, no Streamlit, no SQL, no data_access
(the import contract in pyproject.toml enforces it). The caller brings the facts: a page or a
CLI command reads them with dashboard.facts.load_facts and hands them over, e.g.

    compute(["oee", "scrap_ratio"], facts, dims=["month", "line"],
            filters=Filters(date_from=..., date_to=..., line="INJ"), today=date.today())
"""
from dashboard.kpi.analyses import (cost_structure, fold_pareto, fpy_by_stage, item_balances,
                                    lateness_distribution, material_loss_by_line, material_loss_by_material,
                                    oee_losses, overdue_backlog, pareto, rty, scrap_pareto, wip_by_operation)
from dashboard.kpi.compare import (NEAR_BAND, compare, period_target, previous_period, same_period_last_year, status,
                                   target_for, target_status)
from dashboard.kpi.delivery import delivery_lines, line_status
from dashboard.kpi.engine import Filters, compute, compute_one, data_starts, facts_for, measures_table
from dashboard.kpi.registry import (DIMENSIONS, GRAINS, HEADLINE, KPI, KPIS, MEASURES, MONTHLY_HEADLINE, OTHER,
                                    UNASSIGNED, UNITS, kpi)

__all__ = [
    "DIMENSIONS", "GRAINS", "HEADLINE", "MONTHLY_HEADLINE", "NEAR_BAND", "data_starts", "period_target", "target_status", "KPI", "KPIS",
    "MEASURES", "OTHER", "UNASSIGNED", "UNITS", "Filters",
    "compare", "compute", "compute_one", "cost_structure", "facts_for", "delivery_lines", "fold_pareto", "fpy_by_stage",
    "item_balances", "kpi", "lateness_distribution", "line_status", "material_loss_by_line", "material_loss_by_material", "measures_table",
    "oee_losses", "overdue_backlog", "pareto", "previous_period", "rty", "same_period_last_year", "scrap_pareto",
    "status", "target_for", "wip_by_operation",
]
