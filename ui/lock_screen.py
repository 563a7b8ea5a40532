"""The screen that covers the window before sign-in and after the card is removed.

It is an overlay child of the main window (not a page of it), so it covers the menus
and toolbars too and appears in the same event-loop turn as the removal signal. It always
says which product this is, whose session it is when known, and what to do next. When
the profile names a Pro Santé Connect gateway it offers two ways in: "Carte CPS" (the
default when a card is present) and "e-CPS" (approval on the phone, national identifier
remembered per profile).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import CardHolder
from ui.icons import icon

__all__ = ["LockScreen"]

logger = logging.getLogger(__name__)


class LockScreen(QWidget):
    """Opaque cover with the card prompt; resizes with the window it covers."""

    retry_requested = Signal()
    settings_requested = Signal()
    ecps_requested = Signal(str)  # national identifier
    unlock_requested = Signal()  # e-CPS idle lock: resume if the PSC session lives

    def __init__(self, covered: QWidget) -> None:
        super().__init__(covered)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setAccessibleName(self.tr("Écran de verrouillage"))
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.product = QLabel(self.tr("Compagnon MSSanté"), self)
        self.product.setObjectName("lockProduct")
        self.product.setAlignment(Qt.AlignmentFlag.AlignCenter)
        product_font = self.product.font()
        product_font.setPointSizeF(product_font.pointSizeF() * 2.0)
        self.product.setFont(product_font)
        layout.addWidget(self.product)
        self.tagline = QLabel(self.tr("Messagerie sécurisée de santé"), self)
        self.tagline.setObjectName("lockTagline")
        self.tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.tagline)
        layout.addSpacing(16)
        self.picture = QLabel(self)
        self.picture.setPixmap(icon("card").pixmap(96, 96))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.picture)
        self.title = QLabel(self)
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.detail = QLabel(self)
        self.detail.setObjectName("lockDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self._build_choice(layout)
        self.retry_button = QPushButton(self.tr("Se connecter"), self)
        self.retry_button.setObjectName("lockRetry")
        self.retry_button.clicked.connect(self.retry_requested)
        self.retry_button.hide()
        self._failed = False  # a failure is shown: the card path offers its retry
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton(self.tr("Déverrouiller"), self)
        self.unlock_button.setObjectName("lockUnlock")
        self.unlock_button.clicked.connect(self.unlock_requested)
        self.unlock_button.hide()
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignCenter)
        # Reachable while covered: the card module or the profile may be what is wrong.
        self.settings_button = QPushButton(self.tr("Paramètres…"), self)
        self.settings_button.setObjectName("lockSettings")
        self.settings_button.setFlat(True)
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        covered.installEventFilter(self)
        self.setGeometry(covered.rect())

    def _build_choice(self, layout: QVBoxLayout) -> None:
        """"Carte CPS" / "e-CPS" and the e-CPS form (hidden until e-CPS is offered)."""
        self.choice = QWidget(self)
        row = QHBoxLayout(self.choice)
        row.addStretch(1)
        self.card_choice = QPushButton(self.tr("Carte CPS"), self.choice)
        self.card_choice.setObjectName("lockChoiceCard")
        self.ecps_choice = QPushButton(self.tr("e-CPS"), self.choice)
        self.ecps_choice.setObjectName("lockChoiceEcps")
        self._choices = QButtonGroup(self)
        for button in (self.card_choice, self.ecps_choice):
            button.setCheckable(True)
            self._choices.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.card_choice.setChecked(True)
        self.card_choice.clicked.connect(self._choice_changed)
        self.ecps_choice.clicked.connect(self._choice_changed)
        layout.addWidget(self.choice)
        self.choice.hide()

        self.ecps_form = QWidget(self)
        form = QHBoxLayout(self.ecps_form)
        form.addStretch(1)
        label = QLabel(self.tr("Identifiant national :"), self.ecps_form)
        form.addWidget(label)
        self.national_id = QLineEdit(self.ecps_form)
        self.national_id.setObjectName("lockNationalId")
        self.national_id.setPlaceholderText(self.tr("8 + n° RPPS ou 0 + n° ADELI"))
        self.national_id.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9]{0,12}"), self.national_id))
        self.national_id.setAccessibleName(self.tr("Identifiant national"))
        label.setBuddy(self.national_id)
        form.addWidget(self.national_id)
        self.ecps_button = QPushButton(self.tr("Se connecter avec e-CPS"), self.ecps_form)
        self.ecps_button.setObjectName("lockEcpsSignIn")
        self.ecps_button.clicked.connect(self._ecps_clicked)
        self.national_id.returnPressed.connect(self._ecps_clicked)
        self.national_id.textChanged.connect(self._national_id_changed)
        form.addWidget(self.ecps_button)
        form.addStretch(1)
        layout.addWidget(self.ecps_form)
        self.ecps_form.hide()
        self._ecps_offered = False
        self._card_problem = ""
        self._national_id_changed(self.national_id.text())

    def offer_ecps(self, national_id: str, *, card_present: bool,
                   card_problem: str = "") -> None:
        """Show the two ways in; "Carte CPS" is chosen when a card is present.

        Args:
            card_problem: why the card cannot be used (a module path that does not load,
                no Cryptolib CPS), said when "Carte CPS" is chosen instead of asking
                for a card that would not be read.
        """
        self._ecps_offered = True
        self._card_problem = card_problem
        if national_id and not self.national_id.text():
            self.national_id.setText(national_id)
        self.choice.show()
        (self.card_choice if card_present else self.ecps_choice).setChecked(True)
        if card_present:
            self.ecps_form.hide()  # what is shown (the holder, a failure) stays
        else:
            self._choice_changed()

    @property
    def ecps_chosen(self) -> bool:
        """The user chose e-CPS."""
        return self._ecps_offered and self.ecps_choice.isChecked()

    def _choice_changed(self, _checked: bool = False) -> None:
        ecps = self.ecps_chosen
        self.ecps_form.setVisible(ecps)
        # e-CPS is approved on the phone: its picture, not the card's.
        self.picture.setPixmap(icon("phone" if ecps else "card").pixmap(96, 96))
        if ecps:
            self.title.setText(self.tr("Connexion avec e-CPS"))
            self.detail.setText(self.tr(
                "Saisissez votre identifiant national puis validez la demande dans "
                "l'application e-CPS de votre téléphone."))
            self.retry_button.hide()
            self.national_id.setFocus()
        elif self._ecps_offered and self._card_problem:
            self.title.setText(self.tr("Carte CPS inutilisable"))
            self.detail.setText(self._card_problem + "\n"
                                + self.tr("Vous pouvez aussi vous connecter avec e-CPS."))
        elif self._ecps_offered:
            self.title.setText(self.tr("Insérez votre carte CPS"))
            self.detail.setText(self.tr("Insérez votre carte CPS pour ouvrir votre "
                                        "messagerie, ou choisissez e-CPS."))
            # Back to the card after a failure: a card already inserted is tried again
            # by the retry button.
            self.retry_button.setVisible(self._failed)

    def _national_id_changed(self, text: str) -> None:
        self.ecps_button.setEnabled(len(text) >= 9)

    def _ecps_clicked(self) -> None:
        text = self.national_id.text().strip()
        if len(text) >= 9:
            self.ecps_requested.emit(text)

    def show_ecps_locked(self, holder: CardHolder | None) -> None:
        """e-CPS session locked (idle or desktop lock): one click resumes it."""
        self._failed = False
        self.title.setText(self.tr("Session verrouillée"))
        who = f"{holder.display_name} — " if holder is not None else ""
        self.detail.setText(who + self.tr(
            "Cliquez sur Déverrouiller pour reprendre. Une nouvelle validation e-CPS "
            "ne sera demandée que si votre session Pro Santé Connect a pris fin."))
        self.retry_button.hide()
        self.choice.hide()
        self.ecps_form.hide()
        self.unlock_button.show()
        self._cover()

    def set_details_visible(self, visible: bool) -> None:
        """Hide the card picture, the holder and the status line while a dialog that
        names them (the PIN) stands over them, so that no half-covered line shows around
        its edges; their room is kept, so nothing else moves."""
        for widget in (self.picture, self.title, self.detail):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
            widget.setVisible(visible)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the covered window's size."""
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False

    def show_waiting(self) -> None:
        """Before sign-in: ask for the card."""
        self._failed = False
        self.title.setText(self.tr("Insérez votre carte CPS"))
        self.detail.setText(
            self.tr("Insérez votre carte CPS pour ouvrir votre messagerie.")
        )
        self.retry_button.hide()
        self.unlock_button.hide()
        if self._ecps_offered:
            self.choice.show()
            self._choice_changed()
        self._cover()

    def show_signing_in(self, holder: CardHolder) -> None:
        """A card is in: say whose, while the PIN is asked."""
        self._failed = False
        self.title.setText(holder.display_name)
        text = holder.profession or ""
        connecting = self.tr("Connexion à la messagerie…")
        self.detail.setText(f"{text}\n{connecting}" if text else connecting)
        self.retry_button.hide()
        self.unlock_button.hide()
        self.ecps_form.hide()
        self._cover()

    def show_locked(self, holder: CardHolder | None) -> None:
        """After removal: the session is locked."""
        self._failed = False
        self.title.setText(self.tr("Session verrouillée"))
        who = f"{holder.display_name} — " if holder is not None else ""
        self.detail.setText(
            who + self.tr("Réinsérez votre carte CPS et saisissez votre code PIN pour "
                          "reprendre là où vous en étiez.")
        )
        self.retry_button.hide()
        self.unlock_button.hide()
        self._cover()

    def show_failure(self, message: str) -> None:
        """Sign-in failed: the reason and a retry button."""
        self.title.setText(self.tr("Connexion impossible"))
        self.detail.setText(message)
        self._failed = True
        # The retry button tries the card again; with e-CPS chosen, its own button retries.
        self.retry_button.setVisible(not self.ecps_chosen)
        self.unlock_button.hide()
        if self._ecps_offered:
            # e-CPS stays at hand: the failure may be the card's.
            self.choice.show()
            self.ecps_form.setVisible(self.ecps_chosen)
        self._cover()

    def _cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def uncover(self) -> None:
        """Signed in: reveal the window."""
        self.hide()
