"""The desktop app against the sandbox operator, with the virtual card in the virtual reader.

Real components only: the SoftHSM2 CPS card behind ``cps``'s card service and PC/SC watcher
(pcscd + vpcd + vicc), card-TLS sign-in with SASL EXTERNAL to Dovecot (``client.auth``),
the encrypted cache and submission (``client.mail``), the sample directory index and the
liste blanche. The PIN dialog is driven with qtbot, as a user would type.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from client.paths import app_paths
from client.profiles import load_profile
from client.whitelist import default_whitelist_path
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.operator import Sandbox
from sandbox.reader import VirtualReader
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from ui.backend import Services
from ui.live import LiveCard, LiveDirectory, LiveTrust, xdm_service
from ui.main_window import MainWindow
from ui.pin_dialog import PinDialog
from ui.preferences import Preferences
from ui.session import SessionState

pytestmark = [pytest.mark.sandbox, pytest.mark.reader, pytest.mark.gui,
              pytest.mark.timeout(10 * LIVE_TIMEOUT)]

LAB_SUBJECT = "Résultats d'analyses – Mme Élodie LEFÈVRE"


@pytest.fixture
def profile_path(request: pytest.FixtureRequest, sandbox_operator: Sandbox) -> Path:
    """The card-tls profile, or the PSC one when a test asks for ``"psc"``."""
    if getattr(request, "param", "card-tls") == "psc":
        return Path(sandbox_operator.profile_psc)
    return Path(sandbox_operator.profile)


@pytest.fixture
def desktop(qtbot: QtBot, sandbox_operator: Sandbox, virtual_reader: VirtualReader,
            profile_path: Path) -> Iterator[MainWindow]:
    """The main window over the live services, the CPS card in the reader, not signed in."""
    with fake_keyring():
        app_paths().ensure()
        shutil.copyfile(sandbox_operator.liste_blanche, default_whitelist_path())
        directory = LiveDirectory()
        directory.import_file(Path(sandbox_operator.directory_extraction))
        profile = load_profile(profile_path)
        services = Services(card=LiveCard(profile, Path(sandbox_operator.card.module)),
                            directory=directory, trust=LiveTrust(), profile_path=profile.source)
        services.xdm = xdm_service(services)
        virtual_reader.insert("cps", 0)
        window = MainWindow(services, Preferences())
        qtbot.addWidget(window)
        window.show()
        try:
            yield window
        finally:
            window.close()
            virtual_reader.remove(0)


def _type_pin(qtbot: QtBot, dialog: PinDialog, pin: str) -> None:
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def _sign_in(qtbot: QtBot, window: MainWindow, pin: str, *, start: bool = True) -> str:
    """Type the PIN in the dialog; return what the dialog said about the holder."""
    shown = qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=LIVE_TIMEOUT_MS,
                              raising=False)
    with shown:
        if start:
            window.start()
    if not shown.signal_triggered:
        pytest.fail(f"no PIN dialog; state {window.session.state}, lock screen says "
                    f"{window.lock_screen.title.text()!r} / {window.lock_screen.detail.text()!r}")
    dialog: PinDialog = shown.args[0]
    holder = dialog.findChild(type(dialog.message), "pinHolder").text()
    _type_pin(qtbot, dialog, pin)
    qtbot.wait_until(lambda: window.session.state == SessionState.OPEN, timeout=LIVE_TIMEOUT_MS)
    return holder


def _wait_for_subject(qtbot: QtBot, window: MainWindow, subject: str) -> int:
    model = window.mail_view.model
    found: list[int] = []

    def present() -> bool:
        for row in range(model.rowCount()):
            summary = model.message_at(row)
            if summary is not None and subject in summary.subject:
                found.append(summary.uid)
                return True
        return False

    qtbot.wait_until(present, timeout=LIVE_TIMEOUT_MS)
    return found[0]


def test_sign_in_with_the_virtual_card_shows_the_mailbox(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox
) -> None:
    holder = _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    assert "Jean MARTIN" in holder and "Médecin" in holder
    assert not desktop.lock_screen.isVisible()
    assert DOCTOR.address in desktop.identity_label.text()
    view = desktop.mail_view
    qtbot.wait_until(lambda: view.folders.label_of("INBOX").startswith("Boîte de réception"),
                     timeout=LIVE_TIMEOUT_MS)
    assert view.folders.label_of("Sent") == "Envoyés" or any(
        view.folders.label_of(p) for p in ("Sent", "Envoyés"))

    uid = _wait_for_subject(qtbot, desktop, LAB_SUBJECT)
    view.select_uid(uid)
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    assert LAB_SUBJECT in view.pane.header.text()
    assert view.pane.body_text().strip()

    xdm_uid = _wait_for_subject(qtbot, desktop, "XDM/1.0/DDM+")
    row = view.model.row_of(xdm_uid)
    assert not view.model.index(row, 2).data().startswith("XDM/")  # prefix hidden
    view.select_uid(xdm_uid)
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == xdm_uid,
                     timeout=LIVE_TIMEOUT_MS)
    assert view.pane.structured_banner.isVisible()
    assert "Document structuré pour" in view.pane.structured_banner.label.text()


@pytest.mark.parametrize("profile_path", ["psc"], indirect=True)
def test_sign_in_with_pro_sante_connect(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox
) -> None:
    """PSC: the card proves the user at the wallet, the mailbox opens with XOAUTH2."""
    holder = _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    assert "Jean MARTIN" in holder
    _wait_for_subject(qtbot, desktop, LAB_SUBJECT)
    assert DOCTOR.address in desktop.identity_label.text()


def test_compose_with_autocomplete_and_send_to_a_colleague(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox
) -> None:
    _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    compose = desktop.compose()
    assert compose is not None
    field = compose.to
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "dubois clai")
    qtbot.wait_until(lambda: any(COLLEAGUE.address in s
                                 for s in field.suggestions.stringList()), timeout=LIVE_TIMEOUT_MS)
    row = next(i for i, s in enumerate(field.suggestions.stringList()) if COLLEAGUE.address in s)
    label = field.suggestions.stringList()[row]
    assert " — " in label  # profession / organisation shown beside the name
    field.choose_suggestion(row)
    assert field.addresses() == [COLLEAGUE.address]
    qtbot.wait_until(lambda: COLLEAGUE.address in field.verdicts, timeout=LIVE_TIMEOUT_MS)
    assert field.verdicts[COLLEAGUE.address].inside
    subject = f"Avis cardiologique {uuid.uuid4().hex[:8]}"
    qtbot.keyClicks(compose.subject, subject)
    qtbot.keyClicks(compose.body, "Bonjour, pouvez-vous voir ce patient ?")
    with qtbot.wait_signal(compose.sent, timeout=2 * LIVE_TIMEOUT_MS) as sent:
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    assert sent.args[0].startswith("<")
    delivered = sandbox_operator.wait_for_message(COLLEAGUE, subject, timeout=LIVE_TIMEOUT)
    assert "Bonjour, pouvez-vous voir ce patient" in delivered.get_body().get_content()


def test_recipient_outside_the_trust_space_is_refused(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox
) -> None:
    _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    compose = desktop.compose()
    assert compose is not None
    qtbot.keyClicks(compose.to.edit, "jean.dupont@gmail.com")
    compose.to.check_addresses()
    qtbot.wait_until(lambda: compose.to.warning.isVisible(), timeout=LIVE_TIMEOUT_MS)
    assert "gmail.com" in compose.to.warning.text()
    qtbot.keyClicks(compose.subject, "Hors espace de confiance")
    compose.send()
    assert "Envoi refusé : jean.dupont@gmail.com" in compose.status.text()
    assert not any("Hors espace de confiance" in str(m.get("Subject", ""))
                   for m in sandbox_operator.outbound_messages())


def test_card_removal_locks_and_the_same_card_resumes_with_the_draft(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox,
    virtual_reader: VirtualReader,
) -> None:
    pin = sandbox_operator.card.pin
    _sign_in(qtbot, desktop, pin)
    view = desktop.mail_view
    uid = _wait_for_subject(qtbot, desktop, LAB_SUBJECT)
    view.select_uid(uid)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=LIVE_TIMEOUT_MS)
    compose = desktop.compose()
    assert compose is not None
    marker = uuid.uuid4().hex[:8]
    qtbot.keyClicks(compose.subject, f"Brouillon {marker}")
    qtbot.keyClicks(compose.body, "Texte en cours de saisie")

    started = time.monotonic()
    virtual_reader.remove(0)  # returns once PC/SC saw the card go
    qtbot.wait_until(lambda: desktop.lock_screen.isVisible(), timeout=LIVE_TIMEOUT_MS)
    locked_after = time.monotonic() - started
    assert desktop.session.state == SessionState.LOCKED
    assert locked_after < 1.0, f"locked after {locked_after:.2f} s"
    assert desktop.mail is None and not view.isEnabled()
    assert not compose.isVisible()
    draft = sandbox_operator.wait_for_message(DOCTOR, f"Brouillon {marker}", folder="Drafts",
                                              timeout=20)
    assert "Texte en cours de saisie" in draft.get_body().get_content()

    with qtbot.wait_signal(desktop.pin_prompt.dialog_shown, timeout=LIVE_TIMEOUT_MS) as shown:
        virtual_reader.insert("cps", 0)
    with qtbot.wait_signal(desktop.session.resumed, timeout=LIVE_TIMEOUT_MS):
        _type_pin(qtbot, shown.args[0], pin)
    assert not desktop.lock_screen.isVisible()
    assert compose.isVisible()
    assert compose.body.toPlainText() == "Texte en cours de saisie"
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    assert view.current_folder == "INBOX"


def test_the_card_crls_are_kept_before_the_pin_is_typed(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox
) -> None:
    from client.trust import CrlStore

    with qtbot.wait_signal(desktop.pin_prompt.dialog_shown, timeout=20_000) as shown:
        desktop.start()
    store = CrlStore()
    persons = sandbox_operator.pki.persons_ca_cert
    # The sign-in's own check asks the OCSP responder: the CRL comes from the prefetch
    # started by the card's insertion, while the PIN dialog waits.
    qtbot.wait_until(lambda: store.get(persons.subject) is not None, timeout=30_000)
    [kept] = [k for k in store.kept() if "PERSONNES" in k.issuer]
    assert kept.source == sandbox_operator.pki.crl_url("persons")
    dialog: PinDialog = shown.args[0]
    assert dialog.isVisible() and desktop.session.state == SessionState.SIGNING_IN
    _type_pin(qtbot, dialog, sandbox_operator.card.pin)
    qtbot.wait_until(lambda: desktop.session.state == SessionState.OPEN, timeout=30_000)
