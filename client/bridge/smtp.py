"""The bridge's SMTP side: a local submission server (RFC 6409) in front of the app's
sending path.

``EHLO``/``HELO``, ``STARTTLS`` (RFC 3207), ``AUTH PLAIN`` (RFC 4616, initial response
allowed) and ``AUTH LOGIN`` after TLS only, ``MAIL``, ``RCPT``, ``DATA``, ``RSET``,
``NOOP``, ``QUIT``. Enhanced status codes (RFC 3463) on every reply.

The envelope sender must be the signed-in mailbox. Each ``RCPT`` is checked against the
app's recipient policy so the mail client shows which recipient is refused and why
(``550 5.7.1``). The message is then given to :class:`~client.bridge.submit.OutboxSubmitter`
and the reply tells the mail client the operator's answer: ``250`` when accepted,
``451`` (try again later; the message waits in the companion's outbox) or ``554``.
While the card is out, ``AUTH`` and ``DATA`` get ``454``/``451 4.7.0 card removed,
insert your CPS card``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import ssl
from collections.abc import Callable

from client.bridge.conn import LineConnection, LineTooLong
from client.bridge.errors import CardAbsent
from client.bridge.submit import OutboxSubmitter
from client.bridge.throttle import AuthThrottle
from client.errors import ClientError
from client.mail.errors import MailError, RecipientRefused, SubmissionFailed

__all__ = ["MAX_MESSAGE_SIZE", "SmtpSide", "refusal_text"]

logger = logging.getLogger(__name__)

#: Largest message accepted locally (operators announce their own SIZE; 50 MB is above
#: what MSSanté operators accept, the operator's refusal is then relayed as 554).
MAX_MESSAGE_SIZE = 50 * 1024 * 1024
_ADDRESS = re.compile(r"^(?:FROM|TO):\s*<([^>]*)>", re.IGNORECASE)
_TIMEOUT = 300.0  # RFC 5321 section 4.5.3.2: 5 minutes for commands

_RULES = {
    "outside-trust-space": "is outside the MSSante trust space (its domain is not on the "
                           "liste blanche): it cannot receive MSSante mail",
    "invalid-address": "is not a valid address",
    "no-trust-list": "cannot be checked: import the liste blanche in the companion first",
    "no-recipient": "no recipient given",
}


def refusal_text(exc: RecipientRefused) -> str:
    """The 550 reply for a refused recipient (the text mail clients show)."""
    return f"550 5.7.1 <{exc.address}> {_RULES.get(exc.rule, exc.rule)}"


class _State:
    def __init__(self) -> None:
        self.greeted = False
        self.authenticated = False
        self.sender: str | None = None
        self.recipients: list[str] = []

    def reset(self) -> None:
        self.sender = None
        self.recipients = []


class SmtpSide:
    """Serves the bridge's SMTP clients (one :meth:`serve` call per connection)."""

    def __init__(self, submitter: OutboxSubmitter, password_ok: Callable[[str], bool],
                 tls_context: ssl.SSLContext, *,
                 record_error: Callable[[str, BaseException | None], None] | None = None,
                 throttle: AuthThrottle | None = None) -> None:
        self.submitter = submitter
        self.gate = submitter.gate
        self._password_ok = password_ok
        self._throttle = throttle or AuthThrottle()
        self._tls = tls_context
        self._record_error = record_error or (lambda _text, _exc: None)

    def serve(self, connection: LineConnection) -> None:
        """One client connection, from greeting to QUIT."""
        connection.sock.settimeout(_TIMEOUT)
        connection.send(b"220 localhost Compagnon MSSante bridge ESMTP\r\n")
        state = _State()
        while True:
            try:
                line = connection.readline(limit=4096)
            except LineTooLong:
                connection.send(b"500 5.5.2 line too long\r\n")
                return
            if line is None:
                return
            text = line.rstrip(b"\r\n").decode("utf-8", "replace")
            verb, _, rest = text.partition(" ")
            verb = verb.upper()
            handler = getattr(self, f"_do_{verb.lower()}", None) if verb.isalpha() else None
            if handler is None:
                connection.send(b"502 5.5.1 command not implemented\r\n")
                continue
            if handler(connection, state, rest.strip()) is False:
                return

    # -- commands (return False to end the session) ------------------------------------

    def _reply(self, connection: LineConnection, text: str) -> None:
        connection.send(text.encode("utf-8") + b"\r\n")

    def _do_ehlo(self, connection: LineConnection, state: _State, _arg: str) -> None:
        state.greeted = True
        state.reset()
        lines = ["localhost", "8BITMIME", f"SIZE {MAX_MESSAGE_SIZE}", "ENHANCEDSTATUSCODES"]
        lines.append("AUTH PLAIN LOGIN" if connection.tls else "STARTTLS")
        body = "".join(f"250-{x}\r\n" for x in lines[:-1]) + f"250 {lines[-1]}\r\n"
        connection.send(body.encode())

    def _do_helo(self, connection: LineConnection, state: _State, _arg: str) -> None:
        state.greeted = True
        state.reset()
        self._reply(connection, "250 localhost")

    def _do_starttls(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        if connection.tls:
            self._reply(connection, "503 5.5.1 already under TLS")
            return True
        if connection.buffered:  # RFC 3207 section 4.2: no command injection
            self._reply(connection, "501 5.5.2 data after STARTTLS")
            return False
        self._reply(connection, "220 2.0.0 ready to start TLS")
        connection.starttls(self._tls)
        state.__init__()  # type: ignore[misc]  # RFC 3207 section 4.2: forget everything
        return True

    def _do_auth(self, connection: LineConnection, state: _State, arg: str) -> bool:
        if not connection.tls:
            self._reply(connection, "530 5.7.0 issue STARTTLS before signing in")
            return True
        if state.authenticated:
            self._reply(connection, "503 5.5.1 already signed in")
            return True
        mechanism, _, initial = arg.partition(" ")
        mechanism = mechanism.upper()
        credentials: tuple[str, str] | None
        if mechanism == "PLAIN":
            credentials = self._plain(connection, initial.strip())
        elif mechanism == "LOGIN":
            credentials = self._login(connection, initial.strip())
        else:
            self._reply(connection, "504 5.5.4 only AUTH PLAIN and LOGIN are offered")
            return True
        if credentials is None:
            return True
        user, password = credentials
        if not self._throttle.admit(connection.identity):
            del password
            self._reply(connection, "454 4.7.0 too many failed sign-ins, try again later")
            return True
        ok = user.strip().lower() == self.gate.address.lower() and self._password_ok(password)
        del password
        if not ok:
            logger.info("SMTP bridge: wrong local user name or password")
            self._throttle.failed(connection.identity, "smtp")
            self._reply(connection, "535 5.7.8 wrong bridge user name or password (see the "
                                    "companion's bridge settings)")
            return True
        self._throttle.succeeded(connection.identity)
        connection.signed_in()
        try:
            self.gate.opener()  # signs in now (one PIN prompt per insertion) or says why not
        except CardAbsent as exc:
            self._reply(connection, f"454 4.7.0 {exc.client_text}")
            return True
        state.authenticated = True
        self._reply(connection, "235 2.7.0 signed in")
        return True

    def _decode(self, connection: LineConnection, value: str) -> str | None:
        if value == "*":
            self._reply(connection, "501 5.0.0 authentication cancelled")
            return None
        try:
            return base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            self._reply(connection, "501 5.5.2 malformed base64")
            return None

    def _ask(self, connection: LineConnection, prompt: bytes) -> str | None:
        connection.send(b"334 " + base64.b64encode(prompt) + b"\r\n")
        line = connection.readline(limit=4096)
        return None if line is None else line.strip().decode("ascii", "replace")

    def _plain(self, connection: LineConnection, initial: str) -> tuple[str, str] | None:
        response = initial or self._ask(connection, b"")
        if response is None:
            return None
        decoded = "" if response == "=" else self._decode(connection, response)
        if decoded is None:
            return None
        parts = decoded.split("\x00")
        if len(parts) != 3:
            self._reply(connection, "501 5.5.2 malformed PLAIN response")
            return None
        return parts[1], parts[2]

    def _login(self, connection: LineConnection, initial: str) -> tuple[str, str] | None:
        first = initial or self._ask(connection, b"Username:")
        user = None if first is None else self._decode(connection, first)
        if user is None:
            return None
        second = self._ask(connection, b"Password:")
        password = None if second is None else self._decode(connection, second)
        if password is None:
            return None
        return user, password

    def _do_mail(self, connection: LineConnection, state: _State, arg: str) -> bool:
        if not state.authenticated:
            self._reply(connection, "530 5.7.0 sign in first (AUTH)")
            return True
        if state.sender is not None:
            self._reply(connection, "503 5.5.1 sender already given")
            return True
        match = _ADDRESS.match(arg)
        if match is None:
            self._reply(connection, "501 5.5.4 syntax: MAIL FROM:<address>")
            return True
        sender = match.group(1).strip()
        if sender.lower() != self.gate.address.lower():
            self._reply(connection, f"553 5.7.1 the sender must be {self.gate.address}, the "
                                    "mailbox signed in with the CPS card")
            return True
        state.sender = sender
        self._reply(connection, "250 2.1.0 sender ok")
        return True

    def _do_rcpt(self, connection: LineConnection, state: _State, arg: str) -> bool:
        if state.sender is None:
            self._reply(connection, "503 5.5.1 MAIL first")
            return True
        match = _ADDRESS.match(arg)
        if match is None:
            self._reply(connection, "501 5.5.4 syntax: RCPT TO:<address>")
            return True
        address = match.group(1).strip()
        try:
            verdict = self.submitter.check_recipient(address)
        except RecipientRefused as exc:
            logger.info("bridge recipient refused (%s)", exc.rule)
            self._reply(connection, refusal_text(exc))
            return True
        state.recipients.append(verdict.address)
        note = " (a patient's mailbox)" if verdict.patient else ""
        self._reply(connection, f"250 2.1.5 recipient ok{note}")
        return True

    def _do_data(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        if state.sender is None or not state.recipients:
            self._reply(connection, "503 5.5.1 MAIL and RCPT first")
            return True
        self._reply(connection, "354 end data with <CR><LF>.<CR><LF>")
        chunks: list[bytes] = []
        size = 0
        too_large = False
        while True:
            line = connection.readline(limit=1024 * 1024)
            if line is None:
                return False
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b"."):
                line = line[1:]  # RFC 5321 section 4.5.2: transparency
            size += len(line)
            if size > MAX_MESSAGE_SIZE:
                too_large = True
                chunks.clear()
            elif not too_large:
                chunks.append(line)
        recipients = list(state.recipients)
        state.reset()
        if too_large:
            self._reply(connection, f"552 5.3.4 message larger than {MAX_MESSAGE_SIZE} bytes")
            return True
        self._reply(connection, self._submit(recipients, b"".join(chunks)))
        return True

    def _submit(self, recipients: list[str], raw: bytes) -> str:
        try:
            outcome = self.submitter.submit(recipients, raw)
        except CardAbsent as exc:
            return f"451 4.7.0 {exc.client_text}"
        except RecipientRefused as exc:
            return refusal_text(exc)
        except MailError as exc:
            self._record_error(f"SMTP: {type(exc).__name__}: {exc}", exc)
            return f"451 4.3.0 the companion could not queue the message ({type(exc).__name__})"
        except ClientError as exc:  # operator unreachable, sign-in refused, trust...
            self._record_error(f"SMTP: {type(exc).__name__}: {exc}", exc)
            return (f"451 4.4.1 the MSSante operator cannot take the message now "
                    f"({type(exc).__name__}); it waits in the companion's outbox")
        except Exception as exc:
            if _is_card_error(exc):
                return "451 4.7.0 card removed, insert your CPS card"
            logger.exception("bridge submission failed")
            self._record_error(f"SMTP: {type(exc).__name__}: {exc}", exc)
            return f"451 4.3.0 submission failed ({type(exc).__name__}); try again"
        if outcome.sent:
            refused = ""
            if outcome.refused:
                refused = "; refused by the operator: " + ", ".join(sorted(outcome.refused))
            return f"250 2.0.0 accepted by the MSSante operator as {outcome.message_id}{refused}"
        reason = outcome.reason.replace("\r", " ").replace("\n", " ")
        if outcome.state == "failed":
            return f"554 5.0.0 refused by the MSSante operator: {reason}"
        # The operator's own reply, kept as the outbox keeps it (worded as such in the app).
        self._record_error(f"SMTP: {reason}",
                           SubmissionFailed(outcome.message_id, outcome.reason))
        return (f"451 4.4.1 not accepted by the operator yet ({reason}); the message waits in "
                "the companion's outbox")

    def _do_rset(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        state.reset()
        self._reply(connection, "250 2.0.0 reset")
        return True

    def _do_noop(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        self._reply(connection, "250 2.0.0 ok")
        return True

    def _do_vrfy(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        self._reply(connection, "252 2.5.0 cannot verify")
        return True

    def _do_quit(self, connection: LineConnection, state: _State, _arg: str) -> bool:
        self._reply(connection, "221 2.0.0 bye")
        return False


def _is_card_error(exc: BaseException) -> bool:
    from cps.errors import CardError

    return isinstance(exc, CardError)
