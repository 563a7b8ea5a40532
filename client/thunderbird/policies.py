"""Thunderbird enterprise policies for install-wide deployment by an administrator.

``policies.json`` (in ``distribution/`` beside the Thunderbird program, or
``/etc/thunderbird/policies/`` on Linux) applies to every profile of the installation:
``SecurityDevices`` registers PKCS#11 modules (``{"Add": {"name": "path"}}``) and
``Certificates.Install`` lists certificate files to trust. Writing there usually needs
admin rights, which is why :mod:`client.thunderbird.setup` works per profile; this
module serves deployments that prefer policies. Other policies in the file are kept.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from client.thunderbird.errors import ThunderbirdError

__all__ = ["remove_policies", "write_policies"]


def _load(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"policies": {}}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ThunderbirdError(f"{path} is not valid JSON: {exc}") from exc
    document.setdefault("policies", {})
    return document


def write_policies(path: Path, module_name: str, module: Path,
                   anchors: Sequence[Path]) -> dict[str, Any]:
    """Merge the CPS module and the anchors into ``path``; returns the document."""
    document = _load(path)
    policies = document["policies"]
    devices = policies.setdefault("SecurityDevices", {})
    devices.setdefault("Add", {})[module_name] = str(module)
    install = policies.setdefault("Certificates", {}).setdefault("Install", [])
    for anchor in anchors:
        if str(anchor) not in install:
            install.append(str(anchor))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return document


def remove_policies(path: Path, module_name: str, anchors: Sequence[Path]) -> bool:
    """Take the module and anchors back out of ``path``; True if something changed."""
    if not path.exists():
        return False
    document = _load(path)
    policies = document["policies"]
    changed = False
    added = policies.get("SecurityDevices", {}).get("Add", {})
    if module_name in added:
        del added[module_name]
        changed = True
    install = policies.get("Certificates", {}).get("Install", [])
    for anchor in anchors:
        if str(anchor) in install:
            install.remove(str(anchor))
            changed = True
    if changed:
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return changed
