"""The main window: it assembles the widgets and connects their signals, nothing more.

Mail display is :class:`ui.mail_view.MailView`, sign-in and lock are
:class:`ui.session.SessionController`, the cover is :class:`ui.lock_screen.LockScreen`,
composing is :class:`ui.compose.ComposeWindow`; the directory, settings and outbox have
their own modules too (qutebrowser's habit; Electrum's 3,000-line window is the warning).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QToolButton,
    QWidget,
)

from client.mail.compose import Draft
from ui.backend import CardHolder, MailService, Services
from ui.compose import ComposeWindow
from ui.icons import APP_ICON, icon
from ui.lock_screen import LockScreen
from ui.mail_view import MailView
from ui.mailto_inbox import MailtoInbox
from ui.message_actions import MessageActions
from ui.outbox_view import OutboxView
from ui.pin_dialog import QtPinPrompt
from ui.preferences import Preferences
from ui.screen_fit import fit_to_screen
from ui.session import SessionController, SessionState
from ui.tool_windows import ToolWindows
from ui.tray import NewMailWatcher, Tray
from ui.undo_bar import UndoBar
from ui.wording import describe_error
from ui.workers import WorkerPool

if TYPE_CHECKING:
    from ui.directory_window import DirectoryWindow  # imported when first opened

__all__ = ["APP_NAME", "MainWindow"]

logger = logging.getLogger(__name__)

APP_NAME = "Compagnon MSSanté"


class MainWindow(QMainWindow):
    """Mailbox window, covered by the lock screen until the card and PIN open it."""

    def __init__(self, services: Services, preferences: Preferences | None = None,
                 pool: WorkerPool | None = None, mailto: MailtoInbox | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon(APP_ICON))
        self.services = services
        self.preferences = preferences or Preferences()
        self.pool = pool or WorkerPool(self)
        self.compose_windows: list[ComposeWindow] = []
        self._hidden_composers: list[ComposeWindow] = []
        self._directory_window: DirectoryWindow | None = None
        self._busy_text: str | None = None

        self.mail_view = MailView(self.pool, self)
        self.setCentralWidget(self.mail_view)
        self.outbox = OutboxView(self)
        self.outbox_dock = QDockWidget(self.tr("Boîte d'envoi"), self)
        self.outbox_dock.setObjectName("outboxDock")
        self.outbox_dock.setWidget(self.outbox)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.outbox_dock)
        self.outbox_dock.hide()

        self.status_text = QLabel(self)
        self.status_text.setObjectName("statusText")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("statusProgress")
        self.progress.setMaximumWidth(200)
        self.progress.setAccessibleName(self.tr("Progression"))
        self.progress.hide()
        self.identity_label = QLabel(self)
        self.undo_bar = UndoBar(self)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addWidget(self.undo_bar)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.identity_label)

        self.pin_prompt = QtPinPrompt(self)
        self.session = SessionController(services, self.pool, self.pin_prompt, self)
        self.lock_screen = LockScreen(self)
        self.new_mail = NewMailWatcher(self.pool, self)
        self.tray = Tray(self)
        self.tools = ToolWindows(services, self.pool, self.pin_prompt, self)
        # Clicked mailto: links wait for the mailbox (card + PIN), then open a compose.
        self.mailto = mailto or MailtoInbox(self)
        self.actions_ = MessageActions(self.mail_view, self.pool, self.undo_bar, self)

        self._build_actions()
        self._connect()
        self.lock_screen.show_waiting()
        self._set_unlocked_ui(False)
        self.resize(1100, 720)
        state = self.preferences.window_state("main")
        if state is not None:
            self.restoreGeometry(state)
        fit_to_screen(self)

    def _pin_dialog_shown(self, dialog: QDialog) -> None:
        # The PIN dialog names the holder over the lock screen's own lines.
        self.lock_screen.set_details_visible(False)
        dialog.finished.connect(lambda _result: self.lock_screen.set_details_visible(True))

    # -- assembly ----------------------------------------------------------------------
    def _action(self, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: object,
                icon_name: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.compose_action = self._action(self.tr("&Nouveau message"),
                                           QKeySequence.StandardKey.New,
                                           lambda: self.compose(), "compose")
        self.compose_action.setIconText(self.tr("Écrire"))  # the toolbar's label
        actions = self.actions_
        self.reply_action = actions.reply
        self.refresh_action = self._action(self.tr("&Actualiser"), QKeySequence.StandardKey.Refresh,
                                           lambda: self.mail_view.refresh_folders(), "refresh")
        self.search_action = self._action(self.tr("&Rechercher"), QKeySequence.StandardKey.Find,
                                          self.mail_view.focus_search)
        self.directory_action = self._action(self.tr("&Annuaire santé"), "Ctrl+Shift+D",
                                             self.open_directory, "directory")
        self.settings_action = self._action(self.tr("&Paramètres"), "Ctrl+,",
                                            self.open_settings, "settings")
        self.bridge_action = self._action(self.tr("Pont &Thunderbird"), None,
                                          self.tools.open_bridge)
        self.audit_action = self._action(self.tr("&Journal de sécurité"), None,
                                         self.tools.open_audit)
        self.outbox_action = self.outbox_dock.toggleViewAction()
        self.outbox_action.setText(self.tr("&Boîte d'envoi"))
        self.outbox_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        # Ctrl+L forwards, as in Thunderbird; locking takes Ctrl+Shift+L.
        self.lock_action = self._action(self.tr("&Verrouiller"), "Ctrl+Shift+L",
                                        self.session.lock, "lock")
        self.quit_action = self._action(self.tr("&Quitter"), QKeySequence.StandardKey.Quit,
                                        self.quit)
        focus_folders = self._action(self.tr("Aller aux dossiers"), "Alt+1",
                                     self.mail_view.folders.setFocus)
        focus_list = self._action(self.tr("Aller à la liste"), "Alt+2",
                                  self.mail_view.table.setFocus)
        focus_body = self._action(self.tr("Aller au message"), "Alt+3",
                                  self.mail_view.pane.body.setFocus)

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&Fichier"))
        file_menu.addAction(self.compose_action)
        file_menu.addSeparator()
        for action in actions.folder_actions.actions:
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.quit_action)
        message_menu = menu.addMenu(self.tr("&Message"))
        actions.fill_menu(message_menu)
        message_menu.addSeparator()
        message_menu.addAction(self.refresh_action)
        message_menu.addAction(self.search_action)
        view_menu = menu.addMenu(self.tr("&Affichage"))
        view_menu.addAction(self.outbox_action)
        for action in (focus_folders, focus_list, focus_body):
            view_menu.addAction(action)
        tools_menu = menu.addMenu(self.tr("&Outils"))
        tools_menu.addAction(self.directory_action)
        tools_menu.addAction(self.bridge_action)
        tools_menu.addAction(self.audit_action)
        tools_menu.addSeparator()
        tools_menu.addAction(self.settings_action)

        toolbar = self.addToolBar(self.tr("Barre d'outils"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.compose_action, actions.reply, actions.reply_all,
                       actions.forward, actions.archive, actions.delete, actions.flag,
                       actions.more, self.refresh_action, self.directory_action):
            toolbar.addAction(action)
        more = toolbar.widgetForAction(actions.more)
        if isinstance(more, QToolButton):
            more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar = toolbar
        self._session_actions = [self.compose_action, self.refresh_action,
                                 self.search_action, self.lock_action, self.outbox_action,
                                 *actions.folder_actions.actions]

    def _connect(self) -> None:
        self.pin_prompt.dialog_shown.connect(self._pin_dialog_shown)
        view = self.mail_view
        view.busy.connect(self._busy)
        view.idle.connect(self._idle)
        view.progress.connect(self._progress)
        view.error.connect(self.show_error)
        view.draft_opened.connect(self.compose)
        self.actions_.draft_ready.connect(self.compose)
        view.folder_loaded.connect(
            lambda path, n: self.status_text.setText(
                self.tr("%1 : %n message(s)", "", n).replace(
                    "%1", self.mail_view.folders.display_name(path))))
        self.session.holder_detected.connect(self._holder_detected)
        self.session.signed_in.connect(self._signed_in)
        self.session.resumed.connect(self._resumed)
        self.session.locking.connect(self._collect_drafts)
        self.session.locked.connect(self._locked)
        self.session.sign_in_failed.connect(self._sign_in_failed)
        self.session.drafts_saved.connect(
            lambda n: logger.info("%d draft(s) saved at lock", n))
        self.lock_screen.retry_requested.connect(self.session.retry)
        self.lock_screen.settings_requested.connect(self.open_settings)
        self.session.attach_lock_screen(self.lock_screen,
                                        lambda: self.preferences.ecps_idle_minutes)
        self.outbox.retry_requested.connect(self._retry_outbox)
        self.outbox.refresh_requested.connect(self.refresh_outbox)
        self.new_mail.new_mail.connect(self._new_mail)
        self.tray.show_requested.connect(self._raise)
        self.tray.compose_requested.connect(lambda: self.compose())
        self.tray.quit_requested.connect(self.quit)
        self.mailto.attach(self.compose, lambda: self.mail is not None)

    def start(self) -> None:
        """Show the tray and start watching the card."""
        self.tray.show()
        self.session.start()

    # -- session -----------------------------------------------------------------------
    @property
    def mail(self) -> MailService | None:
        """The open mailbox (None while locked)."""
        return self.session.mail

    def _holder_detected(self, holder: CardHolder) -> None:
        self.lock_screen.show_signing_in(holder)

    def _signed_in(self, holder: CardHolder, mail: MailService) -> None:
        # A different user: what the previous one had open goes away (their drafts
        # were saved to their own mailbox at lock time).
        for window in list(self._hidden_composers):
            window._discarded = True  # already saved under the previous user
            window.close()
        self._hidden_composers.clear()
        self._open_session(holder, mail, resume=False)

    def _resumed(self, holder: CardHolder, mail: MailService) -> None:
        self._open_session(holder, mail, resume=True)
        for window in self._hidden_composers:
            window.show()
        self._hidden_composers.clear()

    def _open_session(self, holder: CardHolder, mail: MailService, *, resume: bool) -> None:
        self.services.holder = holder
        self.identity_label.setText(f"{holder.display_name} — {mail.address}")
        self.lock_screen.uncover()
        self._set_unlocked_ui(True)
        self.mail_view.set_mail(mail, resume=resume)
        self.new_mail.start(mail)
        self.refresh_outbox()
        if not resume:
            self.pool.submit(mail.drafts, on_result=self._offer_drafts,
                             on_error=lambda exc: logger.info("no drafts: %s",
                                                              type(exc).__name__))
        self.mailto.flush()

    def _offer_drafts(self, drafts: list[Draft]) -> None:
        if drafts:
            self.status_text.setText(
                self.tr("%n brouillon(s) enregistré(s) dans Brouillons.", "", len(drafts)))

    def _collect_drafts(self) -> None:
        # Synchronous, in the removal's event-loop turn: what is typed goes to the
        # controller before the sessions close.
        for window in list(self.compose_windows):
            draft = window.draft()
            self.session.add_draft(draft)
            if window.isVisible():
                window.hide()
                self._hidden_composers.append(window)

    def _locked(self) -> None:
        self.new_mail.stop()
        self.lock_screen.show_locked(self.session.holder)
        self._set_unlocked_ui(False)
        self.mail_view.clear_for_lock()
        self.progress.hide()

    def _sign_in_failed(self, message: str) -> None:
        if self.session.state == SessionState.LOCKED:
            return
        self.lock_screen.show_failure(message)

    def _set_unlocked_ui(self, unlocked: bool) -> None:
        self.mail_view.setEnabled(unlocked)
        self.outbox.setEnabled(unlocked)
        for action in self._session_actions:
            action.setEnabled(unlocked)
        if unlocked:
            self.actions_.update_enabled()
        else:
            self.undo_bar.dismiss()
            for action in self.actions_.selection_actions:
                action.setEnabled(False)

    # -- actions -----------------------------------------------------------------------
    def compose(self, draft: Draft | None = None) -> ComposeWindow | None:
        """Open a compose window."""
        if self.mail is None:
            return None
        window = ComposeWindow(self.services, self.pool, lambda: self.session.mail, draft)
        window.setWindowIcon(self.windowIcon())
        window.sent.connect(self._message_sent)
        window.closed.connect(self._compose_closed)
        self.compose_windows.append(window)
        # A little down and right of the main window, as mail clients do, inside the screen.
        window.move(self.geometry().topLeft() + QPoint(40, 40))
        fit_to_screen(window, near=self)
        window.show()
        return window

    def _compose_closed(self, window: ComposeWindow) -> None:
        if window in self.compose_windows:
            self.compose_windows.remove(window)
        window.deleteLater()

    def reply(self) -> None:
        """Reply to the message shown (the compose window opens when the draft is ready)."""
        self.actions_.answer(False)

    def _message_sent(self, message_id: str) -> None:
        self.status_text.setText(self.tr("Message envoyé."))
        self.refresh_outbox()

    def refresh_outbox(self) -> None:
        """Reload the outbox list."""
        mail = self.mail
        if mail is not None:
            self.pool.submit(mail.outbox, on_result=self.outbox.set_items,
                             on_error=lambda exc: self.show_error(describe_error(exc)))

    def _retry_outbox(self, message_id: str) -> None:
        mail = self.mail
        if mail is not None:
            self.pool.submit(mail.retry, message_id, on_result=lambda _r: self.refresh_outbox(),
                             on_error=lambda exc: self.show_error(describe_error(exc)))

    def open_directory(self) -> QWidget | None:
        """The directory window (search, details, write to, import)."""
        from ui.directory_window import DirectoryWindow

        window = self._directory_window
        if window is None:
            window = DirectoryWindow(self.services, self.pool, self)
            window.write_to.connect(lambda address: self.compose(
                Draft(draft_id=uuid.uuid4().hex, to=(address,))))
            self._directory_window = window
            fit_to_screen(window, near=self)
        window.show()
        window.raise_()
        return window

    def open_settings(self) -> QWidget:
        """The settings dialog."""
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self.preferences, self.pool, self)
        dialog.open()
        return dialog

    def _new_mail(self) -> None:
        self.tray.notify_new_mail()
        if self.mail_view.current_folder:
            QTimer.singleShot(0, lambda: self.mail_view.refresh_folders())

    # -- status ------------------------------------------------------------------------
    def _busy(self, text: str) -> None:
        self._busy_text = text
        self.status_text.setText(text)

    def _idle(self) -> None:
        if self.pool.active_count <= 2:  # the IDLE loop may stay active
            self.progress.hide()
            # A finished task's "…in progress" text goes; results and errors stay.
            if self.status_text.text() == self._busy_text:
                self.status_text.setText("")

    def _progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)

    def show_error(self, message: str) -> None:
        """Errors go to the status bar (and screen readers), never a blocking box."""
        self.status_text.setText(message)
        self.status_text.setAccessibleDescription(message)

    def _raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Save drafts, close sessions, leave."""
        self.close()
        QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what is typed, close the sessions, stop the watchers."""
        self.preferences.set_window_state("main", self.saveGeometry())
        self.preferences.sync()
        self.new_mail.stop()
        if self.session.state == SessionState.OPEN:
            # The lock path saves every open draft, then closes the sessions.
            self.session.lock()
        for window in list(self.compose_windows):
            window._discarded = True  # saved by the lock path just above
            window.close()
        self.pool.wait_for_done(10_000)
        self.tools.shutdown()
        self.session.shutdown()
        if self.services.directory is not None:
            self.services.directory.close()
        self.tray.icon.hide()
        super().closeEvent(event)
