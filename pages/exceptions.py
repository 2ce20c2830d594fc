"""Exceptions: the manager's Monday list (docs/kpis.md, dashboard.exceptions): the plant's open exceptions,
most severe first, grouped by owner department, each with a link to the page and filter that show
it; acknowledging one (with a comment) hides it until it gets worse. The rules live in
dashboard.exceptions, the permission in data_access (exception_acks, permissions)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.exceptions import counts_by_severity, department_name, department_order, describe, link
from dashboard.ui.exceptions import open_exceptions
from dashboard.i18n import t
from dashboard.ui.page_frame import page_frame
from data_access.exception_acks import MAX_COMMENT, acknowledge_exception
from data_access.permissions import COMMENTARY_ROLES, PermissionDenied

engine, user, lang = page_frame()
today = st.session_state.get("exceptions_as_of") or date.today()  # a test (or a link) may fix the day
FLASH = "_exceptions_flash"
BADGE = {"high": ":red[●]", "medium": ":orange[●]", "low": ":gray[●]"}  # the CJK font has ●, not colour emoji

st.title(t("exc.title"))
st.caption(t("exc.intro", date=today.isoformat()))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

show_all = st.toggle(t("exc.show_acked"), key="exc_show_all")
found = open_exceptions(engine, today, include_acknowledged=show_all)
counts = counts_by_severity(found)
st.markdown(t("exc.counts", total=found.height, **counts))

if found.height == 0:
    st.info(t("exc.none"))
else:
    for department in department_order(found):  # the most high exceptions first
        part = found.filter(found["department"] == department)
        st.subheader(f"{department_name(department, lang)} ({part.height})")
        lines = []
        for row in part.iter_rows(named=True):
            text = (f"{BADGE[row['severity']]} **{t('exc.severity.' + row['severity'])}** · {describe(row, lang)}"
                    f" · {t('exc.col.since')} {row['since'].isoformat() if row['since'] else '—'}"
                    f" · [{t('exc.open')}]({link(row)})")
            if row.get("acknowledged_by"):
                text += "  \n  " + t("exc.acked_before", user=row["acknowledged_by"], comment=row["comment"] or "")
            lines.append("- " + text)
        st.markdown("\n".join(lines))

    if user.role in COMMENTARY_ROLES:  # the rule data_access enforces below the page
        with st.form("exc_ack", clear_on_submit=True):
            st.subheader(t("exc.ack.title"))
            options = found.get_column("key").to_list()
            described = {r["key"]: f"[{t('exc.severity.' + r['severity'])}] {describe(r, lang)}"
                         for r in found.iter_rows(named=True)}
            key = st.selectbox(t("exc.ack.pick"), options, format_func=described.get, key="exc_ack_key")
            comment = st.text_area(t("exc.ack.comment"), max_chars=MAX_COMMENT, key="exc_ack_comment")
            if st.form_submit_button(t("exc.ack.submit")):
                if not comment.strip():
                    st.error(t("exc.ack.need_comment"))
                else:
                    measure = found.filter(found["key"] == key).get_column("measure")[0]
                    try:
                        acknowledge_exception(engine, user.name, key, measure, comment)
                    except PermissionDenied as refusal:
                        st.error(t(refusal.key, lang, **refusal.params(lang)))
                    else:
                        st.session_state[FLASH] = t("exc.ack.done")
                        st.rerun()
