"""The command line's identity and `plantkpi user …` (README "Command line", issue 14; docs/auth.md "Command line").

Who the CLI acts as:
- without `--user`: the database owner (data_access.permissions.DatabaseOwner), recorded as
  "owner:<operating-system user>". Whoever can read the database URL or file could change the
  tables directly, so the CLI does not pretend to check them; `plantkpi user …`, `restore` and
  `init` always act this way.
- `plantkpi import … --user NAME`: when accounts exist, NAME must authenticate (the same check,
  lock-out included, as the sign-in page), and the import is checked and recorded as NAME.
Either way every audit entry also records the operating-system user (audit_log.os_user).

Passwords are read, in this order: `--password` (user add/passwd only; visible in the shell
history), PLANTKPI_PASSWORD, a prompt when stdin is a terminal, else one line from stdin.
"""
from __future__ import annotations

import getpass
import os
import sys

from sqlalchemy.engine import Engine

from dashboard.auth import (AuthProblem, authenticate, check_role, clean_name, create_user, delete_user,
                            has_accounts, reset_password, set_disabled, unlock_user)
from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t
from data_access import users as user_rows
from data_access.permissions import database_owner

PASSWORD_ENV = "PLANTKPI_PASSWORD"


def read_password(prompt: str, *, confirm: bool = False, lang: str = "en") -> str:
    """PLANTKPI_PASSWORD, else typed at the terminal (twice with confirm), else one line of stdin."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    stream = sys.stdin
    if stream is not None and stream.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass(t("auth.cli.password_repeat", lang)) != first:
            raise AuthProblem("auth.error.password_mismatch")
        return first
    line = stream.readline() if stream is not None else ""
    if not line:
        raise AuthProblem("cli.user.no_password")
    return line.rstrip("\r\n")


def cli_actor(engine: Engine, name: str | None, lang: str = "en") -> str:
    """The caller a writing command acts as: the database owner without --user; the account NAME
    once its password checks out (or NAME as given while no account exists at all)."""
    if name is None:
        return database_owner()
    name = clean_name(name)
    if not has_accounts(engine):
        return name  # a single-user install: nothing to check it against, everyone may write
    password = read_password(t("cli.password_for", lang, name=name), lang=lang)
    result = authenticate(engine, name, password)
    if not result.ok:
        raise result.problem
    return result.user.name


def _new_password(args, lang: str) -> str:
    if getattr(args, "password", None) is not None:
        return args.password
    return read_password(t("auth.cli.password_prompt", lang), confirm=True, lang=lang)


def _status(row: user_rows.UserRow, lang: str) -> str:
    from datetime import UTC, datetime

    parts = [t("cli.user.status.disabled" if row.disabled else "cli.user.status.active", lang)]
    if row.locked_until is not None and row.locked_until > datetime.now(UTC):
        parts.append(t("cli.user.status.locked", lang, until=row.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")))
    if row.demo:
        parts.append(t("cli.user.status.demo", lang))
    return ", ".join(parts)


def _list(engine: Engine, lang: str) -> None:
    with engine.connect() as conn:
        rows = user_rows.list_users(conn)
    if not rows:
        print(t("cli.user.none", lang))
        return
    table = [t("cli.user.list_header", lang).split("|")] + [
        [r.name, r.role, r.department or "", _status(r, lang), str(r.failed_logins),
         r.created_at.astimezone().strftime("%Y-%m-%d")] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def user_command(args, engine: Engine) -> int:
    """`plantkpi user add|list|passwd|unlock|disable|enable|remove`, as the database owner:
    0 done, 2 refused (the reason printed in --lang)."""
    from data_access.db import ensure_writable, init_db

    lang, command = args.lang, args.user_command
    owner = database_owner()
    try:
        init_db(engine)  # `user add` may be the first command of a fresh install
        if command == "list":
            _list(engine, lang)
            return EXIT_OK
        ensure_writable(engine)  # a read-only database: refused before a password is asked (cli.main)
        name = clean_name(args.name)
        if command == "add":
            check_role(args.role, args.department)  # bad input is refused before a password is asked
            with engine.connect() as conn:
                if user_rows.get_user(conn, name) is not None:
                    raise AuthProblem("auth.error.duplicate", name=name)
            user = create_user(engine, name, _new_password(args, lang), args.role, args.department, by=owner)
            print(t("auth.cli.created", lang, name=user.name, role=user.role,
                    department=f" ({user.department})" if user.department else ""))
            return EXIT_OK
        with engine.connect() as conn:
            if user_rows.get_user(conn, name) is None:
                raise AuthProblem("auth.error.unknown_user", name=name)
        if command == "passwd":
            reset_password(engine, name, _new_password(args, lang), by=owner)
            done = "cli.user.password_done"
        elif command == "unlock":
            unlock_user(engine, name, by=owner)
            done = "cli.user.unlocked_done"
        elif command in ("disable", "enable"):
            set_disabled(engine, name, command == "disable", by=owner)
            done = f"cli.user.{command}d_done"
        else:  # remove
            delete_user(engine, name, by=owner)
            done = "cli.user.removed_done"
    except AuthProblem as problem:
        print(f"plantkpi user {command}: {problem.message(lang)}", file=sys.stderr)
        return EXIT_REJECTED
    print(t(done, lang, name=name))
    return EXIT_OK
