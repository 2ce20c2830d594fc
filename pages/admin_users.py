"""Admin · Users and roles: list accounts, add one, change role/department, reset a password,
unlock, disable or enable. Every change goes through dashboard.auth, which writes it to the audit log."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.auth import MIN_PASSWORD_LENGTH, ROLES, AuthProblem, change_role, create_user, delete_user, \
    list_users, reset_password, set_disabled, unlock_user
from dashboard.i18n import LANG_NAMES, t
from dashboard.i18n.codes import code_label
from dashboard.ui.plain_text import plain
from dashboard.ui.page_frame import page_frame
from data_access.kinds import DEPARTMENTS
from data_access.permissions import PermissionDenied

engine, admin, lang = page_frame(admin=True)
FLASH = "_admin_users_flash"
CLEAR = "_admin_users_clear"
if CLEAR in st.session_state:  # after a change: empty the form fields (before they are drawn)
    for key in st.session_state.pop(CLEAR):
        st.session_state.pop(key, None)


def role_label(role: str) -> str:
    return code_label("role", role)


def department_label(department: str | None) -> str:
    if not department:
        return t("auth.users.no_department")
    en, zh = DEPARTMENTS.get(department, (department, department))
    return zh if lang == "zh" else en


def run(action, success_key: str, name: str, clear: tuple[str, ...] = ()) -> None:
    """Do one account change; on success remember the message, empty `clear` and redraw."""
    try:
        action()
    except AuthProblem as problem:
        st.error(problem.message())
        return
    except PermissionDenied as refusal:  # e.g. this admin was disabled or demoted meanwhile
        st.error(t(refusal.key, **refusal.params(lang)))
        return
    st.session_state[FLASH] = t(success_key, name=plain(name))
    st.session_state[CLEAR] = clear
    st.rerun()


st.title(t("auth.users.title"))
st.caption(t("auth.users.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

users = list_users(engine)
if users:
    table = pl.DataFrame({
        t("auth.users.col.name"): [u.name for u in users],
        t("auth.users.col.role"): [role_label(u.role) for u in users],
        t("auth.users.col.department"): [department_label(u.department) for u in users],
        t("auth.users.col.lang"): [LANG_NAMES.get(u.lang, u.lang) for u in users],
        t("auth.users.col.status"): [
            t("cli.user.status.disabled") if u.disabled else
            t("auth.users.status.locked", until=u.locked_until.astimezone().strftime("%Y-%m-%d %H:%M"))
            if u.is_locked() else t("auth.users.status.active") for u in users],
        t("auth.users.col.failed"): [u.failed_logins for u in users],
        t("auth.users.col.demo"): [u.demo for u in users],
        t("auth.users.col.created"): [u.created_at.astimezone().replace(tzinfo=None, microsecond=0) for u in users],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    demo = [u.name for u in users if u.demo]
    if demo:
        st.warning(t("auth.users.demo_warning", names=plain(", ".join(demo))))
else:
    st.info(t("auth.users.empty"))

departments = [None, *DEPARTMENTS]
st.subheader(t("auth.users.add"))
with st.form("add_user", clear_on_submit=False):
    new_name = st.text_input(t("auth.users.name"), key="add_name")
    new_role = st.selectbox(t("auth.users.role"), ROLES, format_func=role_label, key="add_role")
    new_department = st.selectbox(t("auth.users.department"), departments, format_func=department_label,
                                  key="add_department")
    new_password = st.text_input(t("auth.users.password", min=MIN_PASSWORD_LENGTH), type="password",
                                 key="add_password")
    if st.form_submit_button(t("auth.users.submit_add"), type="primary"):
        run(lambda: create_user(engine, new_name, new_password, new_role, new_department, by=admin.name),
            "auth.users.added", new_name.strip(), clear=("add_name", "add_password", "add_role", "add_department"))

if users:
    st.subheader(t("auth.users.edit"))
    by_name = {u.name: u for u in users}
    picked = by_name[st.selectbox(t("auth.users.pick"), list(by_name), key="edit_user")]
    with st.form("edit_role"):
        role = st.selectbox(t("auth.users.role"), ROLES, index=ROLES.index(picked.role), format_func=role_label,
                            key=f"edit_role_{picked.name}")
        department = st.selectbox(t("auth.users.department"), departments, index=departments.index(picked.department)
                                  if picked.department in departments else 0, format_func=department_label,
                                  key=f"edit_department_{picked.name}")
        if st.form_submit_button(t("auth.users.submit_role")):
            run(lambda: change_role(engine, picked.name, role, department, by=admin.name),
                "auth.users.role_saved", picked.name)
    with st.form("reset_password"):
        password = st.text_input(t("auth.users.new_password"), type="password", key="reset_password_value")
        if st.form_submit_button(t("auth.users.submit_password")):
            run(lambda: reset_password(engine, picked.name, password, by=admin.name),
                "auth.users.password_reset", picked.name, clear=("reset_password_value",))
    if picked.is_locked() or picked.failed_logins:
        if st.button(t("auth.users.unlock"), key="unlock"):
            run(lambda: unlock_user(engine, picked.name, by=admin.name), "auth.users.unlocked", picked.name)
    if picked.name != admin.name:  # disabling yourself would lock you out mid-session
        toggle = "auth.users.enable" if picked.disabled else "auth.users.disable"
        if st.button(t(toggle), key="disable_toggle"):
            run(lambda: set_disabled(engine, picked.name, not picked.disabled, by=admin.name),
                "auth.users.enabled" if picked.disabled else "auth.users.disabled", picked.name)
    with st.form("delete_user"):
        confirmed = st.checkbox(t("auth.users.delete_confirm"), key=f"delete_confirm_{picked.name}")
        if st.form_submit_button(t("auth.users.delete"), disabled=picked.name == admin.name) and confirmed:
            run(lambda: delete_user(engine, picked.name, by=admin.name), "auth.users.deleted", picked.name)
