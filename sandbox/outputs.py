"""Files the sandbox writes for others: the liste blanche, and shell quoting.

The profiles themselves are written by :class:`sandbox.operator.Sandbox` with
:func:`client.profiles.write_profile`; ``sandbox.env`` with :func:`shell_quote`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from client.whitelist import bundled_whitelist_path

__all__ = ["shell_quote", "write_liste_blanche"]

logger = logging.getLogger(__name__)


def shell_quote(value: str) -> str:
    """``value`` single-quoted for a POSIX shell."""
    return "'" + value.replace("'", "'\\''") + "'"


def write_liste_blanche(target: Path, domains: tuple[str, ...]) -> Path:
    """Write the real liste blanche plus ``<Domaine>`` entries for ``domains``; return it."""
    # The real liste blanche the application ships (resources/data/SOURCE.md).
    bundled = bundled_whitelist_path()
    text = bundled.read_text(encoding="utf-8") if bundled.exists() else ""
    if not text:
        text = (
            '<?xml version="1.0" encoding="UTF-8"?><ListeBlancheMSSante '
            'xmlns="https://listeblanche.mssante.fr/schema">\n    <DateDeGeneration>'
            f'{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}</DateDeGeneration>\n'
            "    <ListeDomaines>\n    </ListeDomaines>\n</ListeBlancheMSSante>\n"
        )
    server_dn = "CN=localhost,OU=0002 187512751,O=OPERATEUR SANDBOX MSSANTE,C=FR"
    entries = "".join(
        "        <Domaine>\n"
        f"            <Nom>{domain}</Nom>\n"
        "            <Description>OPERATEUR SANDBOX MSSANTE</Description>\n"
        f"            <DNCertificatOperateur>{server_dn}</DNCertificatOperateur>\n"
        "            <ResponsableContact>sandbox@localhost</ResponsableContact>\n"
        "            <SupportContact>sandbox@localhost</SupportContact>\n"
        f"            <DateMAJ>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}</DateMAJ>\n"
        "        </Domaine>\n"
        for domain in domains
    )
    marker = "</ListeDomaines>"
    head, _, tail = text.rpartition(marker)
    # The file published on 2025-03-13 ends without its closing root tag; the sandbox
    # writes a well-formed document (importers should tolerate both).
    if "</ListeBlancheMSSante>" not in tail:
        tail = tail.rstrip() + "\n</ListeBlancheMSSante>\n"
    target.write_text(head + entries.lstrip(" ") + "    " + marker + tail,
                                  encoding="utf-8")  # fmt: skip
    return target
