"""Session-scoped fixtures that start the sandbox parts a test needs.

``sandbox_pki`` (a test PKI; fast), ``sandbox_card`` (the PKI plus a SoftHSM2 virtual CPS
card), ``sandbox_operator`` (everything: Dovecot, the SMTP sink, the OpenID provider,
seeded mailboxes). Logs of a failed session are copied under ``.test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.card import VirtualCard, provision_card
from sandbox.pki import Pki, build_pki

__all__ = ["sandbox_card", "sandbox_pki"]


@pytest.fixture(scope="session")
def sandbox_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    """A test PKI shaped like IGC-Santé TEST (root, PERSONNES, ORGANISATIONS, CRLs)."""
    yield build_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def sandbox_card(
    tmp_path_factory: pytest.TempPathFactory, sandbox_pki: Pki
) -> Iterator[VirtualCard]:
    """A virtual CPS card (SoftHSM2 token, PIN ``1234``) for the doctor; no servers.

    Set ``SOFTHSM2_CONF`` from ``sandbox_card.environment()`` before loading the module.
    """
    yield provision_card(tmp_path_factory.mktemp("card"), sandbox_pki)
