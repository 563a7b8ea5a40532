"""Opening attachments from the reading pane: in-app viewers, refusals, the private folder.

The system's viewer is the one seam the machine cannot have: :class:`_FakeLaunch` records
what would be handed to it (and can say "no application"), everything else is real.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from client.mail.opening import OpeningFolder
from sandbox.xdm_sample import build_sample_xdm_zip, minimal_pdf
from tests.helpers.fake_desktop import FakeMailService, an_attachment
from ui.cda_view import CdaView
from ui.document_viewer import DocumentViewer
from ui.mail_view import MailView
from ui.open_attachment import AttachmentOpener
from ui.pdf_view import PdfView
from ui.workers import WorkerPool

CDA_DIR = Path(__file__).resolve().parents[1] / "data" / "cda"


class _FakeLaunch(AttachmentOpener):
    """The opener with the system viewer replaced by a recorder (``available``)."""

    available = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.launched: list[Path] = []

    def launch(self, path: Path) -> bool:
        self.launched.append(path)
        return self.available


@pytest.fixture
def opener(qtbot: QtBot, tmp_path: Path) -> Iterator[_FakeLaunch]:
    parent = QWidget()
    qtbot.addWidget(parent)
    pool = WorkerPool(parent)
    leftover = tmp_path / "cache" / "open" / "a-old"
    leftover.mkdir(parents=True)
    (leftover / "ancien.ods").write_bytes(b"x")
    result = _FakeLaunch(pool, parent, OpeningFolder(tmp_path / "cache" / "open"))
    assert not leftover.exists()  # emptied when the app starts
    yield result
    for viewer in list(result.viewers):
        viewer.close()
    pool.wait_for_done(5000)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _showing(qtbot: QtBot, mail: FakeMailService, uid: int) -> tuple[MailView, WorkerPool]:
    """A mail view on ``mail``'s inbox showing message ``uid``, and its worker pool."""
    pool = WorkerPool()
    view = MailView(pool)
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.folder_loaded, timeout=5000):
        view.set_mail(mail)
    with qtbot.wait_signal(view.message_shown, timeout=5000):
        view.select_uid(uid)
    return view, pool


def test_in_app_documents_never_touch_the_disk(opener: _FakeLaunch) -> None:
    for data in (
        an_attachment("cr.pdf", "application/pdf", minimal_pdf(["Compte rendu"])),
        an_attachment("note.txt", "text/plain", b"Patient stable."),
        an_attachment("CR.XML", "text/xml", (CDA_DIR / "LDL-SES_2022.01.xml").read_bytes()),
        an_attachment("IHE_XDM.ZIP", "application/zip", build_sample_xdm_zip()),
    ):
        kinds: list[str] = []
        opener.opened.connect(lambda kind, _w, k=kinds: k.append(kind))
        opener.show(data)
        assert kinds[-1] == "viewer"
    assert opener.launched == []
    assert _files(opener.folder.root) == []
    assert len(opener.viewers) == 4


def test_a_viewer_opens_inside_the_screen(opener: _FakeLaunch) -> None:
    # A page-high viewer on a small laptop screen: the frame stays within reach.
    opener.show(an_attachment("cr.pdf", "application/pdf", minimal_pdf(["Compte rendu"])))
    (viewer,) = opener.viewers
    available = viewer.screen().availableGeometry()
    assert available.height() < 900  # the offscreen screen is smaller than a page
    assert available.contains(viewer.frameGeometry().topLeft())
    assert viewer.height() <= available.height() and viewer.width() <= available.width()


def test_an_executable_is_refused_with_the_reason_and_can_be_saved(
    qtbot: QtBot, opener: _FakeLaunch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, object]] = []
    opener.opened.connect(lambda kind, what: shown.append((kind, what)))
    opener.show(an_attachment("ordonnance.pdf.exe", "application/pdf", b"%PDF-1.4"))
    opener.show(an_attachment("resultats.pdf", "application/pdf", b"\x7fELF\x02\x01"))
    assert opener.launched == [] and _files(opener.folder.root) == []
    (kind, box), (kind2, box2) = shown
    assert (kind, kind2) == ("blocked", "blocked")
    assert isinstance(box, QMessageBox) and isinstance(box2, QMessageBox)
    assert "fichiers .exe peuvent lancer un programme" in box.text()
    assert "son contenu est un programme" in box2.text()
    target = tmp_path / "Enregistré.exe"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), ""))
    save = next(b for b in box.buttons() if b.text() == "Enregistrer sous…")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == b"%PDF-1.4"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert opener.launched == []
    box.close()
    box2.close()


def test_other_files_go_through_the_private_folder_then_are_removed(
    opener: _FakeLaunch
) -> None:
    opener.show(an_attachment("../../tableau\u202egpj.ods", "application/vnd.oasis",
                               b"PK\x03\x04 tableur"))
    (path,) = opener.launched
    assert path.parent.parent == opener.folder.root
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(opener.folder.root).st_mode) == 0o700
    opener.folder.purge()  # what happens at exit (aboutToQuit) and at the next start
    assert not path.exists() and _files(opener.folder.root) == []


def test_locking_removes_what_the_system_viewer_was_given(opener: _FakeLaunch) -> None:
    """The app locks (card removed, idle): the opened file does not wait on disk for the
    app to quit."""
    opener.show(an_attachment("tableau.ods", "application/vnd.oasis", b"PK\x03\x04 x"))
    (path,) = opener.launched
    assert path.exists()
    opener.close_all()  # what the main window calls when it locks or signs out
    assert not path.exists() and _files(opener.folder.root) == []


def test_a_program_hidden_behind_a_format_character_is_not_launched(
    opener: _FakeLaunch
) -> None:
    shown: list[str] = []
    opener.opened.connect(lambda kind, _w: shown.append(kind))
    opener.show(an_attachment("ordonnance.e\u200bxe", "application/octet-stream", b"x"))
    assert shown == ["blocked"] and opener.launched == []
    assert _files(opener.folder.root) == []
    for viewer in list(opener.viewers):
        viewer.close()


def test_no_system_viewer_says_so_and_offers_to_save(opener: _FakeLaunch) -> None:
    opener.available = False
    shown: list[tuple[str, object]] = []
    opener.opened.connect(lambda kind, what: shown.append((kind, what)))
    opener.show(an_attachment("dossier.odt", "application/octet-stream", b"PK\x03\x04"))
    ((kind, box),) = shown
    assert kind == "no-viewer" and isinstance(box, QMessageBox)
    assert "Aucune application de cet ordinateur ne sait ouvrir" in box.text()
    assert any(b.text() == "Enregistrer sous…" for b in box.buttons())
    box.close()


def test_the_open_button_of_the_reading_pane_fetches_and_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    mail = FakeMailService()
    mail.attachment_bytes[("INBOX", 1, 0)] = an_attachment(
        "Résultats TSH.pdf", "application/pdf", minimal_pdf(["TSH 2,1"]))
    view, pool = _showing(qtbot, mail, 1)
    with qtbot.wait_signal(view.opener.opened, timeout=5000) as opened:
        qtbot.mouseClick(view.pane.open_button, Qt.MouseButton.LeftButton)
    kind, viewer = opened.args
    assert kind == "viewer" and isinstance(viewer, DocumentViewer)
    assert isinstance(viewer.content, PdfView)
    viewer.close()
    pool.wait_for_done(5000)


def test_pdf_view_pages_zoom_print(qtbot: QtBot, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(3):
        document.new_page(595, 842)
    out = tmp_path / "trois.pdf"
    document.save(str(out))
    document.close()
    viewer = DocumentViewer("trois.pdf", "application/pdf", out.read_bytes())
    qtbot.addWidget(viewer)
    pdf = viewer.content
    assert isinstance(pdf, PdfView) and pdf.page_count == 3
    assert not pdf.previous_button.isEnabled()
    width = pdf.current_image().width()
    qtbot.mouseClick(pdf.next_button, Qt.MouseButton.LeftButton)
    assert pdf.page == 1 and pdf.page_box.value() == 2
    pdf.page_box.setValue(3)
    assert pdf.page == 2 and not pdf.next_button.isEnabled()
    qtbot.mouseClick(pdf.zoom_in_button, Qt.MouseButton.LeftButton)
    assert pdf.zoom == 1.25 and pdf.zoom_label.text() == "125 %"
    assert pdf.current_image().width() > width
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "imprime.pdf"
    printer.setOutputFileName(str(printed))
    viewer.print_to(printer)
    assert len(pdfium.PdfDocument(printed.read_bytes())) == 3
    viewer.close()


def test_a_damaged_pdf_says_so_in_the_viewer(qtbot: QtBot) -> None:
    viewer = DocumentViewer("cr.pdf", "application/pdf", b"%PDF-1.4 not really")
    qtbot.addWidget(viewer)
    assert "ne peut pas être affiché" in viewer.content.text()  # type: ignore[attr-defined]


def test_cda_view_on_ans_examples(qtbot: QtBot) -> None:
    view = CdaView((CDA_DIR / "BIO-CR-BIO_2024.01_TSH_1.xml").read_bytes())
    qtbot.addWidget(view)
    text = view.text()
    for expected in ("Dominique PAT-TROIS", "279035121518989", "28/03/1979",
                     "Marcel CAMPARINI", "Laboratoire des charmes",
                     "CR d'examens biologiques", "BILAN THYROIDIEN"):
        assert expected in text
    level1 = CdaView((CDA_DIR / "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml").read_bytes())
    qtbot.addWidget(level1)
    assert not level1.embedded_button.isHidden()
    with qtbot.wait_signal(level1.embedded_requested) as embedded:
        qtbot.mouseClick(level1.embedded_button, Qt.MouseButton.LeftButton)
    assert embedded.args[0].data.startswith(b"%PDF-")


def test_hostile_cda_is_refused_in_french(qtbot: QtBot) -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>')
    view = CdaView(xxe)
    qtbot.addWidget(view)
    assert view.rendered is None and view.browser.isHidden()
    assert view.text().startswith("Ce document CDA ne peut pas être affiché")
    assert "root:" not in view.text()


def test_xdm_package_shows_the_cda_and_the_contents(qtbot: QtBot) -> None:
    viewer = DocumentViewer("IHE_XDM.ZIP", "application/zip", build_sample_xdm_zip())
    qtbot.addWidget(viewer)
    tabs = viewer.content
    assert isinstance(tabs, QTabWidget)
    assert isinstance(tabs.widget(0), CdaView)
    assert tabs.tabText(tabs.count() - 1) == "Contenu du paquet"
    damaged = DocumentViewer("IHE_XDM.ZIP", "application/zip", b"PK\x03\x04 broken")
    qtbot.addWidget(damaged)
    assert "ne peut pas être lu" in damaged.content.text()  # type: ignore[attr-defined]


def test_the_structured_banner_opens_the_package_in_the_cda_view(qtbot: QtBot) -> None:
    mail = FakeMailService()
    mail.attachment_bytes[("INBOX", 3, 0)] = an_attachment(
        "IHE_XDM.ZIP", "application/zip", build_sample_xdm_zip())
    view, pool = _showing(qtbot, mail, 3)
    banner = view.pane.structured_banner
    assert banner.button is not None and banner.button.text() == "Afficher le document"
    with qtbot.wait_signal(view.opener.opened, timeout=5000) as opened:
        qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    kind, viewer = opened.args
    assert kind == "viewer" and isinstance(viewer.content, QTabWidget)
    assert isinstance(viewer.content.widget(0), CdaView)
    assert _files(view.opener.folder.root) == []
    viewer.close()
    pool.wait_for_done(5000)


def test_locking_closes_every_open_document(qtbot: QtBot) -> None:
    import shiboken6

    mail = FakeMailService()
    mail.attachment_bytes[("INBOX", 1, 0)] = an_attachment(
        "CR.XML", "text/xml", (CDA_DIR / "BIO-CR-BIO_2024.01_TSH_1.xml").read_bytes())
    view, pool = _showing(qtbot, mail, 1)
    with qtbot.wait_signal(view.opener.opened, timeout=5000) as opened:
        qtbot.mouseClick(view.pane.open_button, Qt.MouseButton.LeftButton)
    viewer = opened.args[1]
    assert viewer.isVisible() and isinstance(viewer.content, CdaView)
    view.opener.show(an_attachment("x.exe", "application/octet-stream", b"x"))
    box = view.opener.viewers[-1]
    assert isinstance(box, QMessageBox) and box.isVisible()
    view.clear_for_lock()
    qtbot.waitUntil(lambda: not shiboken6.isValid(viewer) or not viewer.isVisible())
    assert not box.isVisible() and view.opener.viewers == []
    pool.wait_for_done(5000)


def test_viewer_save_as_writes_a_private_copy(qtbot: QtBot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = minimal_pdf(["Compte rendu"])
    viewer = DocumentViewer("cr.pdf", "application/pdf", data)
    qtbot.addWidget(viewer)
    target = tmp_path / "copie.pdf"
    target.write_bytes(b"old")  # the dialog asked before replacing it
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    with qtbot.wait_signal(viewer.saved) as saved:
        qtbot.mouseClick(viewer.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == target and target.read_bytes() == data
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    viewer.close()


HOSTILE_NAME = "../../ordonnance\u202efdp.exe"


def _proposed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    proposed: list[Path] = []

    def dialog(_parent: object, _title: str, suggestion: str, *_a: object) -> tuple[str, str]:
        proposed.append(Path(suggestion))
        return "", ""  # the user cancels: only the proposal matters here

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return proposed


def test_every_save_dialog_proposes_the_sanitised_name(
    qtbot: QtBot, opener: _FakeLaunch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender's name never reaches a save dialog as it came: no folder of its own, no
    format character reordering what is shown, a program's type neutralised."""
    from dataclasses import replace

    proposed = _proposed(monkeypatch)
    hostile = an_attachment(HOSTILE_NAME, "application/octet-stream", b"MZ\x90\x00")
    opener.save_as(hostile)
    viewer = DocumentViewer("../../Résultats\u200b TSH.pdf", "application/pdf",
                            minimal_pdf(["TSH"]))
    qtbot.addWidget(viewer)
    viewer.save_as()
    mail = FakeMailService()
    view, pool = _showing(qtbot, mail, 1)
    assert view.pane.view is not None
    view.pane.view = replace(view.pane.view, attachments=(hostile,))
    view._save_attachment("INBOX", 1, 0)
    assert [p.name for p in proposed] == [
        "ordonnancefdp.exe.bloque", "Résultats TSH.pdf", "ordonnancefdp.exe.bloque"]
    assert all(p.parent == Path.home() for p in proposed)
    viewer.close()
    pool.wait_for_done(5000)


def test_the_reading_pane_lists_names_as_they_would_be_written(qtbot: QtBot) -> None:
    """U+202E shows "ordonnance<RLO>fdp.exe" as "ordonnanceexe.pdf": the list shows the
    name without format characters, the one saving and opening use."""
    from dataclasses import replace

    from ui.reading_pane import ReadingPane

    pane = ReadingPane()
    qtbot.addWidget(pane)
    view = FakeMailService().message("INBOX", 1, mark_read=False)
    pane.show_message(replace(view, attachments=(
        an_attachment(HOSTILE_NAME, "application/octet-stream", b"x"),)))
    text = pane.attachments.item(0).text()
    assert "\u202e" not in text and text.startswith("ordonnancefdp.exe ")
