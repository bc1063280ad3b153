"""Issue 5's first acceptance point: ``qsmith model validate models/<each>.json`` passes.

Each file is validated by its own command, so no model leans on a shape another file defines.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from tests.models.ast_index import MODELS_DIR, SERVICES

# Models the project writes for its own use beside the five Amazon Q services.
SUPPORT_MODELS = ["cognito-identity", "sso-oidc", "sts"]


def test_models_dir_holds_the_five_services_and_the_support_models() -> None:
    assert sorted(p.stem for p in MODELS_DIR.glob("*.json")) == sorted([*SERVICES, *SUPPORT_MODELS])
    assert len(SERVICES) == 5


@pytest.mark.parametrize("service", [*SERVICES, *SUPPORT_MODELS])
def test_qsmith_model_validate_passes_on_each_file_alone(service: str) -> None:
    path = MODELS_DIR / f"{service}.json"
    result = CliRunner().invoke(cli, ["model", "validate", str(path)])
    assert result.exit_code == 0, result.output
    shapes = len(json.loads(path.read_text(encoding="utf-8"))["shapes"])
    assert result.output.splitlines() == [f"OK {path}: {shapes} shape(s), 1 service(s)"]
