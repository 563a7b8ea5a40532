"""Errors are worded by type, with the data they carry, in French and in English."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from pytestqt.qtbot import QtBot

from client.directory import DirectoryImportFailed
from client.directory.errors import DownloadError, ImportCancelled
from client.errors import ClientError
from client.mail.errors import CacheKeyMismatch, CacheWriteFailed, RecipientRefused
from cps.errors import CardError, MiddlewareNotFound, PinEntryCancelled, PinIncorrect
from ui.i18n import i18n_dir
from ui.wording import describe_error, is_cancellation, wording_for
from ui.workers import Cancelled

LAYER_ROOTS = (CardError, ClientError)


def _error_classes() -> list[type[BaseException]]:
    """Every exception class defined in cps/ and client/ under a layer root."""
    found: set[type[BaseException]] = set()
    for package_name in ("cps", "client"):
        package = importlib.import_module(package_name)
        names = [package_name] + [info.name for info in pkgutil.walk_packages(
            package.__path__, package_name + ".") if not info.name.endswith("__main__")]
        for name in names:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if (inspect.isclass(value) and issubclass(value, LAYER_ROOTS)
                        and value.__module__ == name):
                    found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _english_catalog() -> dict[str, str]:
    root = SafeET.parse(i18n_dir() / "mssante_companion_en.ts").getroot()
    catalog: dict[str, str] = {}
    for context in root.iter("context"):
        if context.findtext("name") != "wording":
            continue
        for message in context.iter("message"):
            node = message.find("translation")
            forms = [f.text or "" for f in node.iter("numerusform")] if node is not None else []
            text = (node.text or "") if node is not None else ""
            if node is not None and node.get("type") not in {"unfinished", "obsolete"} and (
                    text.strip() or any(forms)):
                catalog[message.findtext("source") or ""] = text or forms[0]
    return catalog


ERRORS = _error_classes()


def test_the_walk_finds_the_errors_of_both_layers() -> None:
    names = {cls.__name__ for cls in ERRORS}
    assert {"PinIncorrect", "RecipientRefused", "WhitelistChecksumError",
            "DownloadError"} <= names
    assert len(ERRORS) > 80


@pytest.mark.parametrize("kind", ERRORS, ids=lambda cls: cls.__name__)
def test_every_error_has_a_french_and_an_english_sentence(kind: type[BaseException]) -> None:
    found = wording_for(kind)
    assert found is not None
    owner, wording = found
    # The layer's root sentence is the last resort, not a wording of this error.
    assert owner not in LAYER_ROOTS or kind in LAYER_ROOTS, (
        f"{kind.__name__}: add an entry to ui/wording.py (_table) and its English "
        "translation to resources/i18n/mssante_companion_en.ts")
    english = _english_catalog()
    for source in wording.sources:
        assert source.strip()
        assert english.get(source), f"no English for {source!r}"


def test_pin_incorrect_tells_the_attempts_left(qtbot: QtBot) -> None:
    assert describe_error(PinIncorrect(2)) == "Code PIN incorrect. Il reste 2 essais."
    assert "dernier essai" in describe_error(PinIncorrect(1))


def test_refused_recipient_names_the_address_and_the_rule_in_words(qtbot: QtBot) -> None:
    outside = describe_error(RecipientRefused("x@gmail.com", "outside-trust-space"))
    assert "x@gmail.com" in outside and "liste blanche" in outside
    assert "outside-trust-space" not in outside
    no_list = describe_error(RecipientRefused("x@a.fr", "no-trust-list"))
    assert "aucune liste blanche" in no_list and "no-trust-list" not in no_list


def test_middleware_not_found_lists_the_paths(qtbot: QtBot) -> None:
    text = describe_error(MiddlewareNotFound([Path("/usr/lib64/libcps3_pkcs11_lux.so")]))
    assert "Cryptolib CPS" in text and "/usr/lib64/libcps3_pkcs11_lux.so" in text


def test_a_download_failure_is_worded_by_kind_without_raw_text(qtbot: QtBot) -> None:
    url = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml"
    network = describe_error(DownloadError(url, "network error (ConnectError)",
                                           kind="network"))
    assert url in network and "connexion réseau" in network
    assert "ConnectError" not in network and "Errno" not in network
    redirect = describe_error(DownloadError(url, "redirected", kind="redirect"))
    assert "redirigé" in redirect


def test_subclass_uses_the_parent_wording(qtbot: QtBot) -> None:
    assert "Connexion au serveur impossible" in describe_error(ConnectionRefusedError())


def test_an_unknown_error_gets_a_sentence_without_its_class_name(qtbot: QtBot) -> None:
    class StrangeFailure(Exception):
        pass

    text = describe_error(StrangeFailure("raw english detail"))
    assert "StrangeFailure" not in text and "raw english detail" not in text
    assert "Erreur inattendue" in text


def test_cancellation_is_recognised(qtbot: QtBot) -> None:
    assert is_cancellation(PinEntryCancelled())
    assert is_cancellation(ImportCancelled(0))
    assert is_cancellation(Cancelled())
    assert not is_cancellation(PinIncorrect(2))


def test_cache_and_disk_failures_never_advise_deleting(qtbot: QtBot) -> None:
    missing_key = describe_error(CacheKeyMismatch(Path("/home/x/cache/mail.sqlite")))
    assert "trousseau" in missing_key and "rien n'a été supprimé" in missing_key
    disk_full = describe_error(CacheWriteFailed(Path("/home/x/cache/mail.sqlite"),
                                                "database or disk is full"))
    assert disk_full.startswith("Le disque est plein")
    assert "/home/x/cache/mail.sqlite" in disk_full
    index = describe_error(DirectoryImportFailed(Path("/x/directory.sqlite"), "disk I/O error"))
    assert "l'annuaire précédent est intact" in index
    for text in (missing_key, disk_full, index):
        assert "supprimez" not in text.lower()
