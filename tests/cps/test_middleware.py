"""Finding and loading the PKCS#11 middleware."""

from __future__ import annotations

from pathlib import Path

import pytest

from cps import middleware
from cps.card_thread import CardThread
from cps.errors import MiddlewareInvalid, MiddlewareNotFound
from cps.middleware import MODULE_ENV, cryptolib_paths, find_pkcs11_module, load_pkcs11_library
from cps.pkcs11_token import Pkcs11Backend
from sandbox.card import SOFTHSM_MODULE


def test_explicit_path_wins_over_profile_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit, profile, env = (tmp_path / n for n in ("a.so", "b.so", "c.so"))
    for path in (explicit, profile, env):
        path.write_bytes(b"x")
    monkeypatch.setenv(MODULE_ENV, str(env))
    assert find_pkcs11_module(str(explicit), str(profile)) == explicit
    assert find_pkcs11_module(None, str(profile)) == profile
    assert find_pkcs11_module(None, "auto") == env


def test_nothing_found_names_every_cryptolib_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    with pytest.raises(MiddlewareNotFound) as info:
        find_pkcs11_module(None, "auto")
    assert list(info.value.paths_tried) == cryptolib_paths()
    assert Path("/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so") in info.value.paths_tried


def test_a_chosen_path_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    with pytest.raises(MiddlewareNotFound) as info:
        find_pkcs11_module(str(tmp_path / "missing.so"))
    assert info.value.paths_tried == (tmp_path / "missing.so",)


def test_cryptolib_locations_per_os() -> None:
    assert cryptolib_paths("darwin")[0] == Path("/usr/local/lib/libcps3_pkcs11_osx.dylib")
    assert any(p.name == "cps3_pkcs11_w64.dll" for p in cryptolib_paths("win32"))
    assert Path("/usr/lib64/libcps3_pkcs11_lux.so") in cryptolib_paths("linux")


def test_directory_is_not_a_module(tmp_path: Path) -> None:
    with pytest.raises(MiddlewareInvalid, match="directory"):
        find_pkcs11_module(str(tmp_path))


def test_a_file_that_is_not_a_library_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "libcps3_pkcs11_lux.so"
    fake.write_text("not an ELF file")
    with pytest.raises(MiddlewareInvalid) as info:
        load_pkcs11_library(fake)
    assert info.value.path == fake
    assert "cannot be loaded" in info.value.reason


def test_a_library_without_pkcs11_entry_point_is_refused() -> None:
    libz = next(p for p in (Path("/usr/lib/x86_64-linux-gnu/libz.so.1"),
                            Path("/lib/x86_64-linux-gnu/libz.so.1"),
                            *Path("/usr/lib").glob("*/libz.so.1")) if p.exists())
    with pytest.raises(MiddlewareInvalid) as info:
        load_pkcs11_library(libz)
    assert "C_GetFunctionList" in info.value.reason


def test_softhsm_loads_on_the_card_thread() -> None:
    thread = CardThread()
    try:
        backend = thread.call(Pkcs11Backend, SOFTHSM_MODULE)
        assert backend.module_path == SOFTHSM_MODULE
        thread.call(backend.close)
    finally:
        thread.stop()
    assert middleware.MODULE_ENV == "MSSANTE_COMPANION_PKCS11_MODULE"
