"""All data kinds, declared once each (SPEC §3). Order = dependency order (masters first)."""
from data_access.kinds.attendance import KIND as _attendance
from data_access.kinds.base import DEPARTMENTS, Field, Kind, Rule, normalise_header
from data_access.kinds.bom import KIND as _bom
from data_access.kinds.complaints import KIND as _complaints
from data_access.kinds.costs import KIND as _costs
from data_access.kinds.customers import KIND as _customers
from data_access.kinds.downtime import KIND as _downtime
from data_access.kinds.employees import KIND as _employees
from data_access.kinds.hr_events import KIND as _hr_events
from data_access.kinds.invoices import KIND as _invoices
from data_access.kinds.inspections import KIND as _inspections
from data_access.kinds.lines import KIND as _lines
from data_access.kinds.machines import KIND as _machines
from data_access.kinds.maintenance import KIND as _maintenance
from data_access.kinds.material_moves import KIND as _material_moves
from data_access.kinds.materials import KIND as _materials
from data_access.kinds.orders import KIND as _orders
from data_access.kinds.payments import KIND as _payments
from data_access.kinds.production import KIND as _production
from data_access.kinds.products import KIND as _products
from data_access.kinds.projects import KIND as _projects
from data_access.kinds.purchase_orders import KIND as _purchase_orders
from data_access.kinds.reasons import KIND as _reasons
from data_access.kinds.receipts import KIND as _receipts
from data_access.kinds.routings import KIND as _routings
from data_access.kinds.scrap import KIND as _scrap
from data_access.kinds.shipments import KIND as _shipments
from data_access.kinds.stocktake import KIND as _stocktake
from data_access.kinds.suppliers import KIND as _suppliers
from data_access.kinds.surveys import KIND as _surveys
from data_access.kinds.targets import KIND as _targets
from data_access.kinds.wage_rates import KIND as _wage_rates
from data_access.kinds.work_tickets import KIND as _work_tickets

KINDS: dict[str, Kind] = {k.name: k for k in (_lines, _machines, _products, _routings, _materials, _bom, _employees, _customers, _suppliers, _reasons, _targets, _production, _scrap, _downtime, _material_moves, _stocktake, _inspections, _orders, _shipments, _complaints, _surveys, _purchase_orders, _receipts, _attendance, _hr_events, _maintenance, _projects, _costs, _wage_rates, _work_tickets, _invoices, _payments)}
MASTER_KINDS = [k for k in KINDS.values() if k.master]
TRANSACTION_KINDS = [k for k in KINDS.values() if not k.master]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown data kind {name!r}; known: {', '.join(KINDS)}") from None


def kinds_of(department: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.department == department]


__all__ = ["DEPARTMENTS", "Field", "Kind", "KINDS", "MASTER_KINDS", "Rule", "TRANSACTION_KINDS",
           "get_kind", "kinds_of", "normalise_header"]
