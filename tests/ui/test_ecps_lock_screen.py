"""The lock screen's two ways in (card, e-CPS), the e-CPS dialog, and e-CPS locking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import DOCTOR, FakeCard, FakeDirectory, FakeEcps, FakeTrust, FakeXdm
from ui.backend import Services
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.session import SessionState


@pytest.fixture
def ecps() -> FakeEcps:
    return FakeEcps(remembered=DOCTOR.national_id)


def _window(qtbot: QtBot, services: Services) -> MainWindow:
    main = MainWindow(services, Preferences())
    qtbot.addWidget(main)
    main.show()
    return main


@pytest.fixture
def ecps_only(qtbot: QtBot, ecps: FakeEcps, tmp_path: Path) -> Iterator[MainWindow]:
    """A workstation without card access (no middleware), with e-CPS."""
    services = Services(card=None, directory=FakeDirectory(), trust=FakeTrust(), xdm=FakeXdm(),
                        profile_path=tmp_path / "profile.toml", ecps=ecps)
    main = _window(qtbot, services)
    main.start()
    yield main
    ecps.deny()
    main.session.cancel_ecps()
    main.pool.wait_for_done(5000)
    main.new_mail.stop()


def _sign_in_with_ecps(qtbot: QtBot, main: MainWindow, ecps: FakeEcps) -> None:
    screen = main.lock_screen
    qtbot.mouseClick(screen.ecps_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: main.session.ecps_dialog is not None
                     and main.session.ecps_dialog.binding.text() == "4821", timeout=5000)
    ecps.approve()
    qtbot.wait_until(lambda: main.session.state == SessionState.OPEN, timeout=5000)


def test_the_lock_screen_names_the_product_and_what_to_do(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    screen = window.lock_screen
    assert screen.isVisible()
    assert screen.product.text() == "Compagnon MSSanté"
    assert screen.title.text() == "Insérez votre carte CPS"
    assert not screen.choice.isVisible()  # no gateway in the profile: no e-CPS offered


def test_without_a_card_e_cps_is_chosen_with_the_remembered_id(
        qtbot: QtBot, ecps_only: MainWindow) -> None:
    screen = ecps_only.lock_screen
    qtbot.wait_until(screen.ecps_form.isVisible, timeout=5000)
    assert screen.ecps_choice.isChecked()
    assert screen.national_id.text() == DOCTOR.national_id
    assert screen.title.text() == "Connexion avec e-CPS"
    screen.national_id.setText("12")
    assert not screen.ecps_button.isEnabled()


def test_e_cps_sign_in_shows_the_binding_message_then_the_mailbox(
        qtbot: QtBot, ecps_only: MainWindow, ecps: FakeEcps) -> None:
    qtbot.wait_until(ecps_only.lock_screen.ecps_form.isVisible, timeout=5000)
    screen = ecps_only.lock_screen
    qtbot.mouseClick(screen.ecps_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: ecps_only.session.ecps_dialog is not None
                     and ecps_only.session.ecps_dialog.binding.text() == "4821", timeout=5000)
    dialog = ecps_only.session.ecps_dialog
    assert dialog is not None
    assert "application e-CPS de votre téléphone" in dialog.instruction.text()
    assert dialog.countdown.text() == "Temps restant : 2:00"
    ecps.approve()
    qtbot.wait_until(lambda: ecps_only.session.state == SessionState.OPEN, timeout=5000)
    assert ecps.sign_ins == [DOCTOR.national_id]
    assert not screen.isVisible()
    assert ecps_only.session.method == "ecps"
    assert ecps_only.session.idle.armed


def test_refusal_is_a_french_sentence_and_cancel_returns(
        qtbot: QtBot, ecps_only: MainWindow, ecps: FakeEcps) -> None:
    screen = ecps_only.lock_screen
    qtbot.wait_until(screen.ecps_form.isVisible, timeout=5000)
    qtbot.mouseClick(screen.ecps_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(ecps.pending.is_set, timeout=5000)
    ecps.deny()
    qtbot.wait_until(lambda: ecps_only.session.state == SessionState.FAILED, timeout=5000)
    assert "refusée dans l'application e-CPS" in screen.detail.text()
    assert screen.ecps_form.isVisible()  # try again at once
    # One way to try again: the e-CPS button (the card's retry button would do nothing).
    assert not screen.retry_button.isVisible()
    qtbot.mouseClick(screen.ecps_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: ecps_only.session.ecps_dialog is not None
                     and ecps_only.session.ecps_dialog.binding.text() == "4821", timeout=5000)
    dialog = ecps_only.session.ecps_dialog
    assert dialog is not None
    dialog.reject()  # Annuler
    qtbot.wait_until(lambda: ecps_only.session.state == SessionState.WAITING_CARD,
                     timeout=5000)
    assert screen.isVisible()
    assert ecps_only.session.ecps_dialog is None


def test_idle_locks_and_unlock_resumes_while_the_psc_session_lives(
        qtbot: QtBot, ecps_only: MainWindow, ecps: FakeEcps) -> None:
    qtbot.wait_until(ecps_only.lock_screen.ecps_form.isVisible, timeout=5000)
    _sign_in_with_ecps(qtbot, ecps_only, ecps)
    session = ecps_only.session
    session.idle.set_interval_ms(150)
    session.idle.start()
    qtbot.wait_until(lambda: session.state == SessionState.LOCKED, timeout=5000)
    screen = ecps_only.lock_screen
    assert screen.isVisible()
    assert screen.unlock_button.isVisible()
    assert "Jean MARTIN" in screen.detail.text()
    assert ecps_only.mail is None
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: session.state == SessionState.OPEN, timeout=5000)
    assert ecps.sign_ins == [DOCTOR.national_id]  # no new approval
    assert ecps.alive_checks == 1


def test_the_desktop_lock_locks_and_an_ended_session_asks_a_new_approval(
        qtbot: QtBot, ecps_only: MainWindow, ecps: FakeEcps) -> None:
    qtbot.wait_until(ecps_only.lock_screen.ecps_form.isVisible, timeout=5000)
    _sign_in_with_ecps(qtbot, ecps_only, ecps)
    session = ecps_only.session
    session.idle.screensaver_active(True)  # org.freedesktop.ScreenSaver ActiveChanged(true)
    assert session.state == SessionState.LOCKED
    ecps.alive = False  # PSC ended the session meanwhile
    qtbot.mouseClick(ecps_only.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: len(ecps.sign_ins) == 2 and ecps.pending.is_set(),
                     timeout=5000)
    ecps.approve()
    qtbot.wait_until(lambda: session.state == SessionState.OPEN, timeout=5000)


def test_input_keeps_an_e_cps_session_open(qtbot: QtBot, ecps_only: MainWindow,
                                           ecps: FakeEcps) -> None:
    qtbot.wait_until(ecps_only.lock_screen.ecps_form.isVisible, timeout=5000)
    _sign_in_with_ecps(qtbot, ecps_only, ecps)
    session = ecps_only.session
    session.idle.set_interval_ms(400)
    session.idle.start()
    for _ in range(6):
        qtbot.wait(100)
        qtbot.keyClick(ecps_only, Qt.Key.Key_Shift)
    assert session.state == SessionState.OPEN
    QApplication.processEvents()


def test_with_a_card_present_the_card_is_the_default(
        qtbot: QtBot, ecps: FakeEcps, tmp_path: Path) -> None:
    card = FakeCard(inserted=True)
    services = Services(card=card, directory=FakeDirectory(), trust=FakeTrust(),
                        xdm=FakeXdm(), profile_path=tmp_path / "profile.toml", ecps=ecps)
    main = _window(qtbot, services)
    screen = main.lock_screen
    screen.offer_ecps(DOCTOR.national_id, card_present=True)
    assert screen.card_choice.isChecked()
    assert not screen.ecps_form.isVisible()
    assert screen.title.text() == "Insérez votre carte CPS"
    card_picture = screen.picture.pixmap().toImage()
    screen.ecps_choice.click()
    assert screen.ecps_form.isVisible()
    assert screen.picture.pixmap().toImage() != card_picture  # the phone's picture
    # An e-CPS failure: its own button retries; back on the card, the card's retry shows.
    screen.show_failure("La demande de connexion a été refusée dans l'application e-CPS.")
    assert screen.ecps_form.isVisible() and not screen.retry_button.isVisible()
    screen.card_choice.click()
    assert screen.retry_button.isVisible() and not screen.ecps_form.isVisible()
    main.pool.wait_for_done(5000)


def test_the_idle_time_is_a_setting(qtbot: QtBot, ecps_only: MainWindow,
                                    ecps: FakeEcps) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ecps_only.services, ecps_only.preferences, ecps_only.pool,
                            ecps_only)
    qtbot.addWidget(dialog)
    assert dialog.ecps_idle.value() == 15
    dialog.ecps_idle.setValue(5)
    dialog.accept()
    assert Preferences().ecps_idle_minutes == 5
    qtbot.wait_until(ecps_only.lock_screen.ecps_form.isVisible, timeout=5000)
    _sign_in_with_ecps(qtbot, ecps_only, ecps)
    assert ecps_only.session.idle.interval_ms == 5 * 60_000


def test_e_cps_failures_are_french_sentences(qtbot: QtBot) -> None:
    from client.auth.ciba import (
        EcpsCancelled,
        EcpsDenied,
        EcpsExpired,
        EcpsUnknownUser,
        GatewayRequired,
        GatewayUnreachable,
    )
    from ui.wording import describe_error, is_cancellation

    assert "refusée dans l'application e-CPS" in describe_error(EcpsDenied("810001234567"))
    assert "pas été validée à temps" in describe_error(EcpsExpired("810001234567"))
    assert "identifiant national" in describe_error(EcpsUnknownUser("899999999999"))
    assert "passerelle Pro Santé Connect" in describe_error(GatewayRequired())
    unreachable = describe_error(GatewayUnreachable("https://gw.example", "refused"))
    assert unreachable.startswith("La passerelle Pro Santé Connect")
    assert is_cancellation(EcpsCancelled())


def test_a_bad_module_saved_in_settings_is_said_at_start_beside_e_cps(
        qtbot: QtBot, ecps: FakeEcps, tmp_path: Path) -> None:
    from cps.errors import MiddlewareNotFound
    from ui.preferences import ModuleSettingInvalid

    saved = "/opt/ancienne/libcps3_pkcs11_lux.so"
    problem = ModuleSettingInvalid(saved, MiddlewareNotFound([Path(saved)]))
    services = Services(card=None, directory=FakeDirectory(), trust=FakeTrust(), xdm=FakeXdm(),
                        profile_path=tmp_path / "profile.toml", ecps=ecps,
                        extras={"card_error": problem})
    main = _window(qtbot, services)
    main.start()
    screen = main.lock_screen
    try:
        # The card is the choice shown, with what is wrong and where to fix it.
        qtbot.wait_until(lambda: screen.title.text() == "Carte CPS inutilisable", timeout=5000)
        assert screen.card_choice.isChecked()
        assert "libcps3_pkcs11_lux.so" in screen.detail.text()
        assert "Paramètres" in screen.detail.text()
        assert "e-CPS" in screen.detail.text()
        assert "MiddlewareNotFound" not in screen.detail.text()
        assert "libcps3_pkcs11_lux.so. Ouvrez Paramètres" in screen.detail.text()
        assert screen.settings_button.isVisible()
        # e-CPS stays one click away.
        qtbot.mouseClick(screen.ecps_choice, Qt.MouseButton.LeftButton)
        assert screen.ecps_form.isVisible()
        qtbot.mouseClick(screen.card_choice, Qt.MouseButton.LeftButton)
        assert screen.title.text() == "Carte CPS inutilisable"
    finally:
        main.new_mail.stop()
