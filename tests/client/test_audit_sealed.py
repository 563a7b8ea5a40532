"""The keyed audit trail: a rewrite without the key fails, rotation keeps one chain, an
unkeyed trail from an earlier version is kept and said so, no switch turns it off."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from client import audit_key
from client.audit import AuditKeyUnavailable, AuditLog, AuditTampered, _chain_hash, record
from client.cli import main
from client.cli._common import EXIT_ERROR
from tests.client.test_secrets import secret_service  # noqa: F401 - fixture
from tests.helpers.fake_keyring import fake_keyring, no_keyring

KEY = bytes(range(32))


def _key() -> bytes:
    return KEY


def _no_key() -> bytes:
    raise AuditKeyUnavailable("keyring locked")


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, objs: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")


def _rechain_without_key(objs: list[dict[str, object]], keyed: Callable[..., str]) -> None:
    """What an attacker without the key can do: recompute every link his own way."""
    prev = "0" * 64
    for seq, obj in enumerate(objs, start=1):
        obj["seq"], obj["prev"] = seq, prev
        obj["hash"] = keyed(prev, obj)
        prev = str(obj["hash"])


@pytest.fixture(autouse=True)
def _no_keyring() -> Iterator[None]:
    """The machine's state without a desktop keyring (any imported backend class would
    otherwise be picked by keyring's discovery), and no key cached from another test."""
    with no_keyring():
        audit_key.forget_cached_key()
        yield
        audit_key.forget_cached_key()


def _twenty(log: AuditLog) -> None:
    for n in range(20):
        log.append("send", message_id=f"<{n}@x>", recipients=[f"r{n}@y.mssante.fr"])


@pytest.mark.parametrize("how", ["sha256", "other-key", "keep-alg"])
def test_deleting_editing_and_rechaining_without_the_key_fails(tmp_path: Path, how: str) -> None:
    """The reviewer's attack: drop 16 entries, change an address, recompute the chain."""
    log = AuditLog(tmp_path / "audit.jsonl", key_source=_key)
    _twenty(log)
    assert log.verify().sealed_from == 1
    objs = _lines(log.path)
    del objs[2:18]
    objs[1]["fields"] = {"message_id": "<1@x>", "recipients": ["someone@else.mssante.fr"]}
    if how == "sha256":  # back to the unkeyed format
        for obj in objs:
            obj.pop("alg"), obj.pop("key_id")
        _rechain_without_key(objs, _chain_hash)
    else:
        import hashlib
        import hmac

        from client.audit import _signed_input

        guess = os.urandom(32)
        _rechain_without_key(objs, lambda prev, obj: hmac.new(
            guess, _signed_input(prev, obj), hashlib.sha256).hexdigest())
        if how == "other-key":
            for obj in objs:
                obj["key_id"] = audit_key.key_id(guess)
            _rechain_without_key(objs, lambda prev, obj: hmac.new(
                guess, _signed_input(prev, obj), hashlib.sha256).hexdigest())
    _write(log.path, objs)
    if how == "other-key":
        # Relabelled with a key the verifier does not have: never "intact".
        with pytest.raises(AuditKeyUnavailable, match="sealed with another key"):
            log.verify()
        return
    with pytest.raises(AuditTampered) as info:
        log.verify()
    assert info.value.line == 1 and info.value.seq == 1


def test_an_unsealed_entry_after_sealed_ones_fails(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path, key_source=_key).append("sign-in", address="a@x.mssante.fr")
    AuditLog(path, key_source=_no_key).append("send", message_id="<1@x>")
    with pytest.raises(AuditTampered) as info:
        AuditLog(path, key_source=_key).verify()
    assert (info.value.line, info.value.seq) == (2, 2)
    assert "not sealed" in info.value.reason


def test_an_old_unkeyed_trail_is_kept_and_the_keyed_one_starts_in_a_new_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.jsonl"
    old = AuditLog(path, key_source=_no_key)
    for n in range(3):
        old.append("sign-in", address=f"a{n}@x.mssante.fr")
    before = old.verify()
    assert (before.unsealed, before.sealed_from) == ((1, 2, 3), None)
    new = AuditLog(path, key_source=_key)
    entry = new.append("send", message_id="<1@x>")
    assert (entry.seq, entry.sealed) == (4, True)
    assert [p.name for p in new.segments()] == ["audit-000000000001.jsonl"]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1
    result = new.verify()
    assert (result.count, result.unsealed, result.sealed_from, result.files) == (
        4, (1, 2, 3), 4, 2)


def test_a_sealed_batch_verifies_and_its_last_entry_ends_the_trail(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", key_source=_key, anchored=True)
    log.append("sign-in", address="a@x.mssante.fr")
    batch = log.append_many([("send", {"message_id": f"<{n}@x>"}) for n in range(3)])
    assert all(entry.sealed for entry in batch)
    marker = json.loads(log.anchor_path.read_text(encoding="utf-8"))
    assert (marker["seq"], marker["hash"]) == (4, batch[-1].hash)
    assert log.verify().count == 4
    lines = _lines(log.path)  # cut at the end of the batch: the marker names the last
    _write(log.path, lines[:-1])
    with pytest.raises(AuditTampered):
        log.verify()


def test_rotation_is_bounded_and_the_chain_verifies_across_files(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", key_source=_key, max_bytes=2000, keep=3)
    for n in range(120):
        log.append("bridge-login-failed", listener="imap", source="127.0.0.1", n=n)
    segments = log.segments()
    assert len(segments) == 3
    total = sum(p.stat().st_size for p in log.files())
    assert total < 4 * 2000 + 1000
    result = log.verify()
    assert result.first_seq > 1 and result.files == 4
    assert any(e.event == "audit-pruned" for e in log.entries())
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in log.files())
    # Removing the oldest kept file is not a rotation: nothing sealed says so.
    segments[0].unlink()
    with pytest.raises(AuditTampered, match="missing"):
        log.verify()


def test_a_missing_middle_file_breaks_the_chain(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", key_source=_key, max_bytes=1500, keep=10)
    for n in range(40):
        log.append("sign-in", address=f"a{n}@x.mssante.fr")
    segments = log.segments()
    assert len(segments) >= 3
    segments[1].unlink()
    with pytest.raises(AuditTampered, match="does not follow"):
        log.verify()


def test_no_switch_disables_the_trail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSSANTE_COMPANION_AUDIT", "off")
    assert record("sign-in", address="a@x.mssante.fr") is not None
    assert AuditLog().entries()[-1].event == "sign-in"


def test_verify_needs_the_key_for_sealed_entries(capsys: pytest.CaptureFixture[str]) -> None:
    with fake_keyring():
        record("sign-in", address="a@x.mssante.fr")
    audit_key.forget_cached_key()
    # Back on the machine's default (no keyring): the seal cannot be checked.
    assert main(["audit", "verify"]) == EXIT_ERROR
    assert "keyring" in capsys.readouterr().err


def test_cli_verify_says_which_part_is_keyed(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    record("sign-in", address="a@x.mssante.fr")  # no keyring here: unsealed
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "written without a key" in out and "next event starts the keyed trail" in out
    with fake_keyring():
        record("send", message_id="<1@x>")
        assert main(["audit", "verify"]) == 0
        out = capsys.readouterr().out
        assert "keyed trail starts at #2" in out


def test_the_key_lives_in_the_real_keyring_not_beside_the_log(
    secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
    app_home: Path,
) -> None:
    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    keyring.core.set_keyring(SecretService.Keyring())
    try:
        entry = record("sign-in", address="a@x.mssante.fr", method="card-tls")
        assert entry is not None and entry.sealed
        stored = keyring.get_password("mssante-companion", audit_key.KEY_NAME)
        assert stored
        audit_key.forget_cached_key()
        assert AuditLog().verify().sealed_from == 1
        for path in app_home.rglob("*"):
            if path.is_file():
                assert stored.encode() not in path.read_bytes()
    finally:
        keyring.core.set_keyring(previous)


def test_concurrent_processes_rotating_keep_one_sealed_chain(tmp_path: Path) -> None:
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "audit.jsonl"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from client.audit import AuditLog
        log = AuditLog(Path({str(path)!r}), key_source=lambda: bytes(range(32)),
                       max_bytes=3000, keep=100)
        for n in range(25):
            log.append("bridge-login-failed", worker=int(sys.argv[1]), n=n)
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(w)]) for w in range(4)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    log = AuditLog(path, key_source=_key)
    result = log.verify()
    assert (result.count, result.sealed_from, result.torn_lines) == (100, 1, ())
    assert len(log.segments()) >= 3


def _anchored(tmp_path: Path, **options: int) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", key_source=_key, anchored=True, **options)


@pytest.mark.parametrize("removed", [1, 3, 20])
def test_entries_removed_from_the_end_are_detected(tmp_path: Path, removed: int) -> None:
    """No chain tells a shortened trail from a shorter one: the sealed end marker does."""
    log = _anchored(tmp_path)
    _twenty(log)
    assert log.verify().count == 20
    lines = log.path.read_text(encoding="utf-8").splitlines(keepends=True)
    log.path.write_text("".join(lines[: 20 - removed]), encoding="utf-8")
    with pytest.raises(AuditTampered, match="missing") as info:
        log.verify()
    assert info.value.seq == 21 - removed


@pytest.mark.parametrize("damage", ["delete", "edit", "rehash", "older"])
def test_the_end_marker_cannot_be_removed_or_forged(tmp_path: Path, damage: str) -> None:
    log = _anchored(tmp_path)
    _twenty(log)
    anchor = log.anchor_path
    older = anchor.read_text(encoding="utf-8") if damage != "older" else ""
    if damage == "older":
        # Truncated to 15 entries, with the marker an attacker made up for that length.
        lines = log.path.read_text(encoding="utf-8").splitlines(keepends=True)
        log.path.write_text("".join(lines[:15]), encoding="utf-8")
        last = json.loads(lines[14])
        forged = json.loads(anchor.read_text(encoding="utf-8"))
        forged.update(seq=15, hash=last["hash"])
        anchor.write_text(json.dumps(forged), encoding="utf-8")
    elif damage == "delete":
        anchor.unlink()
    else:
        forged = json.loads(older)
        forged["seq"] = 19
        if damage == "rehash":
            forged["hash"] = _lines(log.path)[18]["hash"]
        anchor.write_text(json.dumps(forged), encoding="utf-8")
    with pytest.raises(AuditTampered):
        log.verify()


def test_the_end_marker_follows_rotation_and_a_crash_before_it_was_updated(
    tmp_path: Path,
) -> None:
    log = _anchored(tmp_path, max_bytes=1500, keep=3)
    for n in range(60):
        log.append("sign-in", address=f"a{n}@x.mssante.fr")
    assert log.verify().files > 1
    before = log.anchor_path.read_bytes()
    log.append("send", message_id="<last@x>")
    # A power cut after the entry's fsync and before the marker's rename.
    log.anchor_path.write_bytes(before)
    result = log.verify()
    assert result.last_seq == log.entries()[-1].seq and log.entries()[-1].event == "send"
    assert stat_mode(log.anchor_path) == 0o600


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_app_trail_is_anchored(capsys: pytest.CaptureFixture[str]) -> None:
    with fake_keyring():
        for n in range(5):
            record("sign-in", address=f"a{n}@x.mssante.fr")
        path = AuditLog().path
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines[:3]), encoding="utf-8")
        assert main(["audit", "verify"]) == AuditTampered.exit_status
        assert "missing" in capsys.readouterr().err


# -- a profile's [secrets] source instead of the keyring ---------------------------------


def _hkdf_sha256(ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 written out with hmac, to check the library's derivation independently."""
    import hashlib
    import hmac

    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def _file_settings(tmp_path: Path, cache_key: bytes, name: str = "cache.key") -> object:
    import base64

    from client.profiles.model import SecretsSettings

    path = tmp_path / name
    path.write_text(base64.b64encode(cache_key).decode() + "\n", encoding="ascii")
    path.chmod(0o600)
    return SecretsSettings(source="file", cache_key_file=path)


def test_the_profile_key_is_hkdf_of_the_cache_key_and_differs_from_it() -> None:
    cache_key = os.urandom(32)
    derived = audit_key.derive_from_cache_key(cache_key)
    assert derived == _hkdf_sha256(cache_key, b"mssante-companion audit key v1")
    assert len(derived) == 32 and derived != cache_key
    assert audit_key.derive_from_cache_key(os.urandom(32)) != derived
    assert audit_key.HKDF_INFO == b"mssante-companion audit key v1"


def test_a_file_source_seals_without_a_keyring(tmp_path: Path) -> None:
    cache_key = os.urandom(32)
    audit_key.use_profile_secrets(_file_settings(tmp_path, cache_key))  # type: ignore[arg-type]
    entry = record("send", message_id="<1@x>")
    assert entry is not None and entry.sealed
    assert entry.key_id == audit_key.key_id(audit_key.derive_from_cache_key(cache_key))
    assert entry.key_id != audit_key.key_id(cache_key)
    result = AuditLog().verify()
    assert result.runs == ((1, 1, "sealed", entry.key_id),)
    assert (result.key_origin, result.unchecked, result.end_checked) == ("file", (), True)
    # Neither key is written anywhere beside the log.
    audit_dir = AuditLog().path.parent
    for path in audit_dir.iterdir():
        data = path.read_bytes()
        assert cache_key not in data and cache_key.hex().encode() not in data


def test_an_unreadable_source_writes_unsealed_and_says_why(tmp_path: Path) -> None:
    from client.profiles.model import SecretsSettings

    audit_key.use_profile_secrets(SecretsSettings(source="file",
                                                  cache_key_file=tmp_path / "absent"))
    entry = record("send", message_id="<1@x>")
    assert entry is not None and not entry.sealed
    with pytest.raises(AuditKeyUnavailable, match="does not exist"):
        audit_key.current_key()


def test_unsealed_then_profile_sealed_is_reported_stretch_by_stretch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    for n in range(3):  # a server before the profile's key: no keyring, unsealed
        record("send", message_id=f"<{n}@x>")
    # Until the profile's key seals something, the unsealed trail is not "replaced".
    audit_key.use_profile_secrets(_file_settings(tmp_path, os.urandom(32)))  # type: ignore[arg-type]
    assert AuditLog().verify().runs == ((1, 3, "unsealed", ""),)
    record("send", message_id="<3@x>")
    record("send", message_id="<4@x>")
    result = AuditLog().verify()
    assert [r[:3] for r in result.runs] == [(1, 3, "unsealed"), (4, 5, "sealed")]
    assert (result.unsealed, result.sealed_from) == ((1, 2, 3), 4)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Events #1-#3 were written without a key" in out
    assert "keyed trail starts at #4" in out
    assert "Events #4-#5 are sealed with the key derived from the profile's cache key file" in out
    # A rewrite of a sealed entry is still caught, and so is a cut at the end.
    objs = _lines(AuditLog().path)
    saved = [dict(o) for o in objs]
    objs[-2]["fields"] = {"message_id": "<forged@x>"}
    _write(AuditLog().path, objs)
    with pytest.raises(AuditTampered, match="does not match its seal"):
        AuditLog().verify()
    _write(AuditLog().path, saved[:-1])
    with pytest.raises(AuditTampered, match="entries after #4 are missing"):
        AuditLog().verify()


def test_a_switch_from_the_keyring_to_a_profile_is_named_and_checked(tmp_path: Path) -> None:
    settings = _file_settings(tmp_path, os.urandom(32))
    with fake_keyring():
        record("sign-in", address="a@x.mssante.fr")
        record("send", message_id="<1@x>")
        keyring_id = audit_key.key_id(audit_key.keyring_key(create=False))
        audit_key.use_profile_secrets(settings)  # type: ignore[arg-type]
        third = record("send", message_id="<2@x>")
        record("send", message_id="<3@x>")
        assert third is not None and third.prev_key_id == keyring_id
        # With the keyring at hand too, the whole trail is checked.
        both = AuditLog().verify()
        assert [r[2] for r in both.runs] == ["sealed", "sealed"] and both.unchecked == ()
    audit_key.forget_cached_key()
    # On the server (no keyring): the keyring's stretch is listed as not checked.
    result = AuditLog().verify()
    assert result.runs[0] == (1, 2, "other-key", keyring_id)
    assert result.runs[1][:3] == (3, 4, "sealed")
    assert (result.unchecked, result.end_checked) == ((1, 2), True)


def test_relabelling_an_entry_with_another_key_to_hide_an_edit_fails(tmp_path: Path) -> None:
    audit_key.use_profile_secrets(_file_settings(tmp_path, os.urandom(32)))  # type: ignore[arg-type]
    for n in range(4):
        record("send", message_id=f"<{n}@x>", recipients=[f"r{n}@y.mssante.fr"])
    objs = _lines(AuditLog().path)
    objs[1]["fields"] = {"message_id": "<1@x>", "recipients": ["someone@else.mssante.fr"]}
    objs[1]["key_id"] = audit_key.key_id(os.urandom(32))  # "sealed elsewhere": not checked
    _write(AuditLog().path, objs)
    with pytest.raises(AuditTampered) as info:
        AuditLog().verify()
    assert info.value.seq == 3 and "relabelled" in info.value.reason


def test_a_trail_ending_with_another_writer_s_key_is_not_called_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The desktop (keyring) and a service (key file) share one trail; the desktop wrote last."""
    settings = _file_settings(tmp_path, os.urandom(32))
    audit_key.use_profile_secrets(settings)  # type: ignore[arg-type]
    record("send", message_id="<1@x>")
    with fake_keyring():
        audit_key.use_profile_secrets(None)
        record("sign-in", address="a@x.mssante.fr")
    audit_key.forget_cached_key()
    audit_key.use_profile_secrets(settings)  # type: ignore[arg-type]
    result = AuditLog().verify()
    assert [r[2] for r in result.runs] == ["sealed", "other-key"]
    assert (result.unchecked, result.end_checked) == ((2,), False)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "intact where checked" in out and "NOT checked" in out
    assert "cannot be ruled out" in out


def test_loading_a_profile_chooses_the_key_source_of_every_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """The one place commands take their profile sets the trail's key: a systemd
    credential seals, a keyring profile goes back to the keyring."""
    import base64

    from client.profiles import load_default_profile

    credentials = tmp_path / "credentials"
    credentials.mkdir()
    cache_key = os.urandom(32)
    (credentials / "mssante-cache-key").write_text(base64.b64encode(cache_key).decode())
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    base = ('[account]\naddress = "dpi@hopital.mssante.fr"\n'
            '[imap]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
            '[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
            '[auth]\nmethod = "certificate"\ncertificate_file = "bal.p12"\n')
    server = tmp_path / "server.toml"
    server.write_text(base + '[secrets]\nsource = "systemd-credential"\n', encoding="utf-8")
    desktop = tmp_path / "desktop.toml"
    desktop.write_text(base, encoding="utf-8")
    # Loading checks only that the certificate file exists; nothing here signs in.
    (tmp_path / "bal.p12").write_bytes(b"not opened by this test")

    load_default_profile(server)
    assert audit_key.configured_origin() == "systemd-credential"
    entry = record("send", message_id="<1@x>")
    assert entry is not None and entry.sealed
    assert entry.key_id == audit_key.key_id(audit_key.derive_from_cache_key(cache_key))
    assert main(["audit", "verify", "--profile", str(server)]) == 0
    assert "derived from the profile's systemd credential" in capsys.readouterr().out

    load_default_profile(desktop)
    assert audit_key.configured_origin() == "keyring"
    # No keyring here: the keyring profile cannot check what the credential sealed.
    assert main(["audit", "verify", "--profile", str(desktop)]) == EXIT_ERROR
    assert "cannot be checked" in capsys.readouterr().err
