"""Session-scoped fixtures that start the sandbox parts a test needs.

* ``sandbox_pki``: a test PKI shaped like IGC-Santé TEST (fast, no process);
* ``sandbox_crl_server``: the PKI's CRL distribution points and OCSP responder, served on
  loopback in a thread (:mod:`sandbox.crl_server`);
* ``sandbox_card``: the PKI plus a SoftHSM2 virtual CPS card for the doctor (no server);
* ``sandbox_operator``: everything (:class:`sandbox.operator.Sandbox`): Dovecot, the SMTP
  sink, the PSC-like provider, seeded mailboxes, profiles. Access tokens live 300 s unless
  a test calls ``sandbox_operator.set_access_token_lifetime(5)`` (restore it afterwards).

When a test failed during the session, the sandbox logs are copied under
``.test-artifacts/sandbox-<timestamp>/`` before teardown. Teardown stops every process the
sandbox started and deletes its directory.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.card import VirtualCard, provision_card
from sandbox.crl_server import CrlServer
from sandbox.operator import Sandbox
from sandbox.pki import Pki, build_pki

__all__ = [
    "ARTIFACTS",
    "keep_logs",
    "sandbox_card",
    "sandbox_crl_server",
    "sandbox_operator",
    "sandbox_pki",
]

ARTIFACTS = Path(__file__).resolve().parents[2] / ".test-artifacts"


@pytest.fixture(scope="session")
def sandbox_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    """A test PKI shaped like IGC-Santé TEST (root, PERSONNES, ORGANISATIONS, CRLs)."""
    yield build_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def sandbox_crl_server(sandbox_pki: Pki) -> Iterator[CrlServer]:
    """The PKI's CRLs and OCSP answers served where its certificates say (loopback)."""
    server = CrlServer(sandbox_pki).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sandbox_card(
    tmp_path_factory: pytest.TempPathFactory, sandbox_pki: Pki
) -> Iterator[VirtualCard]:
    """A virtual CPS card (SoftHSM2 token, PIN ``1234``) for the doctor; no servers.

    ``SOFTHSM2_CONF`` is set for the whole session (and restored after): SoftHSM2 reads it
    once per process, when the library is first initialised, so every test of the session
    sees this one token directory (``sandbox_operator`` uses the same card).
    """
    card = provision_card(tmp_path_factory.mktemp("card"), sandbox_pki)
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ.update(card.environment())
    try:
        yield card
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def keep_logs(logs: Path, label: str) -> Path | None:
    """Copy a sandbox's ``logs/`` under ``.test-artifacts/``; return the copy."""
    if not logs.is_dir():
        return None
    target = ARTIFACTS / f"{label}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    shutil.copytree(logs, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def sandbox_operator(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sandbox_pki: Pki,
    sandbox_card: VirtualCard,
    sandbox_crl_server: CrlServer,
) -> Iterator[Sandbox]:
    """The whole sandbox operator, started once per test session (card: ``sandbox_card``;
    its CRLs are served by ``sandbox_crl_server``, so the operator starts no server of its
    own on the PKI's port)."""
    sandbox = Sandbox(
        tmp_path_factory.mktemp("sandbox"),
        with_reader=False,
        pki_directory=sandbox_pki.directory,
        card=sandbox_card,
        # Killed sessions (CI timeouts) must not leave Dovecot and friends running.
        stop_with_owner=os.getpid(),
    )
    failures_before = request.session.testsfailed
    try:
        sandbox.start()
    except Exception:
        keep_logs(sandbox.logs, "sandbox-start")
        sandbox.stop(purge=True)
        raise
    try:
        yield sandbox
    finally:
        if request.session.testsfailed > failures_before:
            keep_logs(sandbox.logs, "sandbox")
        sandbox.stop(purge=True)
