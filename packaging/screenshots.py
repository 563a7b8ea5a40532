"""Screenshots of the desktop app for review: main window, the list's context menu, PIN
dialog, compose, directory, in French and English.

    python packaging/screenshots.py OUTDIR [--lang fr --lang en]

Runs under Xvfb (started here on a free display when ``DISPLAY`` is not set) with the
xcb platform, so fonts, styles and popups render as on a desktop. The windows show the
hand-written fakes of ``tests/helpers/fake_desktop.py`` (a signed-in doctor, a lab result
with a structured document, a colleague in the directory): no card or server is needed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LANGUAGES = ("fr", "en")


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(  # fixed program, our arguments
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x860x24", "-nolisten",
         "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start (is the xvfb package installed?)")
    return xvfb, f":{number}"


def _wait(app: object, seconds: float = 0.3) -> None:
    from PySide6.QtCore import QCoreApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def _until(predicate: object, timeout: float = 5.0) -> None:
    from PySide6.QtCore import QCoreApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise TimeoutError("the window did not reach the expected state")


def render(out: Path, language: str) -> list[Path]:
    """Write the PNGs for ``language``; return their paths."""
    import tempfile

    from PySide6.QtWidgets import QApplication

    os.environ.setdefault("MSSANTE_COMPANION_HOME", tempfile.mkdtemp(prefix="shots-"))
    from tests.helpers.fake_desktop import FakeCard, FakeDirectory, FakeTrust, FakeXdm
    from ui.app import create_application
    from ui.backend import Services
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.palette import follow_system_palette
    from ui.preferences import Preferences
    from ui.session import SessionState

    app = create_application([])
    app.setStyle("Fusion")
    follow_system_palette(app)
    install_language(language)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(widget: object, name: str) -> None:
        _wait(app)
        path = out / f"{name}-{language}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    card = FakeCard(inserted=True)
    services = Services(card=card, directory=FakeDirectory(), trust=FakeTrust(), xdm=FakeXdm(),
                        profile_path=ROOT / "profile.toml")
    window = MainWindow(services, Preferences())
    window.resize(1200, 780)
    window.show()
    shown: list[object] = []
    window.pin_prompt.dialog_shown.connect(shown.append)
    window.start()
    _until(lambda: bool(shown))
    dialog = shown[-1]
    _wait(app)
    save(dialog, "pin-dialog")
    dialog.pin_edit.setText("1234")  # type: ignore[attr-defined]
    dialog.accept()  # type: ignore[attr-defined]
    _until(lambda: window.session.state == SessionState.OPEN)
    _until(lambda: window.mail_view.model.rowCount() > 0)
    window.mail_view.select_uid(3)
    _until(lambda: window.mail_view.pane.view is not None)
    save(window, "main-window")
    save_context_menu(app, window, out / f"context-menu-{language}.png")
    written.append(out / f"context-menu-{language}.png")

    compose = window.compose()
    if compose is None:
        raise RuntimeError("the compose window did not open")
    compose.to.set_addresses(["claire.dubois@clinique-sandbox.mssante.fr", "jean@gmail.com"])
    compose.subject.setText("Avis cardiologique — Mme DUPONT" if language == "fr"
                            else "Cardiology opinion — Mrs DUPONT")
    compose.body.setPlainText("Chère consœur,\n\nJe vous adresse Mme DUPONT …" if language == "fr"
                              else "Dear colleague,\n\nI am referring Mrs DUPONT …")
    compose.receipt.setChecked(True)
    _until(lambda: len(compose.to.verdicts) == 2)
    compose.send()
    save(compose, "compose")
    compose._discarded = True  # a screenshot, not a draft
    compose.close()

    directory = window.open_directory()
    if directory is None:
        raise RuntimeError("the directory window did not open")
    directory.query.setText("dubois")  # type: ignore[attr-defined]
    _until(lambda: directory.table.rowCount() > 0)  # type: ignore[attr-defined]
    save(directory, "directory")
    directory.close()

    _receipt_and_document_shots(window, save)

    card.remove()
    _until(lambda: window.session.state == SessionState.LOCKED)
    save(window, "locked")
    window.close()
    window.deleteLater()
    _wait(app)
    QApplication.processEvents()
    return written


def _receipt_and_document_shots(window: Any, save: Any) -> None:
    """A receipt request bar, a read mark in Sent with who read it, a returned receipt,
    the CDA view (an ANS example) and the PDF view."""
    from datetime import datetime

    from client.xdm.cda_render import render_cda
    from tests.helpers.fake_desktop import summary
    from ui.backend import MessageView, ReadReceipt, ReceiptRequest
    from ui.document_viewer import DocumentViewer

    view = window.mail_view
    mail = view.mail
    claire = "Claire DUBOIS <claire.dubois@clinique-sandbox.mssante.fr>"
    jean = "Dr Jean MARTIN <jean.martin@hopital-sandbox.mssante.fr>"
    read_at = datetime(2026, 11, 29, 15, 26).astimezone()
    mail.rows["INBOX"].append(summary(20, claire, "Avis pour Mme LEFÈVRE",
                                      datetime(2026, 11, 29, 9, 12)))
    mail.rows["INBOX"].append(summary(21, claire, "Accusé de lecture : Demande d'avis",
                                      datetime(2026, 11, 29, 15, 27)))
    mail.rows["Sent"].append(summary(30, jean, "Demande d'avis", datetime(2026, 11, 29, 11, 2),
                                     to=[claire], receipt="read", flags=["\\Seen"]))
    mail.rows["Sent"].append(summary(31, jean, "Certificat de reprise",
                                     datetime(2026, 11, 28, 17, 40), to=[claire],
                                     flags=["\\Seen"]))
    mail.views[("INBOX", 20)] = MessageView(
        "INBOX", 20, "Avis pour Mme LEFÈVRE", claire, to=jean,
        date=datetime(2026, 11, 29, 9, 12).astimezone(),
        text="Cher confrère,\n\nJ'ai vu Mme LEFÈVRE ce matin ; le pansement est propre.\n\n"
             "Claire DUBOIS",
        receipt_request=ReceiptRequest("Claire DUBOIS",
                                       "claire.dubois@clinique-sandbox.mssante.fr"))
    receipt = ReadReceipt("Claire DUBOIS", read_at, "Demande d'avis", "Sent", 30)
    mail.views[("INBOX", 21)] = MessageView(
        "INBOX", 21, "Accusé de lecture : Demande d'avis", claire, to=jean,
        date=datetime(2026, 11, 29, 15, 27).astimezone(),
        text="Le message « Demande d'avis » a été affiché.", receipt=receipt)
    mail.views[("Sent", 30)] = MessageView(
        "Sent", 30, "Demande d'avis", jean, to=claire,
        date=datetime(2026, 11, 29, 11, 2).astimezone(),
        text="Chère collègue,\n\nPourriez-vous passer voir Mme LEFÈVRE demain matin ?\n",
        read_by=(receipt,))

    def show(folder: str, uid: int) -> None:
        if view.current_folder != folder:
            view.folders.select_path(folder)
            _until(lambda: view.model.row_of(uid) is not None)
        view.select_uid(uid)
        _until(lambda: view.pane.view is not None and view.pane.view.uid == uid)

    view.open_folder("INBOX")
    _until(lambda: view.model.row_of(20) is not None)
    show("INBOX", 20)
    save(window, "receipt-request")
    show("INBOX", 21)
    save(window, "receipt-returned")
    show("Sent", 30)
    save(window, "receipt-read-mark")
    show("INBOX", 1)

    data = (ROOT / "tests" / "data" / "cda" / "BIO-CR-BIO_2024.01_TSH_1.xml").read_bytes()
    cda = DocumentViewer("CR-BIO_TSH.XML", "text/xml", data)
    cda.resize(900, 820)
    cda.show()
    save(cda, "cda-view")
    cda.close()
    level1 = (ROOT / "tests" / "data" / "cda" / "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml")
    embedded = render_cda(level1.read_bytes()).embedded
    if embedded is None:
        raise RuntimeError("the level 1 CDA example holds no PDF")
    pdf = DocumentViewer("CR_imagerie.pdf", "application/pdf", embedded.data)
    pdf.resize(900, 820)
    pdf.show()
    save(pdf, "pdf-view")
    pdf.close()
def save_context_menu(app: object, window: object, path: Path) -> None:
    """The message list with its context menu open on two selected messages.

    A popup menu is a window of its own: the screen is grabbed around the main window so
    that both show, as the user sees them.
    """
    from PySide6.QtCore import QItemSelectionModel, QPoint
    from PySide6.QtGui import QGuiApplication

    view = window.mail_view  # type: ignore[attr-defined]
    table = view.table
    view.select_uid(3)
    second = view.model.index(view.model.row_of(1) or 0, 0)
    table.selectionModel().select(second, QItemSelectionModel.SelectionFlag.Select
                                  | QItemSelectionModel.SelectionFlag.Rows)
    _wait(app)
    rect = table.visualRect(second)
    menu = window.actions_.show_context_menu(  # type: ignore[attr-defined]
        table.viewport().mapToGlobal(QPoint(rect.center().x() // 2, rect.center().y())))
    _until(lambda: menu.isVisible())
    _wait(app, 0.5)
    frame = window.frameGeometry()  # type: ignore[attr-defined]
    screen = QGuiApplication.primaryScreen()
    shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    shot.save(str(path))
    menu.close()
    _wait(app)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, start Xvfb if needed, render each language in a child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    parser.add_argument("--render", choices=LANGUAGES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        for path in render(args.out, args.render):
            print(path)
        return 0
    xvfb = None
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        xvfb, env["DISPLAY"] = _start_xvfb()
    env["QT_QPA_PLATFORM"] = "xcb"
    try:
        for language in args.lang or LANGUAGES:
            # One process per language: a clean QApplication and translator each time.
            subprocess.run(  # this very script
                [sys.executable, __file__, str(args.out), "--render", language],
                env=env, check=True, timeout=180,
            )
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
