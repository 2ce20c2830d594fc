"""The app frame's error boundary (issue 14): no Python exception reaches a page. The clerk sees a
translated message with an incident number; the server log has the traceback under that number,
so the administrator can find it. Streamlit's own control flow (st.rerun, st.stop, st.switch_page)
raises BaseException subclasses, which pass through untouched."""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st

from dashboard.i18n import t

log = logging.getLogger("plantkpi.incident")


def new_incident_id() -> str:
    """Short enough to read out on the phone, random enough not to repeat: e.g. 'K7Q2-9XFD'."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def _message(exc: Exception, incident: str) -> str:
    """What the clerk is told: the database's own reason when the database is the cause (a
    read-only disk, a server that is down), else only that something failed; always the id."""
    import sqlalchemy as sa

    if isinstance(exc, sa.exc.OperationalError):
        detail = str(exc.orig).splitlines()[0][:200] if exc.orig else type(exc).__name__
        return t("app.error.database", detail=detail, incident=incident)
    return t("app.error.incident", incident=incident)


def run_guarded(run: Callable[[], object], where: str = "") -> None:
    """Run `run` (a page); an exception becomes a message and a logged incident."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the boundary exists to catch everything
        incident = new_incident_id()
        log.error("incident %s on page %s: %s", incident, where or "?", type(exc).__name__, exc_info=exc)
        st.error(_message(exc, incident), icon=":material/error:")
        st.button(t("app.error.retry"), key="incident_retry", icon=":material/refresh:")  # a click reruns
