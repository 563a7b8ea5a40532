"""A virtual PC/SC reader for insertion and removal events: pcscd + vpcd + a tiny vicc.

* pcscd: one per machine. A running one is reused; otherwise ``pcscd -f`` is started
  (detached, so that ``python -m sandbox insert`` can return) and only that one is
  stopped by :meth:`VirtualReader.stop`.
* vpcd (Debian ``vsmartcard-vpcd``): the pcscd driver configured in
  ``/etc/reader.conf.d/vpcd`` exposes two readers, "Virtual PCD 00 00" and "Virtual PCD 00
  01", listening on TCP ports CHANNELID and CHANNELID + 1 (0x8C7B = 35963 by default).
* vicc: a card is "inserted" by connecting to a reader's port and answering vpcd's
  protocol (2-byte big-endian length, then either a 1-byte control code, 0 power off,
  1 power on, 2 reset, 4 "send the ATR", or a command APDU), and "removed" by closing the
  connection. Debian's ``python3-virtualsmartcard`` speaks the same protocol but needs
  pycryptodome and cannot present an arbitrary ATR; this module's vicc presents the CPS
  or Vitale ATR (:mod:`cps.atr`) and answers every APDU ``6D 00`` (instruction not
  supported): the card's keys live in SoftHSM2, the reader only makes the events.

State (pids) lives in the directory so that separate processes can insert and remove.
Command line: ``python -m sandbox.reader start|insert|remove|stop|status --dir DIR``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cps.atr import ATR_CPS3, ATR_CPS4, ATR_VITALE
from sandbox.processes import process_alive

__all__ = [
    "ATRS",
    "SHARED_LOCK",
    "ReaderError",
    "VirtualReader",
    "vpcd_base_port",
]

logger = logging.getLogger(__name__)

VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
#: The lock test sessions hold while they use the virtual readers. vpcd offers one
#: channel per machine (a second reader.conf entry shows the same card in both), so the
#: demo's card yields to a test session: it leaves the reader while the lock is held and
#: comes back after (``make demo`` and ``make test`` can run at the same time).
SHARED_LOCK = Path("/tmp/mssante-companion-vpcd.lock")
_SETTINGS_FILE = "reader.json"
_YIELD_POLL = 0.3
DEFAULT_PORT = 0x8C7B
SLOTS = 2
_ROOT = Path(__file__).resolve().parent.parent

#: The ATR the virtual card presents for each kind.
ATRS: dict[str, bytes] = {
    "cps": ATR_CPS3,
    "cps3": ATR_CPS3,
    "cps4": ATR_CPS4,
    "vitale": ATR_VITALE,
    # A YubiKey 4: a smart card that is neither a CPS nor a Vitale.
    "other": bytes.fromhex("3BF813000081 31FE15597562696B657934D4".replace(" ", "")),
}

_VPCD_ON, _VPCD_OFF, _VPCD_RESET, _VPCD_ATR = 1, 0, 2, 4


class ReaderError(RuntimeError):
    """The virtual reader cannot be set up (pcscd, vpcd or vicc)."""


def vpcd_base_port(conf: Path = VPCD_CONF) -> int:
    """The TCP port of vpcd's first reader (CHANNELID of its reader.conf)."""
    try:
        text = conf.read_text(encoding="utf-8")
    except OSError:
        return DEFAULT_PORT
    match = re.search(r"^\s*CHANNELID\s+(0x[0-9A-Fa-f]+|\d+)", text, re.MULTILINE)
    return int(match.group(1), 0) if match else DEFAULT_PORT


def _pcsc_readers() -> list[str] | None:
    """Reader names, or None when no PC/SC service answers."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_S_SUCCESS:
            return list(readers)
        return []
    finally:
        scard.SCardReleaseContext(context)


def _card_present(reader: str) -> bool:
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        hresult, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if hresult != scard.SCARD_S_SUCCESS:
            return False
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


class VirtualReader:
    """pcscd + vpcd's two readers + one vicc process per inserted card."""

    def __init__(self, directory: Path, *, port: int | None = None,
                 yield_to: Path | None = None) -> None:
        """``yield_to``: a lock file; while another program holds it, this reader's cards
        step out (the demo yields to test sessions with :data:`SHARED_LOCK`). A reader
        directory remembers it, so ``python -m sandbox insert`` behaves the same."""
        self.directory = Path(directory)
        self.port = port if port is not None else vpcd_base_port()
        saved: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            saved = json.loads((self.directory / _SETTINGS_FILE).read_text(encoding="utf-8"))
        remembered = saved.get("yield_to")
        self.yield_to = yield_to or (Path(remembered) if isinstance(remembered, str) else None)

    # -- files ------------------------------------------------------------------------

    def _pid_file(self, name: str) -> Path:
        return self.directory / f"{name}.pid"

    def _read_pid(self, name: str) -> int | None:
        try:
            pid = int(self._pid_file(name).read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if process_alive(pid) else None

    # -- pcscd --------------------------------------------------------------------------

    @property
    def reader_names(self) -> list[str]:
        """The vpcd reader names known to pcscd, slot 0 first."""
        readers = _pcsc_readers() or []
        return sorted(r for r in readers if r.startswith("Virtual PCD"))

    def reader_name(self, slot: int) -> str:
        """The reader name of ``slot`` (0 or 1)."""
        names = self.reader_names
        if slot >= len(names):
            raise ReaderError(f"vpcd has no reader for slot {slot} (readers: {names})")
        return names[slot]

    @property
    def started_pcscd(self) -> bool:
        """True when this reader started (and will stop) pcscd."""
        return self._read_pid("pcscd") is not None

    def start(self, timeout: float = 15.0) -> VirtualReader:
        """Make sure pcscd runs with vpcd's readers (start pcscd when none runs)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.yield_to is not None:
            (self.directory / _SETTINGS_FILE).write_text(
                json.dumps({"yield_to": str(self.yield_to)}), encoding="utf-8")
        if _pcsc_readers() is None:
            self._start_pcscd()
        if self._readers_shown(timeout):
            return self
        if self.started_pcscd:
            # A pcscd started while the previous one was still letting go of vpcd's ports
            # comes up without the virtual readers: ours, so start it once more.
            logger.warning("pcscd shows no virtual reader; starting it again")
            self._stop_pcscd()
            time.sleep(1)
            self._start_pcscd()
            if self._readers_shown(timeout):
                return self
        raise ReaderError(
            "pcscd runs but shows no 'Virtual PCD' reader: install vsmartcard-vpcd "
            f"({VPCD_CONF}) and restart pcscd; if pcscd's log says 'Address already in "
            f"use', ports {self.port}-{self.port + SLOTS - 1} were taken (reserve them: "
            "sandbox/install-system-packages.sh does); readers seen: "
            f"{_pcsc_readers()}")

    def _readers_shown(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.reader_names) >= SLOTS:
                return True
            time.sleep(0.1)
        return False

    def _start_pcscd(self) -> None:
        binary = "/usr/sbin/pcscd"
        if not Path(binary).exists():
            raise ReaderError("pcscd is not installed (Debian package pcscd)")
        log = (self.directory / "pcscd.log").open("ab")
        try:
            process = subprocess.Popen(
                [binary, "-f"], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        self._pid_file("pcscd").write_text(str(process.pid))
        logger.info("started pcscd (pid %d)", process.pid)
        # The process is detached on purpose (it outlives `sandbox insert`); Popen would
        # warn when collected while the child runs, so drop its handle cleanly.
        process.returncode = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _pcsc_readers() is not None:
                return
            time.sleep(0.1)
        raise ReaderError(f"pcscd did not start; see {self.directory / 'pcscd.log'}")

    def restart_pcscd(self, *, keep_cards: bool = False,
                      while_down: Callable[[], None] | None = None) -> None:
        """Stop and start again the pcscd this reader started.

        Args:
            keep_cards: leave the cards in their readers, as a real card stays in a real
                reader while the PC/SC service restarts (each vicc connects again to vpcd
                once pcscd is back); otherwise the cards are removed first.
            while_down: called while pcscd is stopped (e.g. to pull a card meanwhile).

        Raises ReaderError when pcscd was not started here: a shared pcscd is not ours
        to restart.
        """
        if not self.started_pcscd:
            raise ReaderError("pcscd was not started by this virtual reader")
        if not keep_cards:
            for slot in range(SLOTS):
                self.remove(slot)
        self._stop_pcscd()
        if while_down is not None:
            while_down()
        self.start()

    # -- cards ------------------------------------------------------------------------

    def insert(self, kind: str = "cps", slot: int = 0, timeout: float = 10.0) -> str:
        """Insert a card of ``kind`` ("cps", "cps4", "vitale", "other") in ``slot``.

        Returns the reader name. Raises ReaderError when the card does not show up.
        """
        if kind not in ATRS:
            raise ReaderError(f"unknown card kind {kind!r}; choose one of {sorted(ATRS)}")
        if slot not in range(SLOTS):
            raise ReaderError(f"slot must be 0 or 1, not {slot}")
        self.remove(slot)
        reader = self.reader_name(slot)
        # A demo card yielding to this test session leaves within a poll period.
        settle = time.monotonic() + 3 * _YIELD_POLL + 1
        while _card_present(reader) and time.monotonic() < settle:
            time.sleep(0.05)
        if _card_present(reader):
            # vpcd serves one card per reader: another vicc (a running sandbox demo?)
            # holds this one.
            raise ReaderError(f"{reader} already holds a card inserted by another program "
                              "(a running sandbox?); remove it there first")
        log = (self.directory / f"vicc-{slot}.log").open("ab")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
        argv = [sys.executable, "-m", "sandbox.reader", "vicc", "--port",
                str(self.port + slot), "--atr", ATRS[kind].hex()]
        if self.yield_to is not None:
            argv += ["--yield-to", str(self.yield_to)]
        try:
            process = subprocess.Popen(
                argv,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env=env)
        finally:
            log.close()
        self._pid_file(f"vicc-{slot}").write_text(str(process.pid))
        process.returncode = 0  # detached: see _start_pcscd
        if self.yield_to is not None and _lock_busy(self.yield_to):
            logger.info("the %s card waits for the test session to end before %s shows it",
                        kind, reader)
            return reader
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _card_present(reader):
                logger.info("%s card inserted in %s", kind, reader)
                return reader
            time.sleep(0.05)
        raise ReaderError(f"the virtual {kind} card did not appear in {reader}")

    def remove(self, slot: int = 0, timeout: float = 10.0) -> None:
        """Remove the card in ``slot`` (nothing happens when the slot is empty)."""
        pid = self._read_pid(f"vicc-{slot}")
        self._pid_file(f"vicc-{slot}").unlink(missing_ok=True)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process_alive(pid):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.02)
        names = self.reader_names
        if slot < len(names):
            while time.monotonic() < deadline and _card_present(names[slot]):
                time.sleep(0.02)

    def inserted(self) -> dict[int, bool]:
        """{slot: True when this reader's vicc runs there}."""
        return {slot: self._read_pid(f"vicc-{slot}") is not None for slot in range(SLOTS)}

    def stop(self) -> None:
        """Remove every card and stop pcscd if this reader started it and no other
        program's card is in a reader (the demo and a test session share pcscd)."""
        for slot in range(SLOTS):
            self.remove(slot)
        others = [r for r in _pcsc_readers() or [] if _card_present(r)]
        if others:
            logger.info("pcscd left running: cards still in %s", others)
            self._pid_file("pcscd").unlink(missing_ok=True)
            return
        self._stop_pcscd()

    def _stop_pcscd(self) -> None:
        pid = self._read_pid("pcscd")
        self._pid_file("pcscd").unlink(missing_ok=True)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process_alive(pid):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)
        logger.info("stopped pcscd (pid %d)", pid)


# -- the vicc side of vpcd's protocol -----------------------------------------------------

def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _lock_busy(lock: Path) -> bool:
    """Whether another program holds ``lock`` (probed without keeping it)."""
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def run_vicc(port: int, atr: bytes, host: str = "127.0.0.1",
             yield_to: Path | None = None) -> None:
    """Be a card in vpcd's reader at ``port`` until killed (connecting again after a
    pcscd restart, for up to 30 s)."""
    stop = False

    def on_term(*_: object) -> None:
        nonlocal stop
        stop = True
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_term)
    # A card stays in its reader while pcscd restarts: when vpcd closes the connection,
    # connect again (for a while) instead of leaving.
    def stopped() -> bool:
        # Yielding: leave the reader as soon as a test session holds the lock.
        return stop or (yield_to is not None and _lock_busy(yield_to))

    while not stop:
        while yield_to is not None and _lock_busy(yield_to):
            time.sleep(_YIELD_POLL)
        try:
            sock = _connect(host, port, _RECONNECT_FOR)
        except OSError:
            return
        _serve(sock, atr, stopped)


_RECONNECT_FOR = 30.0


def _connect(host: str, port: int, patience: float) -> socket.socket:
    deadline = time.monotonic() + patience
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
            continue
        sock.settimeout(None)
        return sock


def _serve(sock: socket.socket, atr: bytes, stopped: Callable[[], bool]) -> None:
    """Answer vpcd on ``sock`` until it closes the connection or ``stopped()``."""
    with sock:
        while not stopped():
            readable, _, _ = select.select([sock], [], [], _YIELD_POLL)
            if not readable:
                continue
            try:
                (size,) = struct.unpack(">H", _recv_exact(sock, 2))
                message = _recv_exact(sock, size)
            except (EOFError, ConnectionError):
                return
            if size == 1:
                if message[0] == _VPCD_ATR:
                    sock.sendall(struct.pack(">H", len(atr)) + atr)
                continue  # power on/off/reset need no answer
            answer = b"\x6d\x00"  # ISO 7816-4: instruction code not supported
            sock.sendall(struct.pack(">H", len(answer)) + answer)


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox.reader`` entry point."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.reader")
    sub = parser.add_subparsers(dest="action", required=True)
    vicc = sub.add_parser("vicc", help="(internal) be a card in a vpcd reader")
    vicc.add_argument("--port", type=int, required=True)
    vicc.add_argument("--atr", required=True)
    vicc.add_argument("--yield-to", type=Path, default=None)
    for name in ("start", "stop", "status"):
        sub.add_parser(name).add_argument("--dir", type=Path, default=Path(".sandbox/reader"))
    for name in ("insert", "remove"):
        p = sub.add_parser(name)
        p.add_argument("--dir", type=Path, default=Path(".sandbox/reader"))
        p.add_argument("--slot", type=int, default=0)
        if name == "insert":
            p.add_argument("--kind", default="cps", choices=sorted(ATRS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.action == "vicc":
        run_vicc(args.port, bytes.fromhex(args.atr), yield_to=args.yield_to)
        return 0
    reader = VirtualReader(args.dir)
    if args.action == "start":
        reader.start()
        print("\n".join(reader.reader_names))
    elif args.action == "insert":
        reader.start()
        print(reader.insert(args.kind, args.slot))
    elif args.action == "remove":
        reader.remove(args.slot)
    elif args.action == "stop":
        reader.stop()
    else:
        print({"readers": reader.reader_names, "inserted": reader.inserted(),
               "pcscd_started_here": reader.started_pcscd})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
