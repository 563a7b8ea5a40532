"""Hostile IMAP server responses: a FAKE server answers every command after LOGIN with
generated lines (plausible untagged responses with wrong values, broken ENVELOPEs,
literals, raw bytes). Mailbox listing, reading and the cache sync must end with a value
or a :class:`client.mail.errors.MailError` within the socket timeout, never a crash.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from imapclient import IMAPClient

from client.mail.cache import MailCache
from client.mail.errors import MailError
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.sync import Synchronizer
from tests.hostile._budget import HOSTILE, count

GREETING = (b"* OK [CAPABILITY IMAP4rev1 LITERAL+ CONDSTORE QRESYNC UIDPLUS MOVE] fake ready"
            b"\r\n")


class HostileImapServer:
    """A FAKE IMAP server on loopback: LOGIN works, everything else gets ``script``."""

    def __init__(self) -> None:
        self.script: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(5)
            # One write per answer and no Nagle: a reply split in two small writes waits
            # for the client's delayed ACK (40 ms on Linux loopback), per command.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.sendall(GREETING)
            reader = conn.makefile("rb")
            with reader:
                for line in reader:
                    tag, _, rest = line.strip().partition(b" ")
                    command = rest.split(b" ", 1)[0].upper()
                    if command in (b"LOGIN", b"LOGOUT", b"CAPABILITY", b"ENABLE", b"NOOP"):
                        answer = tag + b" OK done\r\n"
                        if command == b"CAPABILITY":
                            answer = (GREETING.replace(b"OK [CAPABILITY", b"CAPABILITY")
                                      .replace(b"] fake ready", b"")) + answer
                        conn.sendall(answer)
                        if command == b"LOGOUT":
                            return
                        continue
                    conn.sendall(b"".join(self.script) + tag + b" OK done\r\n")

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture(scope="module")
def server() -> Iterator[HostileImapServer]:
    fake = HostileImapServer()
    yield fake
    fake.close()


class _Opener:
    """Password LOGIN to the fake server with a short timeout (a hang is a failure)."""

    address = "jean.martin@hopital.mssante.fr"

    def __init__(self, port: int) -> None:
        self.port = port

    def open_imap(self) -> IMAPClient:
        # The fake answers at once: a longer wait only ever means a script the client
        # waits on for good (an announced literal never sent), which must end in MailError.
        client = IMAPClient("127.0.0.1", self.port, ssl=False, timeout=0.25)
        # imapclient writes a SEARCH in several small sends: without this, each waits for
        # the server's delayed ACK (40 ms), which made a case cost ~60 ms.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login("jean.martin", "x")
        return client

    def open_smtp(self) -> object:
        raise ConnectionRefusedError("no SMTP in this test")


words = st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=12)
numbers = st.integers(min_value=-5, max_value=2**64)
envelope = st.builds(
    lambda d, s, a, m: (f'("{d}" "{s}" (("{a}" NIL "x" "y")) NIL NIL NIL NIL NIL NIL '
                        f'"{m}")').encode(),
    words, words, words, words,
) | st.sampled_from([b"NIL", b"()", b'("x")', b"(NIL NIL NIL)", b'("a" "b" ((NIL)))'])
lines = st.one_of(
    st.builds(lambda n: b"* %d EXISTS\r\n" % n, numbers),
    st.builds(lambda n: b"* OK [UIDVALIDITY %d]\r\n" % n, numbers),
    st.builds(lambda n: b"* OK [UIDNEXT %d]\r\n" % n, numbers),
    st.builds(lambda n: b"* OK [HIGHESTMODSEQ %d]\r\n" % n, numbers),
    st.builds(lambda w: b"* OK [" + w.encode() + b"]\r\n", words),
    st.builds(lambda n: b"* SEARCH " + b" ".join(b"%d" % i for i in n) + b"\r\n",
              st.lists(numbers, max_size=5)),
    st.builds(lambda w: b'* LIST (\\HasNoChildren' + w.encode() + b') "/" ' + w.encode()
              + b"\r\n", words),
    st.builds(
        lambda n, u, f, e, size: b"* %d FETCH (UID %d FLAGS (%s) RFC822.SIZE %d ENVELOPE %s"
        b" BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) MODSEQ (%d))\r\n"
        % (n, u, f.encode(), size, e, n),
        numbers, numbers, words, envelope, numbers,
    ),
    st.builds(lambda n, body: b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (n, n, len(body))
              + body + b")\r\n", st.integers(1, 5), st.binary(max_size=200)),
    # RFC 7162 section 3.2.10 (parsed by client.mail.qresync on a resync).
    st.builds(lambda e, n: b"* VANISHED " + e + b"%d:%d\r\n" % n, st.sampled_from(
        [b"", b"(EARLIER) ", b"(EARLIER ", b"(LATER) "]), st.tuples(numbers, numbers)),
    st.builds(lambda junk: b"* VANISHED " + junk + b"\r\n",
              st.binary(max_size=40).filter(lambda b: b"\r\n" not in b)),
    st.builds(lambda junk: b"* " + junk + b"\r\n",
              st.binary(max_size=60).filter(lambda b: b"\r\n" not in b)),
    st.binary(max_size=40),
)
scripts = st.lists(lines, min_size=1, max_size=6)


def _run(server: HostileImapServer, script: list[bytes], action: str, tmp: Path) -> None:
    server.script = script
    opener = _Opener(server.port)
    try:
        with Mailbox(opener) as box:  # type: ignore[arg-type]
            if action == "folders":
                box.folders()
            elif action == "list":
                box.list_messages("INBOX", limit=10)
            elif action == "fetch":
                box.fetch_raw("INBOX", 1)
            else:
                path = tmp / "cache.sqlite3"
                with MailCache.open(opener.address, keystore=MemoryKeyStore(),
                                    path=path) as cache:
                    sync = Synchronizer(box, cache)
                    sync.sync_folder("INBOX")
                    # Again, from the state just cached: the QRESYNC resync path.
                    sync.sync_folder("INBOX")
                path.unlink(missing_ok=True)
    except MailError:
        pass


@pytest.mark.parametrize("action", ["folders", "list", "fetch", "sync"])
@HOSTILE
@given(script=scripts)
def test_hostile_imap_answers(server: HostileImapServer, tmp_path: Path, action: str,
                              script: list[bytes]) -> None:
    count(f"IMAP responses ({action})")
    _run(server, script, action, tmp_path)
