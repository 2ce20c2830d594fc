"""Admin · Backup & restore: download the whole database as one file; restore from an uploaded
backup after seeing what it holds and confirming. The work is done by data_access.backup."""
from __future__ import annotations

import io
from datetime import datetime

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.ui.login import require_admin
from data_access.backup import BackupError, backup_bytes, inspect_backup, restore, table_counts
from data_access.db import get_engine

engine = get_engine()
admin = require_admin(engine)
FLASH = "_admin_backup_flash"

st.title(t("backup.page.title"))
st.caption(t("backup.page.intro"))
if st.session_state.get(FLASH):
    st.success(st.session_state.pop(FLASH))

st.subheader(t("backup.page.download_title"))
if st.button(t("backup.page.prepare"), key="backup_prepare"):
    st.session_state["_backup_file"] = (f"plantkpi-backup-{datetime.now():%Y%m%d-%H%M}.zip", backup_bytes(engine))
prepared = st.session_state.get("_backup_file")
if prepared:
    name, data = prepared
    st.download_button(t("backup.page.download", file=name), data, file_name=name, mime="application/zip",
                       key="backup_download")

st.subheader(t("backup.page.restore_title"))
upload = st.file_uploader(t("backup.page.upload"), type=["zip"], key="backup_upload")
if upload is not None:
    data = upload.getvalue()
    try:
        manifest = inspect_backup(io.BytesIO(data), engine)
    except BackupError as problem:
        st.error(problem.message())
    else:
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
                restore(engine, io.BytesIO(data), user=admin.name)
            except BackupError as problem:
                st.error(problem.message())
            else:
                st.session_state[FLASH] = t("backup.page.restored", file=upload.name,
                                            rows=f"{sum(in_backup.values()):,}")
                st.session_state.pop("backup_confirm", None)
                st.rerun()
