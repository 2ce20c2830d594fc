"""Database tables.

Each data kind's table is generated from its declaration in `data_access.kinds` (one source of
truth), with real constraints: unique natural key, foreign keys to master data, non-negative
quantities, enumerations and the cross-field rules as CHECK constraints. The system tables
(batches, audit, users, ...) are plain SQLModel classes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from data_access.kinds import KINDS, Kind
from data_access.kinds.base import Field, stores_empty_as_blank  # noqa: F401  (re-exported: ingest, store)

metadata = SQLModel.metadata


def utcnow() -> datetime:
    """Timestamps are stored timezone-aware in UTC (SQLModel's UTCDateTime requires it)."""
    return datetime.now(timezone.utc)

# -------------------------------------------------------------------- system tables


class DataVersion(SQLModel, table=True):
    """One row; every write bumps `version` in its own transaction (docs/architecture.md "Ingestion")
    and draws a new random `stamp`: (version, stamp) names one state of the data (data_access.snapshots)."""

    __tablename__ = "data_version"
    id: int = SQLField(default=1, primary_key=True)
    version: int = SQLField(default=0)
    stamp: Optional[str] = SQLField(default=None, max_length=32)


class Batch(SQLModel, table=True):
    """One upload, form entry, edit or seed load: the unit of undo."""

    __tablename__ = "batches"
    __table_args__ = (
        # The same file twice is refused by the database too, even from two processes at once.
        sa.Index(
            "uq_batches_live_file", "kind", "sha256", unique=True,
            sqlite_where=sa.text("sha256 IS NOT NULL AND undone_at IS NULL"),
            postgresql_where=sa.text("sha256 IS NOT NULL AND undone_at IS NULL"),
        ),
    )
    id: int | None = SQLField(default=None, primary_key=True)
    kind: str = SQLField(max_length=40, index=True)
    department: str = SQLField(max_length=40)
    user: str = SQLField(max_length=80)
    source: str = SQLField(max_length=20)  # upload | form | edit | cli | seed
    file_name: str | None = SQLField(default=None, max_length=255)
    sha256: str | None = SQLField(default=None, max_length=64)
    rows: int = 0
    replaced: int = 0
    mode: str = SQLField(default="strict", max_length=20)  # strict | valid_only | replace
    created_at: datetime = SQLField(default_factory=utcnow)
    undone_at: datetime | None = None
    undone_by: str | None = SQLField(default=None, max_length=80)


class ReplacedRow(SQLModel, table=True):
    """A row that a `replace` batch overwrote, kept so that undo can restore it."""

    __tablename__ = "replaced_rows"
    id: int | None = SQLField(default=None, primary_key=True)
    batch_id: int = SQLField(foreign_key="batches.id", index=True)
    kind: str = SQLField(max_length=40)
    row_json: str


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = SQLField(default=None, primary_key=True)
    at: datetime = SQLField(default_factory=utcnow, index=True)
    user: str = SQLField(max_length=80, index=True)
    action: str = SQLField(max_length=40)  # import | form | edit | undo | master | user | restore ...
    kind: str | None = SQLField(default=None, max_length=40)
    batch_id: int | None = None
    detail: str = ""  # JSON: what changed
    # The operating-system user of the process that wrote the entry (the CLI's shell user, the
    # app server's service user), recorded beside the account name (issue 14).
    os_user: str | None = SQLField(default=None, max_length=80)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=80, unique=True)
    password_hash: str = SQLField(max_length=255)
    role: str = SQLField(max_length=20)  # admin | executive | manager | clerk
    department: str | None = SQLField(default=None, max_length=40)
    lang: str = SQLField(default="en", max_length=5)
    failed_logins: int = 0
    locked_until: datetime | None = None
    demo: bool = False
    created_at: datetime = SQLField(default_factory=utcnow)
    # A disabled account cannot sign in or write; it keeps its name in the history (issue 14).
    disabled: bool = SQLField(default=False, sa_column_kwargs={"server_default": sa.false()})


class UserSession(SQLModel, table=True):
    """A signed-in browser (issue 14): the cookie holds the token, this row only its SHA-256.

    Bound to the account's credentials at sign-in (`credential_fingerprint`, a hash of the stored
    password hash): a password change ends every session of the account. See data_access.sessions."""

    __tablename__ = "sessions"
    id: int | None = SQLField(default=None, primary_key=True)
    token_hash: str = SQLField(max_length=64, unique=True)
    username: str = SQLField(max_length=80, index=True)
    credential_fingerprint: str = SQLField(max_length=64)
    created_at: datetime = SQLField(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class MappingPreset(SQLModel, table=True):
    """Hand-made column mapping, saved per department and kind (docs/architecture.md "Ingestion")."""

    __tablename__ = "mapping_presets"
    __table_args__ = (sa.UniqueConstraint("department", "kind"),)
    id: int | None = SQLField(default=None, primary_key=True)
    department: str = SQLField(max_length=40)
    kind: str = SQLField(max_length=40)
    mapping_json: str
    updated_at: datetime = SQLField(default_factory=utcnow)


class Commentary(SQLModel, table=True):
    """The statistics office's note on a month, shown in the executive summary and its exports."""

    __tablename__ = "commentary"
    month: str = SQLField(primary_key=True, max_length=7)
    text: str = ""
    updated_by: str = SQLField(default="", max_length=80)
    updated_at: datetime = SQLField(default_factory=utcnow)


class ExceptionAck(SQLModel, table=True):
    """A manager's acknowledgement of an open exception (dashboard.exceptions): hidden from the list
    while its measure is no worse than `measure` was when acknowledged."""

    __tablename__ = "exception_acks"
    id: int | None = SQLField(default=None, primary_key=True)
    key: str = SQLField(max_length=200, index=True)
    measure: float
    comment: str = ""
    acknowledged_by: str = SQLField(max_length=80)
    acknowledged_at: datetime = SQLField(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    """What a user receives by e-mail (docs/report.md): the monthly summary PDF, the weekly
    customer-satisfaction report, or an alert when a KPI is off target."""

    __tablename__ = "subscriptions"
    __table_args__ = (sa.UniqueConstraint("user_name", "what", "kpi", "email"),)
    id: int | None = SQLField(default=None, primary_key=True)
    user_name: str = SQLField(max_length=80, index=True)
    what: str = SQLField(max_length=20)  # summary | csat_weekly | alert
    kpi: str = SQLField(default="", max_length=40)  # alerts only ('' otherwise, so the unique key holds)
    email: str = SQLField(max_length=254)
    created_by: str = SQLField(max_length=80)
    created_at: datetime = SQLField(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """One mail due for one subscription and period ("2026-11", "2026-W48"): written before the send
    is tried, so `plantkpi notify` run every few minutes never sends twice and retries a failed one."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "period"),)
    id: int | None = SQLField(default=None, primary_key=True)
    subscription_id: int = SQLField(foreign_key="subscriptions.id", index=True)
    period: str = SQLField(max_length=40)
    status: str = SQLField(max_length=10)  # sending | sent | failed
    attempts: int = 0
    last_error: str = SQLField(default="", max_length=500)
    updated_at: datetime = SQLField(default_factory=utcnow)


# -------------------------------------------------------------------- kind tables
def _column(kind: Kind, f: Field) -> sa.Column:
    args: list = [f.name, f.field_type.sql(f)]
    targets = f.ref_targets
    if len(targets) == 1 and not stores_empty_as_blank(kind, f):
        table, column = targets[0]
        args.append(sa.ForeignKey(f"{table}.{column}"))
    nullable = not f.required and not stores_empty_as_blank(kind, f)
    return sa.Column(*args, nullable=nullable,
                     server_default=sa.text("''") if stores_empty_as_blank(kind, f) else None,
                     comment=f"{f.en} / {f.zh}")


def _checks(kind: Kind) -> list[sa.CheckConstraint]:
    out = []
    for f in kind.fields:
        col = f'"{f.name}"'
        if f.min is not None:
            out.append(sa.CheckConstraint(f"{col} >= {f.min:g}", name=f"ck_{kind.name}_{f.name}_min"))
        if f.max is not None:
            out.append(sa.CheckConstraint(f"{col} <= {f.max:g}", name=f"ck_{kind.name}_{f.name}_max"))
        if f.field_type.closed:
            choices = ", ".join(f"'{c}'" for c in f.choices)
            out.append(sa.CheckConstraint(f"{col} IN ({choices})", name=f"ck_{kind.name}_{f.name}_enum"))
    for rule in kind.rules:
        if rule.sql and not rule.warning:
            out.append(sa.CheckConstraint(rule.sql, name=f"ck_{kind.name}_{rule.id}"))
    return out


def _kind_table(kind: Kind) -> sa.Table:
    extra: list = [sa.UniqueConstraint(*kind.key, name=f"uq_{kind.name}_key")]
    extra += _checks(kind)
    for columns, target in kind.composite_refs:
        extra.append(sa.ForeignKeyConstraint(list(columns), [f"{target}.{c}" for c in columns],
                                             name=f"fk_{kind.name}_{target}"))
    if kind.date_field:
        extra.append(sa.Index(f"ix_{kind.name}_{kind.date_field}", kind.date_field))
    return sa.Table(
        kind.name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False, index=True),
        *[_column(kind, f) for f in kind.fields],
        *extra,
        comment=f"{kind.en} / {kind.zh}",
    )


KIND_TABLES: dict[str, sa.Table] = {name: _kind_table(kind) for name, kind in KINDS.items()}


def kind_table(name: str) -> sa.Table:
    return KIND_TABLES[name]


__all__ = ["AuditEntry", "Batch", "Commentary", "DataVersion", "KIND_TABLES", "MappingPreset", "ReplacedRow",
           "User", "UserSession", "kind_table", "metadata", "stores_empty_as_blank", "utcnow"]
