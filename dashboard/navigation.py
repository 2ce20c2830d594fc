"""Every page of the app, by section, with the roles that see it.

app.py builds st.navigation from this list on every rerun, for the signed-in user's role.
A page whose file does not exist yet is left out, so the list can run ahead of the code.
Each page has an explicit url_path so links stay stable. Sections are shown in this order:
what managers open most (overview, analysis, planning) before data input and admin.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "pages"

ALL = ("admin", "executive", "manager", "clerk")
ANALYSTS = ("admin", "executive", "manager", "clerk")


@dataclass(frozen=True)
class PageSpec:
    file: str  # under pages/
    url_path: str
    title_key: str  # i18n key
    section: str  # i18n key of the section
    roles: tuple[str, ...] = ALL
    department: str | None = None  # input pages: clerks see only their own department's
    clerk_departments: tuple[str, ...] = ()  # a page only these departments' clerks see (pay: HR, Finance)
    icon: str | None = None

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


INPUT_DEPARTMENTS = ("production", "warehouse", "quality", "sales", "customer_service", "purchasing", "hr",
                     "engineering", "finance")

PAGES: list[PageSpec] = [
    PageSpec("home.py", "home", "nav.home", "nav.section.overview", icon=":material/home:"),
    PageSpec("executive.py", "executive", "nav.executive", "nav.section.overview", ("admin", "executive", "manager"),
             icon=":material/summarize:"),
    PageSpec("exceptions.py", "exceptions", "nav.exceptions", "nav.section.overview", ("admin", "executive", "manager"),
             icon=":material/report:"),
    *[PageSpec(f"analysis_{a}.py", f"analysis-{a}", f"nav.analysis.{a}", "nav.section.analysis", ANALYSTS,
               icon=":material/monitoring:")
      for a in ("throughput", "quality", "delivery", "customer", "equipment", "materials", "purchasing", "people",
                "sales", "rd")],
    *[PageSpec(f"planning_{p}.py", f"planning-{p}", f"nav.planning.{p}", "nav.section.planning",
               ("admin", "manager", "executive"), icon=":material/event_note:")
      for p in ("capacity", "priority", "mrp", "progress")],
    *[PageSpec(f"input_{d}.py", f"input-{d.replace('_', '-')}", f"nav.input.{d}", "nav.section.input",
               ("admin", "clerk", "manager"), department=d, icon=":material/edit_note:") for d in INPUT_DEPARTMENTS],
    PageSpec("wages.py", "wages", "nav.wages", "nav.section.analysis", ("admin", "executive", "clerk"),
             clerk_departments=("hr", "finance"), icon=":material/payments:"),
    PageSpec("scorecards.py", "scorecards", "nav.scorecards", "nav.section.overview", ("admin", "executive", "manager"),
             icon=":material/leaderboard:"),
    PageSpec("subscriptions.py", "subscriptions", "nav.subscriptions", "nav.section.overview", ALL,
             icon=":material/mail:"),
    PageSpec("admin_master.py", "admin-master-data", "nav.admin.master", "nav.section.admin", ("admin",),
             department="admin", icon=":material/database:"),
    PageSpec("admin_users.py", "admin-users", "nav.admin.users", "nav.section.admin", ("admin",), icon=":material/group:"),
    PageSpec("admin_audit.py", "admin-audit", "nav.admin.audit", "nav.section.admin", ("admin",), icon=":material/history:"),
    PageSpec("admin_backup.py", "admin-backup", "nav.admin.backup", "nav.section.admin", ("admin",), icon=":material/backup:"),
]


def pages_for(role: str, department: str | None = None) -> list[PageSpec]:
    """The pages a role sees; a clerk sees only their own department's input page."""
    out = []
    for page in PAGES:
        if role not in page.roles or not page.path.exists():
            continue
        if role == "clerk" and page.department and page.department != department:
            continue
        if role == "clerk" and page.clerk_departments and department not in page.clerk_departments:
            continue
        out.append(page)
    return out
