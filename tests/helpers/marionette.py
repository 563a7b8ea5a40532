"""A minimal Marionette client (Firefox/Thunderbird remote protocol, version 3) for tests.

Thunderbird started with ``--marionette`` listens on ``marionette.port``. Messages are
``<length>:<json>``; a command is ``[0, id, name, params]``, an answer
``[1, id, error, result]``. Only what the Thunderbird tests need: a session, the chrome
context, running a script, quitting.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

__all__ = ["Marionette", "MarionetteError"]


class MarionetteError(RuntimeError):
    """The browser answered a command with an error."""


class Marionette:
    """One connection to a running Thunderbird's Marionette server."""

    def __init__(self, port: int, *, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self._buffer = b""
        self._id = 0
        self.hello = self._read()

    def _read(self) -> Any:
        while b":" not in self._buffer:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise EOFError("Marionette closed the connection")
            self._buffer += chunk
        size, rest = self._buffer.split(b":", 1)
        while len(rest) < int(size):
            chunk = self._sock.recv(65536)
            if not chunk:
                raise EOFError("Marionette closed the connection")
            rest += chunk
        self._buffer = rest[int(size):]
        return json.loads(rest[: int(size)])

    def command(self, name: str, params: dict[str, Any] | None = None) -> Any:
        """Send one command and return its result."""
        self._id += 1
        payload = json.dumps([0, self._id, name, params or {}]).encode()
        self._sock.sendall(str(len(payload)).encode() + b":" + payload)
        while True:
            message = self._read()
            if isinstance(message, list) and message[0] == 1 and message[1] == self._id:
                if message[2]:
                    raise MarionetteError(str(message[2]))
                return message[3]

    def start_chrome_session(self) -> None:
        """A session whose scripts run with chrome privileges (XPCOM services)."""
        self.command("WebDriver:NewSession", {})
        self.command("Marionette:SetContext", {"value": "chrome"})

    def execute(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body; ``arguments`` holds ``args``); its return."""
        result = self.command("WebDriver:ExecuteScript",
                              {"script": script, "args": list(args), "sandbox": "system"})
        return result.get("value") if isinstance(result, dict) else result

    def quit(self) -> None:
        """Ask Thunderbird to quit cleanly (it writes prefs.js)."""
        try:
            self.command("Marionette:Quit", {"flags": ["eForceQuit"]})
        except (OSError, EOFError, MarionetteError):
            pass
        self._sock.close()
