"""The gateway's container recipe and Kubernetes example stay in step with the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "packaging" / "gateway"


def _gateway_extra() -> list[str]:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extra: list[str] = document["project"]["optional-dependencies"]["gateway"]
    return extra


def test_the_image_installs_the_gateway_extra_and_runs_the_contract_command() -> None:
    recipe = (RECIPES / "Containerfile").read_text()
    for requirement in _gateway_extra():
        name = re.split(r"[<>=;\[ ]", requirement)[0]
        assert f'"{name}>=' in recipe, f"{name} missing from the image"
    assert 'ENTRYPOINT ["python", "-m", "gateway", "--host", "0.0.0.0"' in recipe
    assert "USER 10001" in recipe  # never root
    assert "SECRET" not in recipe.split("FROM")[-1].replace("SECRET_FILE", "")


def test_the_deployment_reads_the_secret_from_a_file() -> None:
    manifest = (RECIPES / "kubernetes.yaml").read_text()
    for variable in ("PSC_GATEWAY_ISSUER", "PSC_GATEWAY_CLIENT_ID",
                     "PSC_GATEWAY_CLIENT_SECRET_FILE"):
        assert variable in manifest
    assert "secretName: psc-gateway" in manifest
    assert re.search(r"PSC_GATEWAY_CLIENT_SECRET\b(?!_FILE)", manifest) is None
    assert "path: /readyz" in manifest and "path: /healthz" in manifest
    assert "kind: Service" in manifest and "kind: Deployment" in manifest
    assert "readOnlyRootFilesystem: true" in manifest
    # Metrics and rate limits live in each process: one worker per pod, scaled by replicas.
    assert '"--workers", "1"' in manifest
