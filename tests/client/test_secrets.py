"""Secrets over a real Secret Service (gnome-keyring-daemon on a private D-Bus session)."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backends import fail

from client import secrets


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A private session bus with an unlocked gnome-keyring (nothing of the user's touched)."""
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run sandbox/install-system-packages.sh")
    root = tmp_path_factory.mktemp("keyring")
    (root / "home").mkdir()
    (root / "run").mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(root / "home"), "XDG_RUNTIME_DIR": str(root / "run")}
    out = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        env=env, capture_output=True, text=True, check=True, timeout=20,
    ).stdout.split()
    address, pid = out[0], int(out[1])
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="test-password", env=env, capture_output=True, text=True, check=True, timeout=20,
    )
    time.sleep(0.3)
    try:
        yield {k: env[k] for k in ("HOME", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS")}
    finally:
        os.kill(pid, signal.SIGTERM)  # the keyring daemon leaves with its bus


@pytest.fixture()
def real_keyring(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in secret_service.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    keyring.core.set_keyring(SecretService.Keyring())
    try:
        yield
    finally:
        keyring.core.set_keyring(previous)


def test_store_load_forget(real_keyring: None) -> None:
    assert "SecretService" in secrets.backend_name() or "Secret" in secrets.backend_name()
    assert secrets.load("p12:/srv/bal.p12") is None
    secrets.store("p12:/srv/bal.p12", "motdepasse")
    assert secrets.load("p12:/srv/bal.p12") == "motdepasse"
    assert secrets.forget("p12:/srv/bal.p12") is True
    assert secrets.load("p12:/srv/bal.p12") is None
    assert secrets.forget("p12:/srv/bal.p12") is False


def test_locked_keyring_is_unavailable_and_keeps_the_secret(real_keyring: None) -> None:
    import secretstorage

    secrets.store("kept", "value")
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        with pytest.raises(secrets.SecretStoreUnavailable) as info:
            secrets.load("kept")
        assert info.value.name == "kept"
        assert "value" not in str(info.value)
        del info
        gc.collect()  # client.secrets closed the connection keyring leaks: no warning
        # Unlock again (as the user would) and find the secret untouched.
        subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--replace", "--components=secrets",
             "--daemonize"],
            input="test-password", capture_output=True, text=True, check=True, timeout=20,
        )
        time.sleep(0.3)
    finally:
        connection.close()
    assert secrets.load("kept") == "value"


def test_no_keyring_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.core.set_keyring(fail.Keyring())
    try:
        with pytest.raises(secrets.SecretStoreUnavailable, match="no keyring"):
            secrets.load("anything")
        with pytest.raises(secrets.SecretStoreUnavailable):
            secrets.store("anything", "x")
    finally:
        keyring.core.set_keyring(previous)
