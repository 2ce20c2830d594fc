"""`plantkpi serve` (what `make run` starts) listens on this machine only unless told otherwise: the demo
accounts' password is public, so a plant network must not reach a fresh demo by default."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.browser import free_port, wait_until_serving


def listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses with a socket in LISTEN state on `port`, read from /proc/net/tcp."""
    found = set()
    with open("/proc/net/tcp") as table:
        next(table)
        for row in table:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.slow
def test_serve_listens_on_loopback_by_default(tmp_path):
    port = free_port()
    env = dict(os.environ, PLANTKPI_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}")
    server = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
