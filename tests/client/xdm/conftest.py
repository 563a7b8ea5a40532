"""Fixtures of the XDM tests: ANS's real CDA examples, a patient, an author."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from client.xdm import Author, Patient, validate_ins
from tests.helpers.data import CDA_DIR


def cda_files() -> list[Path]:
    """The four ANS example CDA documents (tests/data/cda)."""
    files = sorted(CDA_DIR.glob("*.xml"))
    assert len(files) == 4, f"ANS's CDA examples are missing from {CDA_DIR}"
    return files


@pytest.fixture(scope="session")
def patient() -> Patient:
    """The test patient of ANS's examples (INS-NIR de test)."""
    return Patient(ins=validate_ins("279035121518989", "1.2.250.1.213.1.4.10"),
                   family="PAT-TROIS", given="DOMINIQUE", sex="F",
                   birth_date=dt.date(1979, 3, 28))


@pytest.fixture(scope="session")
def author() -> Author:
    """The sandbox doctor."""
    return Author(national_id="810001234567", family="MARTIN", given="JEAN")
