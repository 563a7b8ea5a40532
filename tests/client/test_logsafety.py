"""Protocol traces keep commands and sizes, never envelopes, literals or addresses."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from client.logsafety import TRAFFIC, install, redact_trace

ENVELOPE = ('* 12 FETCH (UID 44 RFC822.SIZE 1234 FLAGS (\\Seen) ENVELOPE ("Mon, 2 Nov 2026" '
            '"=?utf-8?q?R=C3=A9sultats_Mme_LEF=C3=88VRE?=" (("Claire DUBOIS" NIL "claire" '
            '"clinique.mssante.fr"))) BODY[] {2041}')


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = install(logging.StreamHandler(out))
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_a_fetch_response_keeps_its_words_and_sizes_only() -> None:
    text = redact_trace(ENVELOPE)
    assert text.startswith("* 12 FETCH (UID 44 RFC822.SIZE 1234 FLAGS (\\Seen) ENVELOPE ...")
    assert "literal 2041 bytes" in text
    for word in ("LEF", "DUBOIS", "claire", "R=C3", "Nov"):
        assert word not in text


def test_commands_keep_their_words() -> None:
    assert redact_trace("A12 UID FETCH 1:* (FLAGS RFC822.SIZE)") == (
        "A12 UID FETCH 1:* (FLAGS RFC822.SIZE)")
    assert redact_trace('A13 SELECT "Patients/DUPONT Jean"').startswith("A13 SELECT ...")
    assert "DUPONT" not in redact_trace("A14 UID SEARCH HEADER Subject DUPONT")


def test_imaplib_traffic_is_traffic_level_and_hidden_at_debug(stream: io.StringIO) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("imapclient.imaplib").debug("  12:00.00 < b'%s'", ENVELOPE)
    assert stream.getvalue() == ""
    logging.getLogger().setLevel(TRAFFIC)
    logging.getLogger("imapclient.imaplib").debug("  12:00.00 < b'%s'", ENVELOPE)
    logging.getLogger("imapclient.imaplib").debug("  12:00.00 (literal) > b'Bonjour docteur'")
    out = stream.getvalue()
    assert out.startswith("TRAFFIC imapclient.imaplib: 12:00.00 < * 12 FETCH (UID 44")
    assert out.count("bytes") == 3  # redacted once, not again by the handler
    assert "DUBOIS" not in out and "Bonjour" not in out and "[15 bytes]" in out


def test_any_handler_gets_redacted_traces(caplog: pytest.LogCaptureFixture) -> None:
    """pytest's own handler has no filter of ours: the source loggers redact anyway."""
    logging.getLogger().setLevel(TRAFFIC)
    with caplog.at_level(TRAFFIC):
        logging.getLogger("imapclient.imaplib").debug("  12:00.00 < b'%s'", ENVELOPE)
    assert "DUBOIS" not in caplog.text and "FETCH (UID 44" in caplog.text


def test_addresses_are_masked_in_messages_and_tracebacks(stream: io.StringIO) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    log = logging.getLogger("client.example")
    log.debug("secret mail-cache:%s found", "jean.martin@hopital.mssante.fr")
    try:
        raise ValueError("refused: claire.dubois@clinique.mssante.fr")
    except ValueError:
        log.debug("command failed", exc_info=True)
    out = stream.getvalue()
    assert "mail-cache:<address> found" in out
    assert "refused: <address>" in out
    assert "@" not in out


@pytest.mark.parametrize("raised", [
    # imapclient's parser quotes what it could not parse: here a body cut short.
    "protocol", "value", "unexpected",
])
def test_a_malformed_server_answer_is_reported_without_its_content(
    stream: io.StringIO, raised: str
) -> None:
    """A broken or hostile server's FETCH answer becomes an error the user sees (and a
    traceback at -vv): neither quotes the envelope or the body it held."""
    from imapclient.response_parser import parse_fetch_response

    from client.mail.errors import MailProtocolError
    from client.mail.mailbox import imap_errors, unexpected_responses

    cut = [b'1 (UID 5 BODY[] "Compte rendu de Mme LEFEVRE Elodie, hemoglobine basse"']
    logging.getLogger().setLevel(logging.DEBUG)
    with pytest.raises(MailProtocolError) as info:
        if raised == "protocol":
            with imap_errors("FETCH"):
                parse_fetch_response(cut)
        elif raised == "value":
            with imap_errors("FETCH"):
                raise ValueError(f"cannot parse {cut[0]!r}")
        else:
            with unexpected_responses():
                raise TypeError(f"cannot parse {cut[0]!r}")
    logging.getLogger("client.cli").debug("command failed", exc_info=info.value)
    shown = str(info.value) + "\n" + stream.getvalue()
    for word in ("LEFEVRE", "Elodie", "hemoglobine", "Compte rendu"):
        assert word not in shown
    assert "UID 5" in shown or "malformed" in shown


def test_an_unreadable_xdm_attachment_is_logged_without_its_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An attachment's name is the sender's text: it often names the patient."""
    from client.xdm.message import describe_attachment

    with caplog.at_level(logging.DEBUG):
        assert describe_attachment("CR_LEFEVRE_Elodie.zip", b"PK\x03\x04broken") is None
    assert "LEFEVRE" not in caplog.text and caplog.records


class _DrainFails:
    """A FAKE imaplib session for the drain of pipelined FETCH commands: the first
    command completes empty, draining the next fails quoting the server's line."""

    def __init__(self) -> None:
        self.completed = 0

    def _command(self, *_args: object) -> str:
        return f"A{self.completed}"

    def _command_complete(self, _name: str, _tag: str) -> tuple[str, list[bytes]]:
        import imaplib

        self.completed += 1
        if self.completed > 1:
            raise imaplib.IMAP4.abort("unexpected response: '* 9 FETCH (BODY[] "
                                      "\"Compte rendu de Mme LEFEVRE Elodie\")'")
        return "OK", []

    def _untagged_response(self, typ: str, data: list[bytes], _name: str) -> tuple[str, list]:
        return typ, []


class _Client:
    """A FAKE IMAPClient around :class:`_DrainFails` (what fetch_pipelined touches)."""

    normalise_times = True

    def __init__(self) -> None:
        self._imap = _DrainFails()

    def _checkok(self, *_args: object) -> None:
        return None


def test_a_failed_drain_of_pipelined_fetches_is_logged_without_the_answer(
    stream: io.StringIO,
) -> None:
    from client.mail.imapfetch import fetch_pipelined

    logging.getLogger().setLevel(logging.DEBUG)
    batches = fetch_pipelined(_Client(), [[1], [2]], ["UID"], depth=2)  # type: ignore[arg-type]
    assert next(batches) == {}
    batches.close()  # the consumer stops early: the second command is drained
    out = stream.getvalue()
    assert "could not drain" in out and "LEFEVRE" not in out
