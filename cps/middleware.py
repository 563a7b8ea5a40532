"""Finding and loading the PKCS#11 middleware (ANS Cryptolib CPS, or SoftHSM2 in tests).

Search order (:func:`find_pkcs11_module`): an explicit path, the profile's
``pkcs11_module`` unless it is ``"auto"``, the environment variable
``MSSANTE_COMPANION_PKCS11_MODULE``, then the Cryptolib CPS locations of the running OS
(where ANS's installer puts the library, :func:`cryptolib_paths`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cps.errors import MiddlewareInvalid, MiddlewareNotFound

__all__ = [
    "MODULE_ENV",
    "cryptolib_paths",
    "find_pkcs11_module",
    "load_pkcs11_library",
    "probe_pkcs11_module",
]

logger = logging.getLogger(__name__)

MODULE_ENV = "MSSANTE_COMPANION_PKCS11_MODULE"


def cryptolib_paths(platform: str | None = None) -> list[Path]:
    """Return where Cryptolib CPS installs its PKCS#11 library on ``platform``."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        root = Path(os.environ.get("SystemRoot", r"C:\Windows"))
        # A 64-bit Python loads the 64-bit DLL from System32; a 32-bit one is
        # redirected to SysWOW64 and needs the 32-bit DLL.
        if sys.maxsize > 2**32:
            return [root / "System32" / "cps3_pkcs11_w64.dll"]
        return [
            root / "SysWOW64" / "cps3_pkcs11_w32.dll",
            root / "System32" / "cps3_pkcs11_w32.dll",
        ]
    if platform == "darwin":
        return [
            Path("/usr/local/lib/libcps3_pkcs11_osx.dylib"),
            Path("/Library/Frameworks/cps3_pkcs11_osx.framework/libcps3_pkcs11_osx.dylib"),
        ]
    return [
        Path("/usr/lib64/libcps3_pkcs11_lux.so"),
        Path("/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"),
        Path("/usr/lib/libcps3_pkcs11_lux.so"),
        Path("/usr/local/lib/libcps3_pkcs11_lux.so"),
    ]


def _check_candidate(path: Path) -> Path:
    if path.is_dir():
        raise MiddlewareInvalid(path, "it is a directory, not a library file")
    return path


def find_pkcs11_module(
    explicit: str | None = None, profile_value: str | None = None
) -> Path:
    """Return the path of the PKCS#11 library to load.

    Args:
        explicit: a path given on the command line; used as is when set.
        profile_value: the profile's ``[auth] pkcs11_module``; ``"auto"`` or empty means
            "search".

    Raises:
        MiddlewareNotFound: nothing exists at any candidate (``paths_tried`` lists them).
        MiddlewareInvalid: a path given explicitly is a directory.
    """
    tried: list[Path] = []
    for chosen in (explicit, profile_value if profile_value not in (None, "", "auto") else None,
                   os.environ.get(MODULE_ENV) or None):
        if chosen is None:
            continue
        path = Path(chosen).expanduser()
        if path.exists():
            return _check_candidate(path)
        # A path the user chose and that does not exist is reported, not skipped silently.
        raise MiddlewareNotFound([path])
    for candidate in cryptolib_paths():
        tried.append(candidate)
        if candidate.is_file():
            logger.debug("PKCS#11 module found at %s", candidate)
            return candidate
    raise MiddlewareNotFound(tried)


def load_pkcs11_library(path: Path) -> Any:
    """Load ``path`` with PyKCS11 and return the ``PyKCS11Lib``.

    Raises:
        MiddlewareInvalid: the file is not a PKCS#11 library (no ``C_GetFunctionList``,
            not a shared object, wrong architecture...) or its ``C_Initialize`` fails.
    """
    import PyKCS11  # local: importing PyKCS11 is cheap but keeps discovery dependency-free

    if not path.is_file():
        raise MiddlewareInvalid(path, "the file does not exist or is not a regular file")
    lib = PyKCS11.PyKCS11Lib()
    try:
        lib.load(str(path))
    except PyKCS11.PyKCS11Error as exc:
        raise MiddlewareInvalid(path, _describe_load_error(exc)) from exc
    return lib


def probe_pkcs11_module(path: Path) -> int:
    """Check that ``path`` is a usable PKCS#11 library: load it and list its slots.

    Used before a module path is saved in the settings, so that a wrong file is refused
    with the reason instead of breaking the next sign-in. PyKCS11 counts the users of a
    library, so probing the module the card thread already uses does not finalise it.

    Returns:
        The number of slots (readers) the library sees, cards present or not.

    Raises:
        MiddlewareInvalid: not a PKCS#11 library, or it cannot list its slots.
    """
    import PyKCS11

    path = Path(path).expanduser()
    lib = load_pkcs11_library(path)
    try:
        return len(lib.getSlotList(tokenPresent=False))
    except PyKCS11.PyKCS11Error as exc:
        raise MiddlewareInvalid(path, f"it cannot list its slots ({exc})") from exc
    finally:
        del lib


def _describe_load_error(exc: Any) -> str:
    # PyKCS11 reports loader failures with negative pseudo-codes: -1 dlopen failed,
    # -4 no C_GetFunctionList; positive values are CKR_* codes from C_Initialize.
    value = getattr(exc, "value", None)
    if value == -1:
        return "it cannot be loaded as a shared library (not a library, or wrong architecture)"
    if value == -4:
        return "it has no C_GetFunctionList entry point, so it is not a PKCS#11 library"
    return f"its initialisation failed ({exc})"


def describe_candidates(paths: Sequence[Path]) -> str:
    """Human list of ``paths`` for messages."""
    return ", ".join(str(p) for p in paths)
