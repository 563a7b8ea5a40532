"""The fuzz targets: one function per parser, plus its seed inputs.

A target returns normally or raises one of the errors its parser documents; the
driver (:mod:`fuzz.__main__`) treats every other exception as a finding.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Imported here so that atheris instruments them (python -m fuzz imports this module
# inside atheris.instrument_imports).
import client.auth.oidc
import client.directory.extraction
import client.mail.reading
import client.mail.receipts
import client.whitelist
import client.xdm.cda_render
import client.xdm.metadata
import client.xdm.reader  # noqa: F401

__all__ = ["HARNESSES", "SEEDS", "Harness", "regression_seeds"]


@dataclass(frozen=True)
class Harness:
    """A target, the exceptions it may raise, and where its seeds come from."""

    target: Callable[[bytes], object]
    allowed: tuple[type[BaseException], ...]
    seeds: Callable[[], list[bytes]]


def _mime(data: bytes) -> object:
    from client.mail.reading import parse_message
    from client.mail.receipts import parse_report

    return parse_report(parse_message(data))


def _mime_seeds() -> list[bytes]:
    from sandbox.seed import build_doctor_mail

    return [message.as_bytes() for _, message, _ in build_doctor_mail()]


def _liste_blanche(data: bytes) -> object:
    from client.whitelist import TrustSpace

    return TrustSpace.parse(data)


def _liste_blanche_seeds() -> list[bytes]:
    from client.whitelist import bundled_whitelist_path

    return [bundled_whitelist_path().read_bytes()[:20000]]


def _extraction(data: bytes) -> object:
    from client.directory.extraction import open_extraction

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "Extraction_Correspondance_MSSante_202611020630.txt"
        path.write_bytes(data)
        rows = 0
        with open_extraction(path) as reader:
            reader.read_header()
            for batch in reader.batches():
                rows += len(batch)
        return rows


def _extraction_seeds() -> list[bytes]:
    from sandbox.directory_sample import write_sample_extraction

    with tempfile.TemporaryDirectory() as scratch:
        path = write_sample_extraction(
            Path(scratch) / "Extraction_Correspondance_MSSante_202611020630.txt", rows=20
        )
        return [path.read_bytes()]


def _xdm(data: bytes) -> object:
    from client.xdm import read_xdm

    return read_xdm(data)


def _xdm_seeds() -> list[bytes]:
    from sandbox.xdm_sample import build_sample_xdm_zip

    return [build_sample_xdm_zip()]


def _metadata(data: bytes) -> object:
    from client.xdm.metadata import parse_metadata

    return parse_metadata(data)


def _metadata_seeds() -> list[bytes]:
    import io
    import zipfile

    from sandbox.xdm_sample import build_sample_xdm_zip

    with zipfile.ZipFile(io.BytesIO(build_sample_xdm_zip())) as archive:
        return [archive.read("IHE_XDM/SUBSET01/METADATA.XML")]


def _cda(data: bytes) -> object:
    from client.xdm.cda_render import render_cda

    return render_cda(data).to_html()


def _cda_seeds() -> list[bytes]:
    folder = Path(__file__).resolve().parent.parent / "tests" / "data" / "cda"
    return [path.read_bytes() for path in sorted(folder.glob("*.xml"))[:2]] or [
        b'<ClinicalDocument xmlns="urn:hl7-org:v3"/>']


def _token_response(data: bytes) -> object:
    from client.auth.oidc import TokenSet

    try:
        document = json.loads(data)
    except ValueError:
        return None  # not JSON: the HTTP layer refuses it before (tests/hostile)
    if not isinstance(document, dict):
        return None
    return TokenSet.from_response(document, lambda: 0.0)


def _token_seeds() -> list[bytes]:
    return [b'{"access_token": "a", "expires_in": 120, "refresh_token": "r",'
            b' "refresh_expires_in": 1800, "id_token": "x.y.z", "scope": "openid"}']


def _allowed() -> dict[str, tuple[type[BaseException], ...]]:
    from client.auth.errors import ProviderError
    from client.directory.errors import ExtractionError
    from client.whitelist import WhitelistError
    from client.xdm import CdaRefused, XdmError

    return {
        "mime": (),
        "liste-blanche": (WhitelistError,),
        "extraction": (ExtractionError,),
        "xdm": (XdmError,),
        "metadata": (XdmError,),
        "token-response": (ProviderError,),
        "cda": (CdaRefused,),
    }


#: Inputs that once crashed a harness, one folder per harness (``seeds/mime/*.eml``...):
#: replayed as seeds by every run and by ``tests/fuzz`` as plain regression tests.
SEEDS = Path(__file__).resolve().parent / "seeds"


def regression_seeds(name: str) -> list[bytes]:
    """The findings kept for harness ``name`` (files of ``fuzz/seeds/NAME/``)."""
    folder = SEEDS / name
    if not folder.is_dir():
        return []
    return [path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()]


def _with_findings(name: str, seeds: Callable[[], list[bytes]]) -> Callable[[], list[bytes]]:
    return lambda: [*seeds(), *regression_seeds(name)]


def _build() -> dict[str, Harness]:
    allowed = _allowed()
    built = {
        "mime": Harness(_mime, allowed["mime"], _mime_seeds),
        "liste-blanche": Harness(_liste_blanche, allowed["liste-blanche"],
                                 _liste_blanche_seeds),
        "extraction": Harness(_extraction, allowed["extraction"], _extraction_seeds),
        "xdm": Harness(_xdm, allowed["xdm"], _xdm_seeds),
        "metadata": Harness(_metadata, allowed["metadata"], _metadata_seeds),
        "token-response": Harness(_token_response, allowed["token-response"],
                                  _token_seeds),
        "cda": Harness(_cda, allowed["cda"], _cda_seeds),
    }
    return {name: Harness(h.target, h.allowed, _with_findings(name, h.seeds))
            for name, h in built.items()}


HARNESSES: dict[str, Harness] = _build()
