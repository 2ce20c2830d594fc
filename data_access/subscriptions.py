"""Subscriptions (who receives what by e-mail) and the deliveries made for them (docs/report.md).

Permissions are checked here, below the UI (data_access.permissions): anyone may manage their own
subscriptions; only an admin (or the database owner, the command line) another user's; a fresh install
without accounts runs as its single admin. The schedule and
the mail itself are dashboard.notify's; this module only reads and writes rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import get_engine
from data_access.models import Delivery, Subscription, User, utcnow
from data_access.permissions import ensure_can_manage_subscriptions
from data_access.store import audit

WHATS = ("summary", "csat_weekly", "alert", "exceptions")
_SUBS = Subscription.__table__
_DELIVERIES = Delivery.__table__
_USERS = User.__table__
# One address, no display name: the part before @ and a domain with a dot (what a plant's mail server takes).
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class SubscriptionError(ValueError):
    """A refused subscription change; `key` and `params` name the message (dashboard.i18n)."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key} {params}")
        self.key, self.params = key, params


@dataclass(frozen=True)
class SubscriptionRow:
    id: int
    user_name: str
    what: str
    kpi: str
    email: str
    lang: str
    created_by: str
    created_at: datetime
    last_period: str | None = None   # the newest delivery's period
    last_status: str | None = None   # sent | failed
    last_error: str = ""
    attempts: int = 0


def _account_exists(conn, name: str) -> bool:
    """True when `name` is an account, or when there are no accounts yet (a single-user install)."""
    if not conn.execute(sa.select(sa.func.count()).select_from(_USERS)).scalar():
        return True
    return conn.execute(sa.select(_USERS.c.name).where(_USERS.c.name == name)).first() is not None


def _check_actor(conn, actor: str, user_name: str) -> None:
    """Raises PermissionDenied (data_access.permissions: own subscriptions, or an admin's); the command line
    passes permissions.database_owner()."""
    ensure_can_manage_subscriptions(conn, actor, user_name)


def add_subscription(engine: Engine | None, actor: str, user_name: str, what: str, email: str,
                     kpi: str = "", known_kpis: tuple[str, ...] = ()) -> int:
    """Subscribe `user_name` (the actor themself, or anyone when the actor is an admin); returns the id."""
    engine = engine or get_engine()
    email = (email or "").strip()
    if what not in WHATS:
        raise SubscriptionError("notify.err.what", value=what, choices=", ".join(WHATS))
    if not _EMAIL.match(email) or len(email) > 254:
        raise SubscriptionError("notify.err.email", value=email)
    kpi = (kpi or "").strip() if what == "alert" else ""
    if what == "alert" and (not kpi or (known_kpis and kpi not in known_kpis)):
        raise SubscriptionError("notify.err.kpi", value=kpi or "—")
    with engine.begin() as conn:
        _check_actor(conn, actor, user_name)
        if not _account_exists(conn, user_name):
            raise SubscriptionError("notify.err.unknown_user", user=user_name)
        exists = conn.execute(sa.select(_SUBS.c.id).where(
            (_SUBS.c.user_name == user_name) & (_SUBS.c.what == what) & (_SUBS.c.kpi == kpi)
            & (_SUBS.c.email == email))).scalar()
        if exists is not None:
            raise SubscriptionError("notify.err.duplicate", id=exists)
        new_id = conn.execute(sa.insert(_SUBS).values(user_name=user_name, what=what, kpi=kpi, email=email,
                                                      created_by=actor,
                                                      created_at=utcnow())).inserted_primary_key[0]
        audit(conn, actor, "subscription_add", detail={"id": new_id, "user": user_name, "what": what, "kpi": kpi,
                                                       "email": email})
    return int(new_id)


def remove_subscription(engine: Engine | None, actor: str, subscription_id: int) -> None:
    engine = engine or get_engine()
    with engine.begin() as conn:
        row = conn.execute(sa.select(_SUBS).where(_SUBS.c.id == subscription_id)).first()
        if row is None:
            raise SubscriptionError("notify.err.no_such", id=subscription_id)
        _check_actor(conn, actor, row.user_name)
        conn.execute(sa.delete(_DELIVERIES).where(_DELIVERIES.c.subscription_id == subscription_id))
        conn.execute(sa.delete(_SUBS).where(_SUBS.c.id == subscription_id))
        audit(conn, actor, "subscription_remove", detail={"id": subscription_id, "user": row.user_name,
                                                          "what": row.what, "kpi": row.kpi, "email": row.email})


def list_subscriptions(engine: Engine | None = None, user_name: str | None = None) -> list[SubscriptionRow]:
    """Every subscription (or one user's), with the user's language and the newest delivery's state."""
    engine = engine or get_engine()
    newest = (sa.select(_DELIVERIES.c.subscription_id, sa.func.max(_DELIVERIES.c.id).label("last_id"))
              .group_by(_DELIVERIES.c.subscription_id).subquery())
    query = (sa.select(_SUBS, _USERS.c.lang, _DELIVERIES.c.period, _DELIVERIES.c.status, _DELIVERIES.c.last_error,
                       _DELIVERIES.c.attempts)
             .select_from(_SUBS.outerjoin(_USERS, _USERS.c.name == _SUBS.c.user_name)
                          .outerjoin(newest, newest.c.subscription_id == _SUBS.c.id)
                          .outerjoin(_DELIVERIES, _DELIVERIES.c.id == newest.c.last_id))
             .order_by(_SUBS.c.user_name, _SUBS.c.what, _SUBS.c.id))
    if user_name is not None:
        query = query.where(_SUBS.c.user_name == user_name)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [SubscriptionRow(r.id, r.user_name, r.what, r.kpi, r.email, r.lang or "en", r.created_by, r.created_at,
                            r.period, r.status, r.last_error or "", int(r.attempts or 0)) for r in rows]


STALE_CLAIM_MINUTES = 15  # a run that died while sending: its claim lapses and the next run retries


def claim_delivery(engine: Engine, subscription_id: int, period: str) -> bool:
    """Take the right to send one subscription's mail for one period: False when it was sent already
    or another notify run is sending it right now (so two overlapping runs never send twice)."""
    now = utcnow()
    with engine.begin() as conn:
        found = conn.execute(sa.select(_DELIVERIES.c.id, _DELIVERIES.c.status, _DELIVERIES.c.updated_at).where(
            (_DELIVERIES.c.subscription_id == subscription_id) & (_DELIVERIES.c.period == period))
            .with_for_update()).first()
        if found is None:
            try:
                with conn.begin_nested():
                    conn.execute(sa.insert(_DELIVERIES).values(subscription_id=subscription_id, period=period,
                                                               status="sending", attempts=0, updated_at=now))
            except sa.exc.IntegrityError:  # another run inserted it between our read and our insert
                return False
            return True
        if found.status == "sent":
            return False
        updated = found.updated_at if found.updated_at.tzinfo else found.updated_at.replace(tzinfo=now.tzinfo)
        if found.status == "sending" and (now - updated).total_seconds() < STALE_CLAIM_MINUTES * 60:
            return False
        conn.execute(sa.update(_DELIVERIES).where(_DELIVERIES.c.id == found.id)
                     .values(status="sending", updated_at=now))
        return True


def finish_delivery(engine: Engine, subscription_id: int, period: str, error: str | None) -> None:
    """Record the attempt a claim was taken for: sent (error None) or failed, to be retried next run."""
    status, message = ("sent", "") if error is None else ("failed", error[:500])
    with engine.begin() as conn:
        conn.execute(sa.update(_DELIVERIES).where(
            (_DELIVERIES.c.subscription_id == subscription_id) & (_DELIVERIES.c.period == period))
            .values(status=status, last_error=message, attempts=_DELIVERIES.c.attempts + 1, updated_at=utcnow()))


def delivery_status(engine: Engine, subscription_id: int, period: str) -> str | None:
    """'sending', 'sent', 'failed' or None (not tried yet) for one subscription and period."""
    with engine.connect() as conn:
        return conn.execute(sa.select(_DELIVERIES.c.status).where(
            (_DELIVERIES.c.subscription_id == subscription_id) & (_DELIVERIES.c.period == period))).scalar()
