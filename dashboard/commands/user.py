"""`plantkpi user add NAME --role R [--department D] [--password P]` (README "Accounts", docs/auth.md):
the accounts themselves are dashboard.auth's; this is the command line around them."""
from __future__ import annotations

import getpass
import os
import sys

from sqlalchemy.engine import Engine

from dashboard.auth import AuthProblem, check_role, clean_name, create_user, get_user
from dashboard.commands.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


def _ask_password() -> str:
    first = getpass.getpass(t("auth.cli.password_prompt", "en"))
    second = getpass.getpass(t("auth.cli.password_repeat", "en"))
    if first != second:
        raise AuthProblem("auth.error.password_mismatch")
    return first


def user_command(args, engine: Engine) -> int:
    """`plantkpi user add NAME --role R [--department D] [--password P]`: 0 created, 2 refused."""
    from data_access.db import init_db

    if getattr(args, "user_command", None) != "add":
        print(f"plantkpi user: unknown command {args.user_command!r}", file=sys.stderr)
        return EXIT_FAILED
    try:
        # Refuse bad input before asking for a password.
        name = clean_name(args.name)
        check_role(args.role, args.department)
        init_db(engine)  # `user add` may be the first command of a fresh install
        if get_user(engine, name) is not None:
            raise AuthProblem("auth.error.duplicate", name=name)
        password = args.password if args.password is not None else (
            os.environ.get("PLANTKPI_PASSWORD") or _ask_password())
        user = create_user(engine, name, password, args.role, args.department, by=_cli_actor())
    except AuthProblem as problem:
        print(f"plantkpi user add: {problem.message('en')}", file=sys.stderr)
        return EXIT_REJECTED
    print(t("auth.cli.created", "en", name=user.name, role=user.role,
            department=f" ({user.department})" if user.department else ""))
    return EXIT_OK
