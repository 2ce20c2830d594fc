"""The latest stored rows of a kind, editable in st.data_editor (docs/architecture.md "Pages":
recent rows editable, audited). Nothing is written while the clerk types: "Save changes" sends the changed cells
through the pipeline (apply_edits: the upload's validation), which writes them as one batch with
before/after in the audit log, or refuses everything and says why, per record and column."""
from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.ui.upload_wizard import bump_nonce, set_flash, show_flash, show_problems
from data_access.ingest import apply_edits, recent_rows
from data_access.kinds import Field, Kind

EDIT_LIMIT = 200


def column_config(kind: Kind, lang: str) -> dict:
    """Labels in the user's language; the cell editors follow the declared types."""
    cc = st.column_config
    config = {"id": cc.NumberColumn(t("input.edit.id", lang), disabled=True, format="%d")}
    for f in kind.fields:
        label = f.label(lang) + (" *" if f.required else "")
        common = {"label": label, "help": f"{f.name}", "required": f.required}
        config[f.name] = _column(cc, f, common)
    return config


def _column(cc, f: Field, common: dict):
    """The cell editor of the field's widget (data_access.kinds.field_types)."""
    widget = f.field_type.widget
    if widget == "choice":
        return cc.SelectboxColumn(options=list(f.choices), **common)
    if widget == "checkbox":
        return cc.CheckboxColumn(**common)
    if widget in ("whole", "number"):
        return cc.NumberColumn(step=1 if widget == "whole" else None, **common)
    if widget == "date":
        return cc.DateColumn(format="YYYY-MM-DD", **common)
    if widget == "datetime":
        return cc.DatetimeColumn(format="YYYY-MM-DD HH:mm", **common)
    if widget == "time":
        return cc.TimeColumn(format="HH:mm", **common)
    return cc.TextColumn(max_chars=f.max_len if f.field_type.text else None, **common)


def changed_records(rows, edited, edit_state: dict) -> list[dict]:
    """{id, changed field: new value} per edited row. Values come from the returned frame, where
    Streamlit has already turned the editor's text back into the column's type."""
    records = []
    for position, cells in (edit_state or {}).get("edited_rows", {}).items():
        position = int(position)
        record = {"id": int(rows.get_column("id")[position])}
        for name in cells:
            if name in edited.columns and name != "id":
                record[name] = edited.get_column(name)[position]
        if len(record) > 1:
            records.append(record)
    return records


def latest_rows_editor(engine: Engine, kind: Kind, department: str, user, lang: str) -> None:
    show_flash(f"{kind.name}_edit")
    rows = recent_rows(engine, kind.name, EDIT_LIMIT)
    if rows.height == 0:
        st.info(t("input.edit.empty", lang))
        return
    st.caption(t("input.edit.intro", lang, rows=rows.height))
    nonce_key = f"input_edit_nonce_{kind.name}"
    key = f"input_editor_{kind.name}_{st.session_state.get(nonce_key, 0)}"
    edited = st.data_editor(rows, key=key, hide_index=True, num_rows="fixed", width="stretch",
                            column_config=column_config(kind, lang), disabled=["id"])
    changes = changed_records(rows, edited, st.session_state.get(key))
    if changes:
        st.caption(t("input.edit.pending", lang, rows=len(changes)))
    save, discard = st.columns([1, 4])
    if discard.button(t("input.edit.discard", lang), key=f"{key}_discard", disabled=not changes):
        bump_nonce(nonce_key)
        st.rerun()
    if not save.button(t("input.edit.save", lang), type="primary", key=f"{key}_save", disabled=not changes,
                       icon=":material/save:"):
        return
    result = apply_edits(engine, kind.name, changes, user.name)
    if result.written:
        set_flash(f"{kind.name}_edit", "success", t("input.edit.saved", lang, batch=result.batch_id,
                                                    rows=result.rows_written))
        bump_nonce(nonce_key)
        st.rerun()
    if not result.problems:  # the cells were changed back to what is stored
        st.info(t("input.edit.nothing", lang))
        return
    st.error(t("input.edit.rejected", lang, problems=len(result.errors)))
    show_problems(result.problems, lang, row_label_key="input.problems.record", kind=kind)
