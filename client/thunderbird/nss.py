"""NSS operations on a Thunderbird profile: certificates, PKCS#11 modules, saved logins.

- certificates and modules with NSS's own tools (``certutil``, ``modutil`` from
  ``libnss3-tools``) on the profile's SQL database (``sql:PROFILE``: cert9.db, key4.db,
  pkcs11.txt), the documented way to change a profile's trust without Thunderbird;
- a saved password: Thunderbird's ``logins.json`` stores user name and password
  encrypted with the profile's SDR key (NSS ``PK11SDR_Encrypt``, 3DES/AES under the key
  in key4.db), base64. No tool writes it, so :func:`sdr_encrypt` calls libnss3 through
  ctypes; a profile protected by a primary password cannot be written (the user then
  types the password once in Thunderbird).
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from client.thunderbird.errors import NssError, NssToolMissing

__all__ = [
    "add_certificate",
    "add_login",
    "add_module",
    "ensure_key_database",
    "has_certificate",
    "has_module",
    "remove_certificate",
    "remove_logins",
    "remove_module",
    "saved_logins",
    "sdr_decrypt",
    "sdr_encrypt",
]

logger = logging.getLogger(__name__)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NssToolMissing(name)
    return path


def _run(args: list[str], operation: str, *, check: bool = True,
         stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # S603: the program is an absolute path from shutil.which, arguments are ours.
    result = subprocess.run(args, capture_output=True, text=True, check=False, input=stdin,  # noqa: S603
                            timeout=60)
    if check and result.returncode != 0:
        raise NssError(operation, (result.stderr or result.stdout).strip()[:300])
    return result


def _db(profile: Path) -> str:
    return f"sql:{profile}"


def ensure_key_database(profile: Path) -> None:
    """Create the profile's NSS databases with an empty password if there are none."""
    if (profile / "key4.db").exists() and (profile / "cert9.db").exists():
        return
    _run([_tool("certutil"), "-N", "-d", _db(profile), "--empty-password"],
         "creating the profile's certificate database")


def has_certificate(profile: Path, nickname: str) -> bool:
    """Whether the profile holds a certificate under ``nickname``."""
    result = _run([_tool("certutil"), "-L", "-d", _db(profile), "-n", nickname],
                  "listing certificates", check=False)
    return result.returncode == 0


def add_certificate(profile: Path, nickname: str, pem: Path, trust: str) -> None:
    """Add (or replace) a certificate with NSS trust flags (``"C,,"`` a CA for TLS
    servers, ``"P,,"`` a trusted server certificate)."""
    ensure_key_database(profile)
    if has_certificate(profile, nickname):
        remove_certificate(profile, nickname)
    _run([_tool("certutil"), "-A", "-d", _db(profile), "-n", nickname, "-t", trust,
          "-i", str(pem)], f"trusting {nickname}")


def remove_certificate(profile: Path, nickname: str) -> bool:
    """Delete the certificate ``nickname``; True if it was there."""
    if not (profile / "cert9.db").exists() or not has_certificate(profile, nickname):
        return False
    _run([_tool("certutil"), "-D", "-d", _db(profile), "-n", nickname],
         f"removing {nickname}")
    return True


def has_module(profile: Path, name: str) -> bool:
    """Whether the PKCS#11 module ``name`` is registered in the profile."""
    if not (profile / "pkcs11.txt").exists():
        return False
    return f"name={name}" in (profile / "pkcs11.txt").read_text(errors="replace") or (
        f'name="{name}"' in (profile / "pkcs11.txt").read_text(errors="replace"))


def add_module(profile: Path, name: str, library: Path) -> None:
    """Register a PKCS#11 module (a "security device") in the profile."""
    ensure_key_database(profile)
    if has_module(profile, name):
        return
    _run([_tool("modutil"), "-dbdir", _db(profile), "-add", name, "-libfile", str(library),
          "-force"], f"registering the security device {name}")


def remove_module(profile: Path, name: str) -> bool:
    """Unregister the PKCS#11 module ``name``; True if it was there."""
    if not has_module(profile, name):
        return False
    _run([_tool("modutil"), "-dbdir", _db(profile), "-delete", name, "-force"],
         f"removing the security device {name}")
    return True


# -- SDR (logins.json) -----------------------------------------------------------------


class _SECItem(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint), ("data", ctypes.POINTER(ctypes.c_ubyte)),
                ("len", ctypes.c_uint)]


def _libnss() -> Any:
    name = ctypes.util.find_library("nss3") or "libnss3.so"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise NssToolMissing("libnss3") from exc
    lib.NSS_InitContext.restype = ctypes.c_void_p
    lib.NSS_InitContext.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.c_char_p, ctypes.c_void_p, ctypes.c_uint32]
    lib.NSS_ShutdownContext.argtypes = [ctypes.c_void_p]
    lib.PK11_GetInternalKeySlot.restype = ctypes.c_void_p
    lib.PK11_FreeSlot.argtypes = [ctypes.c_void_p]
    lib.PK11_NeedLogin.argtypes = [ctypes.c_void_p]
    lib.PK11_NeedUserInit.argtypes = [ctypes.c_void_p]
    lib.PK11_InitPin.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.PK11_CheckUserPassword.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    for fn in (lib.PK11SDR_Encrypt, lib.PK11SDR_Decrypt):
        fn.argtypes = [ctypes.POINTER(_SECItem), ctypes.POINTER(_SECItem),
                       ctypes.POINTER(_SECItem), ctypes.c_void_p]
    lib.PK11SDR_Decrypt.argtypes = [ctypes.POINTER(_SECItem), ctypes.POINTER(_SECItem),
                                    ctypes.c_void_p]
    lib.SECITEM_ZfreeItem.argtypes = [ctypes.POINTER(_SECItem), ctypes.c_int]
    lib.PORT_GetError.restype = ctypes.c_int
    return lib


def _item(data: bytes) -> tuple[_SECItem, Any]:
    buffer = (ctypes.c_ubyte * max(1, len(data))).from_buffer_copy(data or b"\0")
    return _SECItem(0, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ubyte)), len(data)), buffer


def _with_sdr(profile: Path, job: Any) -> Any:
    lib = _libnss()
    ensure_key_database(profile)
    context = lib.NSS_InitContext(str(profile).encode(), b"", b"", b"secmod.db", None, 0)
    if not context:
        raise NssError("opening the profile's key database", f"NSS error {lib.PORT_GetError()}")
    slot = lib.PK11_GetInternalKeySlot()
    try:
        if lib.PK11_NeedUserInit(slot):
            # A key database whose token was never initialised has no SDR key to use;
            # an empty password is what a profile without a primary password has.
            if lib.PK11_InitPin(slot, None, b"") != 0:
                raise NssError("preparing the profile's key database",
                               f"NSS error {lib.PORT_GetError()}")
        if lib.PK11_NeedLogin(slot) and lib.PK11_CheckUserPassword(slot, b"") != 0:
            raise NssError("saving the password", "the profile has a primary password")
        return job(lib)
    finally:
        if slot:
            lib.PK11_FreeSlot(slot)
        lib.NSS_ShutdownContext(context)


def sdr_encrypt(profile: Path, values: Iterable[str]) -> list[str]:
    """Encrypt each value with the profile's SDR key; base64 as logins.json stores it.

    Runs with the NSS that comes with Thunderbird when there is one
    (:func:`_with_nss_of_thunderbird`).
    """
    return _with_nss_of_thunderbird("encrypt", profile, list(values)) or \
        _sdr_encrypt_here(profile, values)


def _sdr_encrypt_here(profile: Path, values: Iterable[str]) -> list[str]:
    def job(lib: Any) -> list[str]:
        out = []
        for value in values:
            keyid, _k = _item(b"")
            data, _d = _item(value.encode("utf-8"))
            result = _SECItem(0, None, 0)
            if lib.PK11SDR_Encrypt(ctypes.byref(keyid), ctypes.byref(data),
                                   ctypes.byref(result), None) != 0:
                raise NssError("encrypting a saved password", f"NSS error {lib.PORT_GetError()}")
            out.append(base64.b64encode(ctypes.string_at(result.data, result.len)).decode())
            lib.SECITEM_ZfreeItem(ctypes.byref(result), 0)
        return out

    result: list[str] = _with_sdr(profile, job)
    return result


def sdr_decrypt(profile: Path, values: Iterable[str]) -> list[str]:
    """The inverse of :func:`sdr_encrypt` (to check what a profile holds)."""
    return _with_nss_of_thunderbird("decrypt", profile, list(values)) or \
        _sdr_decrypt_here(profile, values)


def _sdr_decrypt_here(profile: Path, values: Iterable[str]) -> list[str]:
    def job(lib: Any) -> list[str]:
        out = []
        for value in values:
            data, _d = _item(base64.b64decode(value))
            result = _SECItem(0, None, 0)
            if lib.PK11SDR_Decrypt(ctypes.byref(data), ctypes.byref(result), None) != 0:
                raise NssError("decrypting a saved password", f"NSS error {lib.PORT_GetError()}")
            out.append(ctypes.string_at(result.data, result.len).decode("utf-8"))
            lib.SECITEM_ZfreeItem(ctypes.byref(result), 0)
        return out

    result: list[str] = _with_sdr(profile, job)
    return result


#: Where Thunderbird keeps its own NSS (Linux packages and tarballs).
THUNDERBIRD_DIRS = (Path("/usr/lib/thunderbird"), Path("/usr/lib64/thunderbird"),
                    Path("/opt/thunderbird"), Path("/usr/local/lib/thunderbird"))
_HELPER_ENV = "MSSANTE_COMPANION_NSS_HELPER"


def _thunderbird_nss_dir() -> Path | None:
    for folder in THUNDERBIRD_DIRS:
        if (folder / "libnss3.so").exists() and (folder / "libsoftokn3.so").exists():
            return folder
    return None


def _with_nss_of_thunderbird(action: str, profile: Path, values: list[str]) -> list[str]:
    """Run an SDR ``action`` with the NSS shipped with Thunderbird; [] when there is none.

    Thunderbird ships an NSS newer than the system's, and a key database it created may
    hold its key in a form the older library cannot use (``SEC_ERROR_INVALID_KEY``,
    -8152, when saving a password into a profile Thunderbird already opened). That NSS
    must be loaded before the system one, so it runs in a child process started with
    ``LD_LIBRARY_PATH``; the values travel on standard input and output, never in
    arguments.
    """
    folder = _thunderbird_nss_dir()
    if folder is None or os.environ.get(_HELPER_ENV) or not values:
        return []
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(
        p for p in (str(folder), os.environ.get("LD_LIBRARY_PATH", "")) if p))
    env[_HELPER_ENV] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    result = subprocess.run(  # noqa: S603 - this interpreter and this module
        [sys.executable, "-m", "client.thunderbird.nss", action, str(profile)],
        input=json.dumps(values), capture_output=True, text=True, env=env, timeout=60,
        check=False)
    if result.returncode != 0:
        raise NssError(f"{action}ing a saved password",
                       (result.stderr.strip().splitlines() or ["failed"])[-1][:300])
    answer: list[str] = json.loads(result.stdout)
    return answer


def main(argv: list[str] | None = None) -> int:
    """``python -m client.thunderbird.nss encrypt|decrypt PROFILE`` (values as JSON on
    standard input): the child process of :func:`_with_nss_of_thunderbird`."""
    action, profile = (sys.argv[1:] if argv is None else argv)[:2]
    values = json.loads(sys.stdin.read())
    try:
        out = (_sdr_encrypt_here if action == "encrypt" else _sdr_decrypt_here)(
            Path(profile), values)
    except NssError as exc:
        print(exc.reason, file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


def _load_logins(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = {}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NssError("reading logins.json", str(exc)) from exc
    document.setdefault("nextId", 1)
    document.setdefault("logins", [])
    document.setdefault("potentiallyVulnerablePasswords", [])
    document.setdefault("dismissedBreachAlertsByLoginGUID", {})
    document.setdefault("version", 3)
    return document


def saved_logins(profile: Path) -> list[dict[str, Any]]:
    """The entries of the profile's logins.json (encrypted fields as stored)."""
    return list(_load_logins(profile / "logins.json")["logins"])


def add_login(profile: Path, origin: str, username: str, password: str) -> str:
    """Save a password for ``origin`` (``imap://HOST``, ``smtp://HOST``); returns its guid.

    An entry of the same origin and user is replaced (idempotent).
    """
    path = profile / "logins.json"
    document = _load_logins(path)
    encrypted_user, encrypted_password = sdr_encrypt(profile, [username, password])
    existing = [e for e in document["logins"] if e.get("hostname") == origin]
    if existing:
        names = sdr_decrypt(profile, [e["encryptedUsername"] for e in existing])
        drop = {e["guid"] for e, name in zip(existing, names, strict=True) if name == username}
        document["logins"] = [e for e in document["logins"] if e.get("guid") not in drop]
    now = int(time.time() * 1000)
    guid = "{" + str(uuid.uuid4()) + "}"
    document["logins"].append({
        "id": document["nextId"], "hostname": origin, "httpRealm": origin,
        "formSubmitURL": None, "usernameField": "", "passwordField": "",
        "encryptedUsername": encrypted_user, "encryptedPassword": encrypted_password,
        "guid": guid, "encType": 1, "timeCreated": now, "timeLastUsed": now,
        "timePasswordChanged": now, "timesUsed": 1,
    })
    document["nextId"] += 1
    path.write_text(json.dumps(document), encoding="utf-8")
    return guid


def remove_logins(profile: Path, guids: Iterable[str]) -> int:
    """Remove the entries with these guids; returns how many were removed."""
    path = profile / "logins.json"
    if not path.exists():
        return 0
    wanted = set(guids)
    document = _load_logins(path)
    kept = [e for e in document["logins"] if e.get("guid") not in wanted]
    removed = len(document["logins"]) - len(kept)
    document["logins"] = kept
    path.write_text(json.dumps(document), encoding="utf-8")
    return removed


if __name__ == "__main__":
    raise SystemExit(main())
