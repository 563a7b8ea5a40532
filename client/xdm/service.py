"""A Qt-free packing service for the desktop app's "structured document" dialog.

``ui.backend.XdmService`` is a protocol (``validate_ins``, ``pack``); this class fits it
structurally, so the UI can hand it to a worker without knowing ``client.xdm``'s types.
The author is the signed-in professional, read when packing (the card may change).
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from client.paths import private_dir
from client.xdm.errors import InvalidXdmInput
from client.xdm.ins import validate_ins
from client.xdm.model import Author, DocumentInput, Patient
from client.xdm.pack import pack_xdm

__all__ = ["PatientFields", "XdmPackService"]

logger = logging.getLogger(__name__)


class PatientFields(Protocol):
    """The patient as a form types it (``ui.backend.PatientForm`` fits)."""

    @property
    def ins(self) -> str: ...
    @property
    def ins_oid(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def birth_date(self) -> str: ...


class XdmPackService:
    """Validate INS as the user types and build ``IHE_XDM.ZIP`` files.

    Args:
        author: the sender, or a callable returning it (e.g. from the card identity with
            :meth:`Author.from_card`).
        recipients: optional callable giving the draft's recipients (intendedRecipient).
    """

    def __init__(self, author: Author | Callable[[], Author],
                 recipients: Callable[[], Sequence[str]] | None = None) -> None:
        self._author = author
        self._recipients = recipients

    def validate_ins(self, matricule: str, oid: str) -> None:
        """Raise :class:`~client.xdm.errors.InvalidIns` naming what is wrong."""
        validate_ins(matricule, oid)

    def pack(self, documents: Sequence[Path], patient: PatientFields, target: Path) -> Path:
        """Build the package for ``documents`` and write it atomically to ``target``.

        Raises:
            InvalidIns, InvalidXdmInput: the identity or a document is unusable.
            OSError: a document cannot be read or the target written.
        """
        try:
            birth = _dt.date.fromisoformat(patient.birth_date)
        except ValueError as exc:
            raise InvalidXdmInput(
                f"The birth date {patient.birth_date!r} is not a date YYYY-MM-DD."
            ) from exc
        person = Patient(ins=validate_ins(patient.ins, patient.ins_oid),
                         family=patient.family_name.strip(), given=patient.given_name.strip(),
                         sex=patient.sex, birth_date=birth)
        author = self._author() if callable(self._author) else self._author
        inputs = [DocumentInput(data=p.read_bytes(), filename=p.name) for p in documents]
        recipients = list(self._recipients()) if self._recipients else []
        result = pack_xdm(inputs, person, author, recipients=recipients)
        private_dir(target.parent)
        fd, temporary = tempfile.mkstemp(prefix=".xdm-", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(result.data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        logger.info("wrote an XDM package of %d document(s)", len(inputs))
        return target
