"""A question a worker thread asks and the GUI thread answers with a dialog.

The card service asks from its own threads (the PIN, which card to use) and waits for
the answer. :class:`GuiQuestion` forwards the question to the GUI thread with a signal,
where the subclass shows its dialog (:meth:`GuiQuestion._show`), and blocks the asking
thread on a ``threading.Event`` until the dialog is closed (Electrum's ``get_pin``
pattern); :meth:`GuiQuestion.cancel_pending` withdraws the question (card removed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

__all__ = ["GuiQuestion", "PendingQuestion"]

QuestionT = TypeVar("QuestionT")
AnswerT = TypeVar("AnswerT")


class PendingQuestion(Generic[QuestionT, AnswerT]):
    """One question crossing from a worker to the GUI thread, and its answer (None:
    cancelled or withdrawn)."""

    def __init__(self, question: QuestionT) -> None:
        self.question = question
        self.answer: AnswerT | None = None
        self.done = threading.Event()


class GuiQuestion(QObject, Generic[QuestionT, AnswerT]):
    """Base of the desktop's prompts: ``_ask`` from any thread, a dialog on the GUI thread.

    ``dialog_shown`` is emitted with each dialog opened; ``current_dialog`` is the one
    open, if any.
    """

    _requested = Signal(object)
    dialog_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self._requested.connect(self._show)
        self._lock = threading.Lock()
        self._pending: PendingQuestion[QuestionT, AnswerT] | None = None
        self.current_dialog: QDialog | None = None

    def _ask(self, question: QuestionT) -> AnswerT | None:
        """Show the dialog for ``question`` and wait for the answer (None: cancelled)."""
        pending: PendingQuestion[QuestionT, AnswerT] = PendingQuestion(question)
        if QThread.currentThread() is self.thread():
            # Called on the GUI thread (a test, or a synchronous caller): run modally.
            self._show(pending)
            dialog = self.current_dialog
            if dialog is not None and not pending.done.is_set():
                loop = QEventLoop()
                dialog.finished.connect(loop.quit)
                loop.exec()
            return pending.answer
        with self._lock:
            self._pending = pending
        self._requested.emit(pending)
        pending.done.wait()
        with self._lock:
            self._pending = None
        return pending.answer

    def cancel_pending(self) -> None:
        """Answer None to a waiting question and close its dialog (card removed)."""
        dialog = self.current_dialog
        if dialog is not None:
            dialog.reject()
        with self._lock:
            pending = self._pending
        if pending is not None and not pending.done.is_set():
            pending.done.set()

    def _parent(self) -> QWidget | None:
        return self._parent_widget if isinstance(self._parent_widget, QWidget) else None

    def _present(self, dialog: QDialog, pending: PendingQuestion[QuestionT, AnswerT],
                 answer: Callable[[], AnswerT | None], focus: QWidget) -> None:
        """Open ``dialog`` for ``pending``; accepted, ``answer()`` is the answer."""

        def finish(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                pending.answer = answer()
            self._answered(pending)
            pending.done.set()
            if self.current_dialog is dialog:
                self.current_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finish)
        self.current_dialog = dialog
        dialog.open()
        focus.setFocus()
        self.dialog_shown.emit(dialog)

    def _answered(self, pending: PendingQuestion[QuestionT, AnswerT]) -> None:
        """On the GUI thread, before the asking thread is released (subclasses hook)."""

    @Slot(object)
    def _show(self, pending: PendingQuestion[QuestionT, AnswerT]) -> None:
        raise NotImplementedError
