"""Subscriptions: what each user receives by e-mail (docs/report.md). Everyone manages their own;
an admin sees and manages everyone's and the failed sends. Rules live in data_access.subscriptions."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.auth import list_users
from dashboard.i18n import t
from dashboard.kpi import KPIS
from dashboard.ui.page_frame import page_frame
from data_access.permissions import PermissionDenied
from data_access.subscriptions import WHATS, SubscriptionError, add_subscription, list_subscriptions, \
    remove_subscription

engine, user, lang = page_frame()
is_admin = user.role == "admin"
FLASH = "_subscriptions_flash"

st.title(t("notify.page.title"))
st.caption(t("notify.page.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

rows = list_subscriptions(engine, None if is_admin else user.name)
failed = [r for r in rows if r.last_status == "failed"]
if is_admin and failed:
    st.warning(t("notify.page.failures", n=len(failed)))

st.subheader(t("notify.page.all") if is_admin else t("notify.page.mine"))
if not rows:
    st.info(t("notify.page.empty"))
else:
    table = pl.DataFrame({
        t("notify.page.col.id"): [r.id for r in rows],
        t("notify.page.col.user"): [r.user_name for r in rows],
        t("notify.page.what"): [t(f"notify.what.{r.what}") for r in rows],
        t("notify.page.kpi"): [KPIS[r.kpi].name(lang) if r.kpi in KPIS else "—" for r in rows],
        t("notify.page.email"): [r.email for r in rows],
        t("notify.page.col.last"): [r.last_period or "—" for r in rows],
        t("notify.page.col.state"): [t(f"notify.state.{r.last_status}") if r.last_status else "—" for r in rows],
        t("notify.page.col.error"): [r.last_error or "—" for r in rows],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    # Options are the labels themselves (a format_func would be called outside this page's language in tests).
    removable = {t("notify.page.remove", id=r.id): r.id for r in rows}
    chosen = st.selectbox(t("notify.page.remove", id=""), ["—", *removable], key="sub_remove")
    remove = removable.get(chosen)
    if remove is not None and st.button(chosen, key="sub_remove_go"):
        try:
            remove_subscription(engine, user.name, remove)
        except PermissionDenied as exc:
            st.error(t(exc.key, **exc.params(lang)))
        else:
            st.session_state[FLASH] = t("notify.cli.removed", id=remove)
            st.rerun()

st.subheader(t("notify.page.add"))
with st.form("subscription_add", clear_on_submit=True):
    names = [u.name for u in list_users(engine)] if is_admin else [user.name]
    who = st.selectbox(t("notify.page.user"), names or [user.name], index=(names or [user.name]).index(user.name)
                       if user.name in names else 0, disabled=not is_admin)
    whats = {t(f"notify.what.{w}"): w for w in WHATS}
    what = whats[st.selectbox(t("notify.page.what"), list(whats))]
    kpi_names = {"—": "", **{KPIS[k].name(lang): k for k in KPIS}}
    alert_kpi = kpi_names[st.selectbox(t("notify.page.kpi"), list(kpi_names))]
    address = st.text_input(t("notify.page.email"))
    if st.form_submit_button(t("notify.page.submit")):
        try:
            new_id = add_subscription(engine, user.name, who, what, address, kpi=alert_kpi, known_kpis=tuple(KPIS))
        except SubscriptionError as exc:
            st.error(t(exc.key, **exc.params))
        except PermissionDenied as exc:
            st.error(t(exc.key, **exc.params(lang)))
        else:
            st.session_state[FLASH] = t("notify.cli.added", id=new_id)
            st.rerun()
