"""The packing service the desktop dialog calls (structural fit with ui.backend)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from client.xdm import Author, InvalidIns, InvalidXdmInput, read_xdm
from client.xdm.service import XdmPackService
from sandbox.xdm_sample import SAMPLE_CDA_PATH, minimal_pdf


@dataclass(frozen=True)
class Form:
    """Same fields as ``ui.backend.PatientForm`` (kept Qt-free here)."""

    ins: str = "279035121518989"
    ins_oid: str = "1.2.250.1.213.1.4.10"
    family_name: str = "PAT-TROIS"
    given_name: str = "DOMINIQUE"
    sex: str = "F"
    birth_date: str = "1979-03-28"


def test_pack_writes_a_readable_package(tmp_path: Path, author: Author) -> None:
    pdf = tmp_path / "cr.pdf"
    pdf.write_bytes(minimal_pdf(["CR"]))
    service = XdmPackService(lambda: author,
                             recipients=lambda: ["claire.dubois@clinique-sandbox.mssante.fr"])
    target = tmp_path / "draft" / "IHE_XDM.ZIP"
    assert service.pack([SAMPLE_CDA_PATH, pdf], Form(), target) == target
    package = read_xdm(target)
    assert package.patient.ins == "279035121518989"
    assert len(package.documents) == 2
    assert list(target.parent.iterdir()) == [target]


def test_errors_name_the_problem(tmp_path: Path, author: Author) -> None:
    service = XdmPackService(author)
    with pytest.raises(InvalidIns, match="control key"):
        service.validate_ins("279035121518988", "1.2.250.1.213.1.4.10")
    with pytest.raises(InvalidXdmInput, match="not a date"):
        service.pack([SAMPLE_CDA_PATH], Form(birth_date="28/03/1979"), tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()

