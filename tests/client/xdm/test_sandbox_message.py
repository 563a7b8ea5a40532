"""The sandbox's seeded XDM message, read from the doctor's mailbox and unpacked."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.xdm import (
    describe_attachment,
    display_subject,
    extract_xdm,
    read_xdm,
    xdm_message_headers,
)
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(180)]


def test_seeded_xdm_message_is_read_and_unpacked(
    sandbox_operator: Sandbox, tmp_path: Path
) -> None:
    messages = [m for m in sandbox_operator.messages(DOCTOR)
                if str(m.get("Subject", "")).startswith("XDM/1.0/DDM+")]
    assert len(messages) == 1
    message = messages[0]
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    package_bytes = attachments["IHE_XDM.ZIP"]
    assert isinstance(package_bytes, bytes)

    # What the reader shows instead of a bare ZIP and of the integration prefix.
    info = describe_attachment("IHE_XDM.ZIP", package_bytes)
    assert info is not None and info.label == "Document structuré pour PAT-TROIS DOMINIQUE"
    assert display_subject(str(message["Subject"])).endswith("PAT-TROIS DOMINIQUE 28/03/1979")
    # The MSSanté headers agree with the package.
    headers = xdm_message_headers(package_bytes)
    assert str(message["X-MSS-CODECDA"]) == headers["X-MSS-CODECDA"] == "11502-2"
    assert str(message["X-MSS-INS"]) == headers["X-MSS-INS"]

    package = read_xdm(package_bytes)
    written = extract_xdm(package, tmp_path / "unpacked")
    cda = tmp_path / "unpacked" / "IHE_XDM" / "SUBSET01" / "DOC0001.XML"
    assert cda in written
    assert package.documents[0].cda is not None
    assert package.documents[0].cda.patient_ins == package.patient.ins == "279035121518989"
