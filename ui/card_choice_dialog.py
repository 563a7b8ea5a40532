"""Two CPS cards inserted at sign-in: which one? The dialog, and ``cps``'s GUI-neutral
``CardChooser`` implemented with it.

The card service asks from the sign-in worker (``choose_card(choices) -> choice | None``),
before the revocation check and the PIN. :class:`QtCardChooser` forwards the question to
the GUI thread with a signal, shows :class:`CardChoiceDialog` there (holder, profession and
reader of each card), and blocks the asking thread on a ``threading.Event`` until the user
answers, as :class:`ui.pin_dialog.QtPinPrompt` does for the PIN. The card picked is the one
the session then follows: only its removal locks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cps.session_card import CardChoice
from ui.gui_question import GuiQuestion, PendingQuestion

__all__ = ["CardChoiceDialog", "QtCardChooser"]

logger = logging.getLogger(__name__)


def _holder_name(choice: CardChoice) -> str:
    given, family = choice.given_name or "", choice.family_name or ""
    if given or family:
        # "Jean MARTIN", as a letter would address them (the card says "JEAN MARTIN").
        return f"{given.title()} {family.upper()}".strip()
    return choice.holder or ""


class CardChoiceDialog(QDialog):
    """Lists the inserted CPS cards; the user picks the one to sign in with."""

    def __init__(self, choices: Sequence[CardChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardChoiceDialog")
        self.setWindowTitle(self.tr("Choix de la carte CPS"))
        self.setModal(True)
        self.choices = list(choices)
        layout = QVBoxLayout(self)

        intro = QLabel(self.tr(
            "Plusieurs cartes CPS sont insérées. Choisissez celle avec laquelle vous "
            "vous connectez : seul son retrait verrouillera la session."), self)
        intro.setObjectName("cardChoiceIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.list = QListWidget(self)
        self.list.setObjectName("cardChoiceList")
        self.list.setAccessibleName(self.tr("Cartes CPS insérées"))
        for choice in self.choices:
            item = QListWidgetItem(self._line(choice), self.list)
            item.setData(Qt.ItemDataRole.UserRole, choice)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Utiliser cette carte"))
        ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.list.currentRowChanged.connect(lambda row: ok.setEnabled(row >= 0))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def _line(self, choice: CardChoice) -> str:
        name = _holder_name(choice) or self.tr("Titulaire inconnu")
        profession = choice.profession or ""
        reader = choice.reader or ""
        where = (self.tr("lecteur %1").replace("%1", reader) if reader
                 else self.tr("emplacement %1").replace("%1", str(choice.slot_id)))
        who = f"{name} — {profession}" if profession else name
        return f"{who}\n{where}"

    def chosen(self) -> CardChoice | None:
        """The card selected, if any."""
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, CardChoice) else None


class QtCardChooser(GuiQuestion[list[CardChoice], CardChoice]):
    """``cps`` ``CardChooser`` for the desktop: a dialog on the GUI thread.

    ``choose_card`` may be called from any thread; it returns the card picked, or None
    when the user cancelled (or the question was withdrawn, see :meth:`cancel_pending`).
    ``card_chosen`` is emitted on the GUI thread with the card picked, before the asking
    thread goes on.
    """

    card_chosen = Signal(object)

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """Show the dialog and wait for the answer (blocks the calling thread)."""
        return self._ask(list(choices))

    @Slot(object)
    def _show(self, pending: PendingQuestion[list[CardChoice], CardChoice]) -> None:
        dialog = CardChoiceDialog(pending.question, self._parent())
        self._present(dialog, pending, dialog.chosen, dialog.list)

    def _answered(self, pending: PendingQuestion[list[CardChoice], CardChoice]) -> None:
        if pending.answer is not None:
            logger.info("card chosen in the dialog: the one in %s",
                        pending.answer.reader or "an unnamed reader")
            self.card_chosen.emit(pending.answer)
