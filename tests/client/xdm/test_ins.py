"""INS validation: NIR/NIA control key (Corsica rule), shape, first digit, OID."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.xdm import INS_NIR_OID, INS_TEST_NIR_OID, InvalidIns, validate_ins
from client.xdm.ins import INS_OIDS, nir_key

bodies = st.builds(
    lambda first, middle, dept, rest: first + middle + dept + rest,
    st.sampled_from("123478"),
    st.text("0123456789", min_size=4, max_size=4),
    st.one_of(st.text("0123456789", min_size=2, max_size=2), st.sampled_from(["2A", "2B"])),
    st.text("0123456789", min_size=6, max_size=6),
)


def test_ans_test_patient_ins_is_valid() -> None:
    ins = validate_ins("279035121518989", INS_TEST_NIR_OID)
    assert ins.matricule == "279035121518989"
    assert ins.is_test
    assert ins.cx() == "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH"


def test_corsica_departments_use_19_and_18_for_the_key() -> None:
    # 2A -> 19 and 2B -> 18 before the modulo (INSEE rule); the keys differ.
    assert nir_key("185022A123456") == 97 - 1850219123456 % 97
    assert nir_key("185022B123456") == 97 - 1850218123456 % 97
    key = nir_key("185022A123456")
    assert validate_ins(f"185022a123456{key:02d}", INS_NIR_OID).matricule == (
        f"185022A123456{key:02d}"
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("27903512151898", "15 characters"),
        ("2790351215189890", "15 characters"),
        ("27903X121518989", "only digits"),
        ("279032C21518989", "only digits"),
        ("579035121518989", "first digit"),
        ("279035121518988", "control key"),
    ],
)
def test_wrong_matricules_are_refused_with_the_reason(value: str, fragment: str) -> None:
    with pytest.raises(InvalidIns) as info:
        validate_ins(value, INS_TEST_NIR_OID)
    assert fragment in str(info.value)
    assert info.value.value == value


def test_unknown_oid_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InvalidIns) as info:
        validate_ins("279035121518989", "1.2.250.1.213.1.4.2")
    assert "unknown INS OID" in info.value.reason
    assert INS_NIR_OID in info.value.reason


@given(body=bodies, oid=st.sampled_from(sorted(INS_OIDS)))
def test_any_body_with_its_key_is_accepted(body: str, oid: str) -> None:
    matricule = f"{body}{nir_key(body):02d}"
    ins = validate_ins(matricule, oid)
    assert ins.matricule == matricule and ins.oid == oid


@given(body=bodies, wrong=st.integers(min_value=0, max_value=99))
def test_any_other_key_is_refused(body: str, wrong: int) -> None:
    if wrong == nir_key(body):
        wrong = (wrong + 1) % 100
    with pytest.raises(InvalidIns, match="control key"):
        validate_ins(f"{body}{wrong:02d}", INS_NIR_OID)


@given(body=bodies)
def test_spaces_are_tolerated(body: str) -> None:
    spaced = " ".join([body[:1], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13],
                       f"{nir_key(body):02d}"])
    assert validate_ins(spaced, INS_NIR_OID).matricule == f"{body}{nir_key(body):02d}"


@given(body=bodies, position=st.integers(min_value=0, max_value=12))
def test_a_single_changed_digit_is_detected(body: str, position: int) -> None:
    # The mod-97 key catches every single-digit substitution.
    matricule = f"{body}{nir_key(body):02d}"
    if not matricule[position].isdigit():
        return  # the A/B of a Corsican department
    replacement = "3" if matricule[position] != "3" else "4"
    if position == 0:
        replacement = "1" if matricule[0] != "1" else "2"
    altered = matricule[:position] + replacement + matricule[position + 1:]
    with pytest.raises(InvalidIns):
        validate_ins(altered, INS_NIR_OID)
