""""Attach as structured document": the patient's identity, checked, then an IHE XDM.

The INS is validated by ``client.xdm`` as the user types (matricule key, OID); the
package is built on a worker. The dialog only collects and shows.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ui.backend import PatientForm, XdmService
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["INS_OIDS", "NO_DATE", "StructuredDocumentDialog"]

logger = logging.getLogger(__name__)

#: The birth date field's "not given" value (shown as "À indiquer").
NO_DATE = QDate(1900, 1, 1)

#: OID -> label (INS: NIR, NIA, test identities).
INS_OIDS: dict[str, str] = {
    "1.2.250.1.213.1.4.8": "NIR",
    "1.2.250.1.213.1.4.9": "NIA",
    "1.2.250.1.213.1.4.10": "NIR de test",
    "1.2.250.1.213.1.4.11": "NIA de test",
}


class StructuredDocumentDialog(QDialog):
    """Collects documents and the patient identity; emits the package path."""

    packed = Signal(object)  # Path of IHE_XDM.ZIP

    def __init__(self, pool: WorkerPool, xdm: XdmService | None, target_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("structuredDialog")
        self.setWindowTitle(self.tr("Joindre un document structuré"))
        self.pool = pool
        self.xdm = xdm
        self.target_dir = target_dir
        self.documents: list[Path] = []
        form = QFormLayout(self)

        files_row = QHBoxLayout()
        self.files_label = QLabel(self.tr("Aucun document"), self)
        choose = QPushButton(self.tr("Choisir…"), self)
        choose.clicked.connect(self._choose_files)
        files_row.addWidget(self.files_label, 1)
        files_row.addWidget(choose)
        form.addRow(self.tr("Documents (CDA, PDF)"), files_row)

        self.ins = QLineEdit(self)
        self.ins.setObjectName("insEdit")
        self.ins.setAccessibleName(self.tr("INS du patient"))
        self.ins.setPlaceholderText(self.tr("Matricule INS (15 chiffres)"))
        self.ins.setMaxLength(15)
        form.addRow(self.tr("INS"), self.ins)
        self.oid = QComboBox(self)
        self.oid.setAccessibleName(self.tr("Type d'INS"))
        labels = {"NIR": self.tr("NIR"), "NIA": self.tr("NIA"),
                  "NIR de test": self.tr("NIR de test"), "NIA de test": self.tr("NIA de test")}
        for oid, label in INS_OIDS.items():
            self.oid.addItem(labels[label], oid)
        form.addRow(self.tr("Type d'INS"), self.oid)
        self.ins_status = QLabel(self)
        self.ins_status.setObjectName("insStatus")
        self.ins_status.setWordWrap(True)
        form.addRow("", self.ins_status)

        self.family = QLineEdit(self)
        self.family.setAccessibleName(self.tr("Nom de naissance"))
        form.addRow(self.tr("Nom de naissance"), self.family)
        self.given = QLineEdit(self)
        self.given.setAccessibleName(self.tr("Prénom"))
        form.addRow(self.tr("Prénom"), self.given)
        self.sex = QComboBox(self)
        self.sex.setObjectName("patientSex")
        self.sex.setAccessibleName(self.tr("Sexe"))
        # Never guessed: the form starts without a sex and without a birth date.
        self.sex.addItem(self.tr("À indiquer"), "")
        self.sex.addItem(self.tr("Féminin"), "F")
        self.sex.addItem(self.tr("Masculin"), "M")
        self.sex.addItem(self.tr("Inconnu"), "U")
        form.addRow(self.tr("Sexe"), self.sex)
        self.birth = QDateEdit(self)
        self.birth.setAccessibleName(self.tr("Date de naissance"))
        self.birth.setObjectName("patientBirthDate")
        self.birth.setDisplayFormat("dd/MM/yyyy")
        self.birth.setCalendarPopup(True)
        # The minimum date stands for "not given" and shows as a blank to fill in.
        self.birth.setMinimumDate(NO_DATE)
        self.birth.setMaximumDate(QDate.currentDate())
        self.birth.setSpecialValueText(self.tr("À indiquer"))
        self.birth.setDate(NO_DATE)
        today = QDate.currentDate()
        self.birth.calendarWidget().setCurrentPage(today.year() - 40, today.month())
        form.addRow(self.tr("Date de naissance"), self.birth)
        self.identity_status = QLabel(self)
        self.identity_status.setObjectName("identityStatus")
        self.identity_status.setWordWrap(True)
        form.addRow("", self.identity_status)

        self.error = QLabel(self)
        self.error.setObjectName("structuredError")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Joindre"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.buttons.accepted.connect(self._pack)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.ins.textChanged.connect(self._validate)
        self.oid.currentIndexChanged.connect(lambda _i: self._validate())
        for edit in (self.family, self.given):
            edit.textChanged.connect(lambda _t: self._validate())
        self.sex.currentIndexChanged.connect(lambda _i: self._validate())
        self.birth.dateChanged.connect(lambda _d: self._validate())
        self._validate()

    def set_documents(self, paths: list[Path]) -> None:
        """Documents to pack (also used by tests instead of the file dialog)."""
        self.documents = [p for p in paths if p.is_file()]
        names = ", ".join(p.name for p in self.documents)
        self.files_label.setText(names or self.tr("Aucun document"))
        self._validate()

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Documents à joindre"), str(Path.home()),
            self.tr("Documents (*.xml *.pdf);;Tous les fichiers (*)"),
        )
        self.set_documents([Path(f) for f in files])

    def patient(self) -> PatientForm:
        """The identity typed."""
        return PatientForm(
            ins=self.ins.text().strip(),
            ins_oid=str(self.oid.currentData()),
            family_name=self.family.text().strip(),
            given_name=self.given.text().strip(),
            sex=str(self.sex.currentData()),
            birth_date=("" if self.birth.date() == NO_DATE
                        else self.birth.date().toString("yyyy-MM-dd")),
        )

    def identity_error(self) -> str:
        """What is missing from the patient's identity, ``""`` when it is complete."""
        patient = self.patient()
        if not patient.family_name or not patient.given_name:
            return self.tr("Indiquez le nom de naissance et le prénom du patient.")
        if not patient.sex:
            return self.tr("Indiquez le sexe du patient.")
        if not patient.birth_date:
            return self.tr("Indiquez la date de naissance du patient.")
        return ""

    def ins_error(self) -> str:
        """Why the INS is not valid, ``""`` when it is."""
        patient = self.patient()
        if not patient.ins:
            return self.tr("Saisissez l'INS du patient.")
        if self.xdm is None:
            return ""
        try:
            self.xdm.validate_ins(patient.ins, patient.ins_oid)
        except Exception as exc:  # any refusal is shown to the user
            return describe_error(exc)
        return ""

    def _validate(self) -> None:
        problem = self.ins_error()
        self.ins_status.setText(problem or self.tr("INS valide."))
        self.ins_status.setStyleSheet("color:#c5221f" if problem else "color:#188038")
        missing = self.identity_error()
        self.identity_status.setText(missing)
        complete = not problem and not missing and bool(self.documents)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(complete)

    def _pack(self) -> None:
        if self.xdm is None:
            self.error.setText(self.tr("Les documents structurés ne sont pas disponibles."))
            return
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Préparation du document structuré…"))
        target = self.target_dir / "IHE_XDM.ZIP"
        self.pool.submit(self.xdm.pack, list(self.documents), self.patient(), target,
                         on_result=self._packed, on_error=self._failed, owner=self)

    def _packed(self, path: Path) -> None:
        self.packed.emit(path)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(describe_error(exc))
