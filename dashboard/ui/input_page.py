"""One renderer for every department's input page (docs/auth.md, clerk; docs/architecture.md
"Ingestion", "Pages"; issue 3).

A page file is `render_input_page("production")`. The department's kinds come from the kind
declarations (data_access.kinds.kinds_of); for the chosen kind there are four sections: upload
(with the template), a single-record form, the upload history with undo, and the latest rows to
edit. Only the open section runs (lazy tabs), so a page with eleven master kinds stays quick.

Who may write is decided below the UI (data_access.permissions via the pipeline); this page only
says so up front and shows the pipeline's refusal when it comes.
"""
from __future__ import annotations

import streamlit as st

from dashboard.i18n import current_lang, set_lang, t
from dashboard.i18n.codes import code_label
from dashboard.ui.editor import latest_rows_editor
from dashboard.ui.history import upload_history
from dashboard.ui.login import current_user, require_login
from dashboard.ui.record_form import record_form
from dashboard.ui.upload_wizard import upload_wizard
from data_access.db import get_engine
from data_access.kinds import DEPARTMENTS, Kind, kinds_of
from data_access.permissions import may_write

SECTIONS = {
    "upload": upload_wizard,
    "form": record_form,
    "history": upload_history,
    "edit": latest_rows_editor,
}


def department_title(department: str, lang: str) -> str:
    return t("nav.admin.master" if department == "admin" else f"nav.input.{department}", lang)


def kind_key_text(kind: Kind, lang: str) -> str:
    labels = [kind.field(k).label(lang) for k in kind.key]
    return t("input.kind.key", lang, fields=t("input.kind.key_sep", lang).join(labels))


def choose_kind(department: str, kinds: list[Kind], lang: str) -> Kind:
    by_name = {k.name: k for k in kinds}
    if len(kinds) == 1:
        return kinds[0]
    name = st.segmented_control(t("input.kind.choose", lang), list(by_name), default=kinds[0].name, required=True,
                                format_func=lambda n: by_name[n].label(lang), key=f"input_kind_{department}")
    return by_name.get(name, kinds[0])


def render_input_page(department: str) -> None:
    engine = get_engine()
    user = current_user() or require_login(engine)
    lang = st.session_state.get("lang") or current_lang()
    set_lang(lang)
    kinds = kinds_of(department)
    st.title(t("input.title", lang, department=department_title(department, lang)))
    if department not in DEPARTMENTS or not kinds:
        st.error(t("input.no_kinds", lang))
        st.stop()
    if user.role == "clerk" and user.department != department:
        st.error(t("input.not_your_department", lang, department=department_title(department, lang)))
        st.stop()
    if not any(may_write(user.role, user.department, k.name) for k in kinds):
        st.info(t("input.read_only", lang, role=code_label("role", user.role, lang)))
    kind = choose_kind(department, kinds, lang)
    st.caption(f"{kind.label(lang)} · {kind_key_text(kind, lang)}")
    tabs = st.tabs([t(f"input.tab.{s}", lang) for s in SECTIONS], key=f"input_section_{kind.name}",
                   on_change="rerun")
    for tab, render in zip(tabs, SECTIONS.values()):
        if tab.open:
            with tab:
                render(engine, kind, department, user, lang)
