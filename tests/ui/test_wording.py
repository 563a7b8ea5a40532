"""Errors are worded for the user, with the data they carry."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.wording import describe_error, is_cancellation


class CardError(Exception):
    pass


class PinIncorrect(CardError):
    def __init__(self, attempts_left: int | None) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


class PinEntryCancelled(CardError):
    pass


class RecipientRefused(Exception):
    def __init__(self, address: str, rule: str) -> None:
        super().__init__(address, rule)
        self.address = address
        self.rule = rule


class MiddlewareNotFound(CardError):
    def __init__(self, paths_tried: list[str]) -> None:
        super().__init__(paths_tried)
        self.paths_tried = paths_tried


def test_pin_incorrect_tells_the_attempts_left(qtbot: QtBot) -> None:
    assert describe_error(PinIncorrect(2)) == "Code PIN incorrect. Il reste 2 essai(s)."
    assert "dernier essai" in describe_error(PinIncorrect(1))


def test_refused_recipient_names_the_address_and_rule(qtbot: QtBot) -> None:
    text = describe_error(RecipientRefused("x@gmail.com", "hors liste blanche"))
    assert "x@gmail.com" in text and "hors liste blanche" in text


def test_middleware_not_found_lists_the_paths(qtbot: QtBot) -> None:
    text = describe_error(MiddlewareNotFound(["/usr/lib64/libcps3_pkcs11_lux.so"]))
    assert "Cryptolib CPS" in text and "/usr/lib64/libcps3_pkcs11_lux.so" in text


def test_subclass_uses_the_parent_wording(qtbot: QtBot) -> None:
    assert "n'appartient pas" not in describe_error(ConnectionRefusedError())
    assert "Connexion au serveur impossible" in describe_error(ConnectionRefusedError())


def test_cancellation_is_recognised(qtbot: QtBot) -> None:
    assert is_cancellation(PinEntryCancelled())
    assert not is_cancellation(PinIncorrect(2))


def test_cache_and_disk_failures_never_advise_deleting(qtbot: QtBot) -> None:
    from pathlib import Path

    from client.directory import DirectoryImportFailed
    from client.mail.errors import CacheKeyMismatch, CacheWriteFailed

    missing_key = describe_error(CacheKeyMismatch(Path("/home/x/cache/mail.sqlite")))
    assert "trousseau" in missing_key and "rien n'a été supprimé" in missing_key
    disk_full = describe_error(CacheWriteFailed(Path("/home/x/cache/mail.sqlite"),
                                                "database or disk is full"))
    assert disk_full.startswith("Le disque est plein")
    assert "database or disk is full" in disk_full
    index = describe_error(DirectoryImportFailed(Path("/x/directory.sqlite"), "disk I/O error"))
    assert "l'annuaire précédent est intact" in index
    for text in (missing_key, disk_full, index):
        assert "supprimez" not in text.lower()
