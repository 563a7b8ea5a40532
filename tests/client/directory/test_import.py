"""Import of the extraction: formats, bad input, atomic replacement, progress, cancel."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from client.directory.columns import COLUMNS, HEADER_LINE
from client.directory.errors import (
    ExtractionEmptyError,
    ExtractionError,
    ExtractionHeaderError,
    ImportCancelled,
)
from client.directory.importer import ImportProgress, import_extraction
from client.directory.index import DirectoryIndex, default_index_path
from sandbox.directory_sample import iter_sample_rows, write_sample_extraction, write_sample_zip

JEAN = "jean.martin@hopital-sandbox.mssante.fr"


def _write(path: Path, lines: list[str], *, ending: str = "\n") -> Path:
    path.write_bytes(ending.join(lines).encode("utf-8") + ending.encode())
    return path


def _sample_lines(rows: int = 20, seed: int = 0) -> list[str]:
    return [HEADER_LINE, *("|".join(row) for row in iter_sample_rows(rows, seed))]


@pytest.fixture
def previous_index(tmp_path: Path) -> Path:
    """An index already in place (the sandbox sample), to check it survives failures."""
    path = tmp_path / "index" / "directory.sqlite3"
    import_extraction(write_sample_extraction(tmp_path / "old.txt", rows=50), path)
    return path


def _assert_intact(path: Path) -> None:
    with DirectoryIndex(path) as index:
        assert index.info().rows == 50
        assert index.search("jean martin")[0].address == JEAN
    assert [p.name for p in path.parent.iterdir()] == [path.name], "temporary file left"


def test_zip_import_into_app_data(tmp_path: Path, app_home: Path) -> None:
    txt = write_sample_extraction(tmp_path / "x.txt", rows=120, seed=4)
    report = import_extraction(write_sample_zip(txt))
    assert report.path == default_index_path()
    assert report.path.is_relative_to(app_home)
    assert (report.rows, report.bad_rows_count) == (120, 0)
    assert report.extraction_date == "2026-11-02T06:30"
    with DirectoryIndex() as index:
        assert index.search("claire dubois cardio")[0].given_name == "Claire"


def test_bom_crlf_and_reordered_columns(tmp_path: Path) -> None:
    lines = _sample_lines()
    # Reverse the column order: the importer maps columns by header name.
    reordered = ["|".join(reversed(line.split("|"))) for line in lines]
    source = tmp_path / "x.txt"
    source.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(reordered).encode() + b"\r\n")
    report = import_extraction(source, tmp_path / "i.sqlite3")
    assert (report.rows, report.bad_rows_count) == (20, 0)
    with DirectoryIndex(tmp_path / "i.sqlite3") as index:
        jean = index.lookup(JEAN)
        assert jean is not None
        assert (jean.family_name, jean.postal_code, jean.city) == ("MARTIN", "69002", "LYON")


def test_spaces_around_address_and_national_id_are_dropped(tmp_path: Path) -> None:
    # Batches without such spaces skip trim(): the padded row must not slip through.
    lines = _sample_lines()
    address, national = COLUMNS.index("Adresse BAL"), COLUMNS.index("Identification nationale PP")
    fields = lines[1].split("|")
    assert fields[address] == JEAN
    fields[address], fields[national] = f"  {JEAN} ", f" {fields[national]}  "
    lines[1] = "|".join(fields)
    import_extraction(_write(tmp_path / "x.txt", lines), tmp_path / "i.sqlite3")
    with DirectoryIndex(tmp_path / "i.sqlite3") as index:
        jean = index.lookup(JEAN)
        assert jean is not None and jean.address == JEAN
        assert jean.national_id == fields[national].strip()
        assert index.search(jean.national_id)[0].address == JEAN


def test_wrong_header_names_the_missing_columns(tmp_path: Path, previous_index: Path) -> None:
    lines = _sample_lines()
    lines[0] = lines[0].replace("Adresse BAL", "Adresse").replace("Nom d'exercice", "Nom")
    with pytest.raises(ExtractionHeaderError) as caught:
        import_extraction(_write(tmp_path / "x.txt", lines), previous_index)
    assert caught.value.missing == ("Adresse BAL", "Nom d'exercice")
    assert "Adresse BAL" in str(caught.value)
    _assert_intact(previous_index)


def test_data_without_header_is_refused(tmp_path: Path, previous_index: Path) -> None:
    with pytest.raises(ExtractionHeaderError) as caught:
        import_extraction(_write(tmp_path / "x.txt", _sample_lines()[1:]), previous_index)
    assert len(caught.value.missing) > 10
    _assert_intact(previous_index)


def test_bad_rows_are_counted_by_line_number(tmp_path: Path) -> None:
    lines = _sample_lines(30)
    lines[3] = "|".join(lines[3].split("|")[:30])  # a row with 30 fields (line 4)
    lines[5] = lines[5].replace("|", "\x00|", 1)  # a NUL byte (line 6)
    lines[8] = "ZZZ" + lines[8][3:]  # an unknown BAL type (line 9)
    lines[10] = lines[10] + "|extra"  # 32 fields (line 11)
    raw = b"\n".join(line.encode() for line in lines) + b"\n"
    raw = raw.replace(b"MORIN", b"MOR\xffN", 1) if b"MORIN" in raw else raw
    source = tmp_path / "x.txt"
    source.write_bytes(raw)
    report = import_extraction(source, tmp_path / "i.sqlite3")
    reasons = {bad.line: bad.reason for bad in report.bad_rows}
    assert reasons[4] == "30 fields, expected 31"
    assert reasons[6] == "NUL byte in the row"
    assert reasons[9].startswith("unknown BAL type")
    assert reasons[11] == "32 fields, expected 31"
    assert report.bad_rows_count == len(reasons) >= 4
    assert report.rows == 30 - report.bad_rows_count
    with DirectoryIndex(tmp_path / "i.sqlite3") as index:
        assert index.info().bad_rows == report.bad_rows_count


def test_invalid_utf8_row(tmp_path: Path) -> None:
    lines = [line.encode() for line in _sample_lines(10)]
    lines[2] = lines[2].replace(b"Claire", b"Cl\xe9ire")  # Latin-1 leftovers
    source = tmp_path / "x.txt"
    source.write_bytes(b"\n".join(lines))
    report = import_extraction(source, tmp_path / "i.sqlite3")
    assert [(b.line, b.reason) for b in report.bad_rows] == [(3, "not valid UTF-8")]
    assert report.rows == 9


def test_nothing_valid_is_refused(tmp_path: Path, previous_index: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionEmptyError):
        import_extraction(empty, previous_index)
    only_bad = _write(tmp_path / "bad.txt", [HEADER_LINE, "PER|a@b.mssante.fr|too|short"])
    with pytest.raises(ExtractionEmptyError, match="1 rows skipped"):
        import_extraction(only_bad, previous_index)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PK garbage\n")
    with pytest.raises(ExtractionEmptyError):
        import_extraction(binary, previous_index)
    _assert_intact(previous_index)


def test_zip_without_text_and_truncated_zip(tmp_path: Path, previous_index: Path) -> None:
    no_text = tmp_path / "a.zip"
    with zipfile.ZipFile(no_text, "w") as archive:
        archive.writestr("README.pdf", b"%PDF-1.4")
    with pytest.raises(ExtractionError, match="no .txt"):
        import_extraction(no_text, previous_index)
    whole = write_sample_zip(write_sample_extraction(tmp_path / "x.txt", rows=5000))
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ExtractionError):
        import_extraction(cut, previous_index)
    _assert_intact(previous_index)


def test_big_file_stopped_halfway_keeps_previous_index(
    tmp_path: Path, previous_index: Path
) -> None:
    """The issue's "2 GB file stopped halfway", at test scale: cancel at 50 %."""
    big = write_sample_extraction(tmp_path / "big.txt", rows=60_000, seed=9)
    cancel = threading.Event()
    seen: list[ImportProgress] = []

    def progress(step: ImportProgress) -> None:
        seen.append(step)
        if (step.fraction or 0) >= 0.5:
            cancel.set()

    with pytest.raises(ImportCancelled) as caught:
        import_extraction(big, previous_index, progress=progress, cancel=cancel)
    assert 0 < caught.value.rows_done < 60_000
    assert seen and seen[-1].fraction is not None and 0.5 <= seen[-1].fraction < 1
    _assert_intact(previous_index)


def test_failing_progress_callback_aborts_cleanly(tmp_path: Path, previous_index: Path) -> None:
    source = write_sample_extraction(tmp_path / "x.txt", rows=20_000, seed=2)

    def progress(step: ImportProgress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_extraction(source, previous_index, progress=progress)
    _assert_intact(previous_index)


def test_progress_reaches_the_end_and_reader_sees_new_index(
    tmp_path: Path, previous_index: Path
) -> None:
    with DirectoryIndex(previous_index) as reader:
        assert reader.info().rows == 50
        steps: list[ImportProgress] = []
        source = write_sample_extraction(tmp_path / "new.txt", rows=700, seed=5)
        import_extraction(source, previous_index, progress=steps.append)
        assert steps[-1].fraction == 1.0 and steps[-1].rows == 700
        assert [s.bytes_read for s in steps] == sorted(s.bytes_read for s in steps)
        # The open reader notices the replaced file.
        assert reader.info().rows == 700


def test_all_31_columns_present_in_header_constant() -> None:
    assert len(COLUMNS) == 31 and HEADER_LINE.count("|") == 30


class _UiCancelToken:
    """Shaped like ui.workers.CancelToken (a ``cancelled`` property)."""

    def __init__(self) -> None:
        self.cancelled = False


def test_directory_import_file_for_the_desktop_app(tmp_path: Path) -> None:
    from client.directory import Directory

    source = write_sample_extraction(tmp_path / "x.txt", rows=9000, seed=3)
    directory = Directory(tmp_path / "index" / "directory.sqlite3")
    try:
        calls: list[tuple[int, int]] = []
        assert directory.import_file(source, progress=lambda d, t: calls.append((d, t))) == 9000
        assert calls[-1] == (source.stat().st_size, source.stat().st_size)
        assert directory.autocomplete("dubois clai")[0].given_name == "Claire"
        token = _UiCancelToken()

        def cancel_at_once(done: int, total: int) -> None:
            token.cancelled = True

        with pytest.raises(ImportCancelled):
            directory.import_file(source, progress=cancel_at_once, cancel=token)
        info = directory.info()
        assert info is not None and info.rows == 9000
    finally:
        directory.close()


def test_windows_1252_copy_is_read(tmp_path: Path) -> None:
    source = tmp_path / "resaved.txt"
    source.write_bytes("\r\n".join(_sample_lines(40)).encode("cp1252", errors="replace"))
    report = import_extraction(source, tmp_path / "i.sqlite3")
    assert (report.rows, report.bad_rows_count) == (40, 0)
    with DirectoryIndex(tmp_path / "i.sqlite3") as index:
        claire = index.lookup("claire.dubois@clinique-sandbox.mssante.fr")
        assert claire is not None and claire.specialty == "Cardiologie et maladies vasculaires"
        assert index.search("hopital sandbox saint-eloi")


@pytest.mark.parametrize("address", [
    "jean.martin@hopital.mssante.fr", "jean.martin2@ch13-lyon.mssante.fr",
    "secretariat.0123456789@x.mssante.fr", "a.mssante.fr.b@c.mssante.fr", "sans-chiffre@y.fr",
])
def test_indexed_address_text_drops_suffix_and_digits(address: str) -> None:
    # The words lookup() asks for are words of the text the index holds for an address.
    import sqlite3

    from client.directory.importer import _ADDRESS_TEXT
    from client.directory.index import indexed_address_words, query_words

    conn = sqlite3.connect(":memory:")
    try:
        (indexed,) = conn.execute(
            f"SELECT {_ADDRESS_TEXT} FROM (SELECT ? AS address)", (address,)  # noqa: S608
        ).fetchone()
    finally:
        conn.close()
    local, _, domain = indexed.partition("@")
    assert not domain.endswith(".mssante.fr")
    assert not local[-1:].isdigit()  # "martin2" would be one more term per counter
    assert set(indexed_address_words(address)) <= set(query_words(indexed, limit=None))
