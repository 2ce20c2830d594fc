"""The upload history of a kind with undo (docs/architecture.md "Ingestion"): every batch (uploads,
forms, edits, CLI) with
who, when, file, rows and what it replaced; undo asks for confirmation first, then deletes the
batch's rows and restores what it replaced (data_access.ingest.undo_batch decides and refuses).

Two guards against undoing the wrong batch (issue 14): the picker starts empty every time (never
a pre-selected batch, also not after an undo), and a batch of more than LARGE_BATCH_ROWS rows is
only undone after the clerk types its number."""
from __future__ import annotations

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.ingest_messages import render
from dashboard.ui.plain_text import plain
from dashboard.ui.upload_wizard import set_flash, show_flash
from data_access.ingest import list_batches, undo_batch
from data_access.ingest.commit import local_time
from data_access.kinds import Kind

HISTORY_LIMIT = 100
LARGE_BATCH_ROWS = 1_000
SOURCES = ("upload", "cli", "form", "edit", "seed", "restore")


def source_label(source: str | None, lang: str) -> str:
    return t(f"input.history.source.{source}", lang) if source in SOURCES else (source or "")


def status_label(batch: dict, lang: str) -> str:
    if batch["undone_at"] is None:
        return t("input.history.live", lang)
    return t("input.history.undone", lang, user=batch["undone_by"] or "?", when=local_time(batch["undone_at"]))


def history_frame(batches: list[dict], lang: str) -> pl.DataFrame:
    columns = {
        "input.history.col.batch": [b["id"] for b in batches],
        "input.history.col.when": [local_time(b["created_at"]) for b in batches],
        "input.history.col.user": [b["user"] for b in batches],
        "input.history.col.source": [source_label(b["source"], lang) for b in batches],
        "input.history.col.file": [b["file_name"] or "" for b in batches],
        "input.history.col.rows": [b["rows"] for b in batches],
        "input.history.col.replaced": [b["replaced"] for b in batches],
        "input.history.col.status": [status_label(b, lang) for b in batches],
    }
    return pl.DataFrame({t(key, lang): values for key, values in columns.items()})


def batch_choice(batch: dict, lang: str) -> str:
    return t("input.history.choice", lang, batch=batch["id"], when=local_time(batch["created_at"]),
             source=source_label(batch["source"], lang), file=batch["file_name"] or "", rows=batch["rows"])


def upload_history(engine: Engine, kind: Kind, department: str, user, lang: str) -> None:
    show_flash(f"{kind.name}_history")
    batches = list_batches(engine, kind=kind.name, limit=HISTORY_LIMIT)
    if not batches:
        st.info(t("input.history.empty", lang))
        return
    st.caption(t("input.history.intro", lang))
    st.dataframe(history_frame(batches, lang), hide_index=True, width="stretch")
    live = {b["id"]: b for b in batches if b["undone_at"] is None}
    if not live:
        return
    pending_key, pick_key = f"input_undo_pending_{kind.name}", f"input_undo_pick_{kind.name}"
    typed_key = f"input_undo_typed_{kind.name}"
    pending = st.session_state.get(pending_key)
    if pending not in live:
        st.session_state.pop(pending_key, None)
        if st.session_state.get(pick_key) not in live:
            st.session_state.pop(pick_key, None)  # an undone or vanished batch is not kept as the choice
        choice = st.selectbox(t("input.history.pick", lang), list(live), index=None,
                              placeholder=t("input.history.pick_placeholder", lang),
                              format_func=lambda i: batch_choice(live[i], lang), key=pick_key)
        if st.button(t("input.history.undo", lang), key=f"input_undo_{kind.name}", icon=":material/undo:",
                     disabled=choice is None):
            st.session_state[pending_key] = choice
            st.session_state.pop(typed_key, None)
            st.rerun()
        return
    # The confirmation step: say exactly what undo will do before doing it.
    batch = live[pending]
    st.warning(t("input.history.confirm", lang, batch=batch["id"], rows=batch["rows"], replaced=batch["replaced"],
                 when=local_time(batch["created_at"]), user=plain(batch["user"]),
                 file=plain(batch["file_name"] or source_label(batch["source"], lang))))
    unlocked = True
    if batch["rows"] > LARGE_BATCH_ROWS:  # one click must not delete a season of history
        typed = st.text_input(t("input.history.type_number", lang, rows=f"{batch['rows']:,}", batch=batch["id"]),
                              key=typed_key)
        unlocked = typed.strip().lstrip("#") == str(batch["id"])
        if typed.strip() and not unlocked:
            st.caption(t("input.history.type_number_wrong", lang, batch=batch["id"]))
    yes, no = st.columns([1, 4])
    if yes.button(t("input.history.confirm_yes", lang, batch=batch["id"]), type="primary",
                  key=f"input_undo_yes_{kind.name}", disabled=not unlocked):
        for key in (pending_key, pick_key, typed_key):
            st.session_state.pop(key, None)
        result = undo_batch(engine, batch["id"], user.name)
        set_flash(f"{kind.name}_history", "success" if result.ok else "error", render(result.text, lang))
        st.rerun()
    if no.button(t("input.history.cancel", lang), key=f"input_undo_no_{kind.name}"):
        for key in (pending_key, pick_key, typed_key):
            st.session_state.pop(key, None)
        st.rerun()
