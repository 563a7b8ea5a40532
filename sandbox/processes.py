"""Process and port helpers of the sandbox operator (Linux ``/proc`` based).

The sandbox starts each server in its own session, so a server and its children form one
process group that :func:`terminate` stops as a whole.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from pathlib import Path

__all__ = [
    "HOST",
    "cmdline",
    "free_ports",
    "greets",
    "group_members",
    "log_tail",
    "port_open",
    "process_alive",
    "terminate",
]

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (released again: bind them soon)."""
    # Hold every socket until all are chosen so that the ports differ.
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_open(port: int, host: str = HOST) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def greets(port: int, expected: bytes, timeout: float = 5.0) -> bool:
    """Whether the server on ``port`` greets with ``expected`` (IMAP, SMTP, LMTP)."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            return sock.recv(64).startswith(expected)
    except OSError:
        return False


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive for our purpose.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    """The command line of ``pid`` (spaces between arguments), or ``""``."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""




def terminate(name: str, pid: int, timeout: float = 5.0) -> None:
    """SIGTERM the process group ``pid`` leads (started with a new session), then SIGKILL.

    ``name`` is only for the log.
    """
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        return
    target_group = pgid == pid
    try:
        if target_group:
            os.killpg(pgid, signal.SIGTERM)
        else:
            os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process_alive(pid):
        time.sleep(0.05)
    if process_alive(pid):
        logger.warning("%s (pid %d) ignored SIGTERM: killing it", name, pid)
        with contextlib.suppress(ProcessLookupError):
            if target_group:
                os.killpg(pgid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
    # Dovecot's children leave with their master; make sure none is left in the group.
    if target_group:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and group_members(pgid):
            time.sleep(0.05)
        if group_members(pgid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)


def group_members(pgid: int) -> list[int]:
    """Live processes of the process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members
