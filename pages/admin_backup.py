"""Admin · Backup & restore: download the whole database as one signed file; restore from an
uploaded backup after seeing what it holds and confirming. A backup whose signature cannot be
verified (unsigned, another key, altered) is refused unless the admin ticks an explicit
"restore it anyway" box under a warning. The work is done by data_access.backup."""
from __future__ import annotations

import io
from datetime import datetime

import polars as pl
import streamlit as st

from dashboard.i18n import current_lang, t
from dashboard.ui.page_frame import page_frame
from data_access.backup import (SIGNATURE_ERRORS, BackupError, backup_bytes, inspect_backup, load_or_create_key,
                                 restore, table_counts)
from data_access.permissions import PermissionDenied

engine, admin, _ = page_frame(admin=True)
FLASH = "_admin_backup_flash"

st.title(t("backup.page.title"))
st.caption(t("backup.page.intro"))
if st.session_state.get(FLASH):
    st.success(st.session_state.pop(FLASH))

st.subheader(t("backup.page.download_title"))
if st.button(t("backup.page.prepare"), key="backup_prepare"):
    try:
        key, created = load_or_create_key()
    except BackupError as problem:
        st.error(t(problem.key, None, **problem.params))
    else:
        if created:
            st.session_state["_backup_key_created"] = key.source
        st.session_state["_backup_file"] = (f"plantkpi-backup-{datetime.now():%Y%m%d-%H%M}.zip",
                                            backup_bytes(engine, key=key), key.key_id, key.source)
if st.session_state.get("_backup_key_created"):
    st.info(t("backup.page.key_created", path=st.session_state["_backup_key_created"]))
prepared = st.session_state.get("_backup_file")
if prepared:
    name, data, key_id, key_source = prepared
    st.caption(t("backup.page.signed_with", key_id=key_id, source=key_source))
    st.download_button(t("backup.page.download", file=name), data, file_name=name, mime="application/zip",
                       key="backup_download")

st.subheader(t("backup.page.restore_title"))
upload = st.file_uploader(t("backup.page.upload"), type=["zip"], key="backup_upload")
if upload is not None:
    data = upload.getvalue()
    trust = False
    try:
        manifest = inspect_backup(io.BytesIO(data), engine)
    except BackupError as problem:
        st.error(t(problem.key, None, **problem.params))
        manifest = None
        if problem.key in SIGNATURE_ERRORS:
            # Only a signature problem may be overridden, and only by an explicit, warned choice.
            st.warning(t("backup.page.trust_warning"))
            trust = st.checkbox(t("backup.page.trust"), key="backup_trust")
            if trust:
                try:
                    manifest = inspect_backup(io.BytesIO(data), engine, trust_unsigned=True)
                except BackupError as other:
                    st.error(t(other.key, None, **other.params))
    if manifest is not None:
        if manifest["signature"] == "valid":
            st.success(t("backup.page.signature_ok"))
        else:
            st.error(t("backup.page.not_verified"))
        in_backup = {name: info["rows"] for name, info in manifest["tables"].items()}
        now = table_counts(engine)
        st.info(t("backup.page.summary", created_at=manifest.get("created_at", "?"),
                  source=manifest.get("source_database", "?"), revision=manifest.get("schema_revision") or "?",
                  rows=f"{sum(in_backup.values()):,}"))
        st.dataframe(pl.DataFrame({
            t("backup.page.col.table"): list(now),
            t("backup.page.col.in_backup"): [in_backup.get(n, 0) for n in now],
            t("backup.page.col.now"): list(now.values()),
        }), hide_index=True)
        st.warning(t("backup.page.warning"))
        confirmed = st.checkbox(t("backup.page.confirm"), key="backup_confirm")
        if st.button(t("backup.page.restore"), type="primary", disabled=not confirmed, key="backup_restore"):
            try:
                restore(engine, io.BytesIO(data), user=admin.name, trust_unsigned=trust)
            except BackupError as problem:
                st.error(t(problem.key, None, **problem.params))
            except PermissionDenied as refusal:  # e.g. this admin was disabled meanwhile
                st.error(t(refusal.key, **refusal.params(current_lang())))
            else:
                st.session_state[FLASH] = t("backup.page.restored", file=upload.name,
                                            rows=f"{sum(in_backup.values()):,}")
                st.session_state.pop("backup_confirm", None)
                st.session_state.pop("backup_trust", None)
                st.rerun()
