"""The mail area with the keyboard and the everyday actions, over the fake mailbox."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from client.mail.mailbox import Folder
from tests.helpers.fake_desktop import FakeCard, make_messages
from ui.folder_tree import FolderTree
from ui.main_window import MainWindow
from ui.message_model import fold
from ui.printing import message_document
from ui.screen_fit import fit_rect


def _focus(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.wait_until(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_tab_walks_folders_list_pane_search(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    _focus(qtbot, signed_in)
    view.folders.setFocus()
    order = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [view.table, view.pane.body, view.search, view.everywhere, view.folders]


def test_arrows_home_end_move_in_the_list_and_reading_waits(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    view = signed_in.mail_view
    mail = fake_card.mailboxes[0]
    mail.rows["INBOX"] = make_messages(60)
    view.open_folder("INBOX")
    qtbot.wait_until(lambda: view.model.rowCount() == 60, timeout=5000)
    _focus(qtbot, signed_in)
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.table.selected_rows() == [1]
    qtbot.keyClick(view.table, Qt.Key.Key_End)
    assert view.table.selected_rows() == [59]
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    assert view.table.selected_rows() == [0]
    qtbot.keyClick(view.table, Qt.Key.Key_PageDown)
    assert view.table.selected_rows()[0] > 1
    # Walking quickly over unread messages does not mark them read.
    view.table.selectRow(3)
    view.table.selectRow(6)
    view.table.selectRow(9)
    qtbot.wait(300)
    assert all(not r.seen for r in mail.rows["INBOX"] if r.uid in (4, 7))


def test_context_menu_offers_the_actions_on_several_messages(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    view = signed_in.mail_view
    view.table.selectAll()
    menu = signed_in.actions_.show_context_menu(QPoint(100, 100))
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    for text in ("Répondre", "Répondre à tous", "Transférer", "Marquer comme lu / non lu",
                 "Déplacer vers", "Archiver", "Supprimer", "Imprimer…"):
        assert text in texts
    menu.close()
    # M on three messages, two of them unread: all read, on the (fake) server too.
    signed_in.actions_.mark_read.trigger()
    mail = fake_card.mailboxes[0]
    qtbot.wait_until(lambda: all(r.seen for r in mail.rows["INBOX"]), timeout=5000)
    assert signed_in.mail_view.folders.label_of("INBOX") == "Boîte de réception"


def _reachable(actions: list[QAction]) -> set[QAction]:
    """The actions of a bar or menu, with those of its submenus."""
    found: set[QAction] = set()
    for action in actions:
        found.add(action)
        if action.menu() is not None:
            found |= _reachable(action.menu().actions())  # type: ignore[union-attr]
    return found


def test_every_message_action_is_in_the_toolbar_the_menus_and_the_context_menu(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    view = signed_in.mail_view
    view.table.selectAll()
    actions = signed_in.actions_
    message_menu = next(a.menu() for a in signed_in.menuBar().actions()
                        if a.text().replace("&", "") == "Message")
    context = actions.show_context_menu(QPoint(100, 100))
    places = {
        "toolbar": _reachable(signed_in.toolbar.actions()),
        "menu bar": _reachable(message_menu.actions()),  # type: ignore[union-attr]
        "context menu": _reachable(context.actions()),
    }
    context.close()
    wanted = [*actions.selection_actions, actions.move_menu.menuAction()]
    for place, found in places.items():
        missing = [a.text() for a in wanted if a not in found]
        assert missing == [], f"{place} lacks {missing}"
    # "Plus" opens its menu at once (one click), its entries enabled on a selection.
    more = signed_in.toolbar.widgetForAction(actions.more)
    assert isinstance(more, QToolButton)
    assert more.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup
    assert actions.more.text() == "Plus" and actions.mark_read.isEnabled()


def test_delete_several_then_undo(qtbot: QtBot, signed_in: MainWindow,
                                  fake_card: FakeCard) -> None:
    view = signed_in.mail_view
    mail = fake_card.mailboxes[0]
    view.table.selectAll()
    signed_in.actions_.delete.trigger()
    assert view.model.rowCount() == 0
    qtbot.wait_until(lambda: signed_in.undo_bar.isVisible(), timeout=5000)
    assert signed_in.undo_bar.label.text() == "3 messages placés dans la corbeille."
    assert len(mail.rows["Trash"]) == 3
    signed_in.undo_bar.button.click()
    qtbot.wait_until(lambda: view.model.rowCount() == 3, timeout=5000)
    assert mail.rows["Trash"] == []
    assert not signed_in.undo_bar.isVisible()


def test_nested_folders_sit_under_their_parent(qtbot: QtBot) -> None:
    tree = FolderTree()
    qtbot.addWidget(tree)
    # The parent is \\Noselect on the server (not listed as a folder of its own).
    tree.set_folders([Folder("INBOX", "/", (), "inbox"),
                      Folder("Dossiers patients/2024", "/", (), None, unread=2, total=5),
                      Folder("Dossiers patients/2023", "/", (), None)])
    model = tree.model()
    top = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert top == ["Boîte de réception", "Dossiers patients"]
    parent = model.index(1, 0)
    assert [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))] == [
        "2023", "2024 (2)"]
    assert tree.paths() == ["INBOX", "Dossiers patients/2023", "Dossiers patients/2024"]
    with qtbot.assert_not_emitted(tree.folder_selected):
        tree.setCurrentIndex(parent)  # a label, not a folder


def test_first_sync_shows_its_own_progress_not_the_previous_list(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    view = signed_in.mail_view
    mail = fake_card.mailboxes[0]
    mail.rows["Dossiers patients"] = make_messages(40, start_uid=100)
    mail.sync_delay = 1.0
    view.refresh_folders()
    qtbot.wait_until(lambda: bool(view.folders.label_of("Dossiers patients")), timeout=5000)
    view.folders.select_path("Dossiers patients")
    assert view.model.rowCount() == 0  # INBOX's messages went at once
    assert view.list_status.isVisible()
    qtbot.wait_until(lambda: "/ 40" in view.list_status.text(), timeout=5000)
    qtbot.wait_until(lambda: view.model.rowCount() == 40, timeout=5000)
    assert not view.list_status.isVisible()


def test_search_folds_accents_and_clears_the_pane(qtbot: QtBot, signed_in: MainWindow) -> None:
    assert fold("Hélène LEFÈVRE") == "helene lefevre"
    view = signed_in.mail_view
    view.select_uid(2)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    view.search.setText("resultats d'analyses")  # "Résultats d'analyses — TSH"
    qtbot.wait_until(lambda: view.search_status.text() == "1 message correspond", timeout=5000)
    assert view.pane.view is None
    view.search.setText("introuvable")
    qtbot.wait_until(lambda: view.search_status.text() == "Aucun message ne correspond",
                     timeout=5000)


def test_windows_are_kept_inside_the_screen() -> None:
    screen = QRect(0, 0, 1280, 800)
    assert fit_rect(QRect(900, 600, 720, 560), screen) == QRect(560, 240, 720, 560)
    assert fit_rect(QRect(-50, -10, 2000, 1200), screen) == screen
    assert fit_rect(QRect(10, 10, 300, 200), screen) == QRect(10, 10, 300, 200)


def test_a_compose_window_opens_inside_the_screen(qtbot: QtBot, signed_in: MainWindow) -> None:
    signed_in.move(5000, 5000)
    compose = signed_in.compose()
    assert compose is not None
    available = compose.screen().availableGeometry()
    assert available.contains(compose.frameGeometry().topLeft())
    compose._discarded = True
    compose.close()


def test_search_across_all_folders_opens_the_hit(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    view = signed_in.mail_view
    view.everywhere.setChecked(True)
    view.search.setText("certificat")  # in Brouillons only
    qtbot.wait_until(lambda: view.results.count() == 1, timeout=5000)
    assert view.search_status.text() == "1 message correspond"
    assert view.model.rowCount() == 3  # the current folder is not filtered meanwhile
    item = view.results.item(0)
    assert "Brouillons" in item.text() and "Certificat de reprise" in item.text()
    view.results.itemActivated.emit(item)
    qtbot.wait_until(lambda: view.current_folder == "Drafts" and view.current_uid == 10,
                     timeout=5000)
    view.search.setText("introuvable")
    qtbot.wait_until(lambda: view.search_status.text() == "Aucun message ne correspond",
                     timeout=5000)
    assert not view.results.isVisible()


def test_print_opens_the_print_dialog_for_the_shown_message(
    qtbot: QtBot, signed_in: MainWindow, tmp_path: Path
) -> None:
    view = signed_in.mail_view
    view.select_uid(2)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    assert signed_in.actions_.print.isEnabled()
    dialog = signed_in.actions_.print_shown()
    assert dialog is not None and dialog.isVisible()
    dialog.reject()  # type: ignore[attr-defined]
    document = message_document(view.pane.view)  # type: ignore[arg-type]
    text = document.toPlainText()
    assert "Lettre de sortie de Mme DUPONT" in text and "Dr Claire DUBOIS" in text
    pdf = signed_in.actions_.export_shown(tmp_path / "lettre.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


def test_a_refresh_keeps_the_selection(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    view.table.selectAll()
    before = sorted(view.selected_uids())
    with qtbot.wait_signal(view.folder_loaded, timeout=5000):
        view.open_folder("INBOX")  # new mail arrived: the same folder is listed again
    assert sorted(view.selected_uids()) == before


def test_search_keys_from_a_worker_apply_only_to_their_rows(qtbot: QtBot) -> None:
    from ui.message_model import MessageTableModel, search_keys

    model = MessageTableModel()
    rows = make_messages(5)
    model.set_messages(rows)
    generation = model.generation
    keys = search_keys(rows)
    assert keys[1].startswith("laboratoire biomed") and "compte rendu n°1" in keys[1]
    model.set_messages(make_messages(3, start_uid=50))
    model.add_keys(keys, generation)  # late: other rows are shown now
    model.set_filter("n°50")
    assert [model.message_at(r).uid for r in range(model.rowCount())] == [50]  # type: ignore[union-attr]
