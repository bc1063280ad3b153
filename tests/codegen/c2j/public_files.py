"""The public C2J files under ``shared/upstream`` and the service each one describes.

``service`` is the name of our model (``models/<service>.json``) the file is checked against, or
None when the file describes an API surface that none of our models is (see ``reason``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PublicC2J:
    path: str
    paginators: str | None
    service: str | None
    reason: str = ""

    @property
    def id(self) -> str:
        return self.path.removesuffix(".json")


_OLD_CONSOLAS = (
    "apiVersion 2022-06-15: the older SigV4 CodeWhisperer API (code scans, GetAccessToken, "
    "ListRecommendations), a different surface from the 2024-10-25 API of models/consolas.json"
)

PUBLIC_C2J: tuple[PublicC2J, ...] = (
    PublicC2J(
        "amzn-codewhisperer-client/aws-language-servers/bearer-token-service.json",
        None,
        "codewhisperer",
    ),
    PublicC2J(
        "amzn-codewhisperer-client/aws-toolkit-vscode/user-service-2.json", None, "codewhisperer"
    ),
    PublicC2J(
        "amzn-codewhisperer-client/aws-toolkit-jetbrains/service-2.json",
        "amzn-codewhisperer-client/aws-toolkit-jetbrains/paginators-1.json",
        "codewhisperer",
    ),
    PublicC2J(
        "amzn-codewhisperer-streaming-client/aws-toolkit-jetbrains/service-2.json",
        None,
        "codewhisperer-streaming",
    ),
    PublicC2J("amzn-consolas-client/aws-language-servers/service.json", None, "consolas"),
    PublicC2J(
        "amzn-consolas-client/aws-toolkit-vscode/service-2.json",
        "amzn-consolas-client/aws-toolkit-vscode/paginators.json",
        None,
        _OLD_CONSOLAS,
    ),
    PublicC2J(
        "amzn-consolas-client/aws-toolkit-jetbrains/service-2.json", None, None, _OLD_CONSOLAS
    ),
    PublicC2J(
        "amzn-toolkit-telemetry-client/aws-toolkit-vscode/service-2.json", None, "toolkit-telemetry"
    ),
    PublicC2J(
        "amzn-toolkit-telemetry-client/aws-toolkit-common/service-model.json",
        None,
        "toolkit-telemetry",
    ),
    PublicC2J(
        "amzn-toolkit-telemetry-client/aws-toolkit-jetbrains/service-2.json",
        None,
        "toolkit-telemetry",
    ),
)

# Files under amzn-*/ that are not C2J service models.
NOT_C2J = frozenset({"ruleset.json", "paginators.json", "paginators-1.json"})


def c2j_files_on_disk(upstream: Path) -> set[str]:
    """Every C2J model file the shared data holds, relative to ``upstream``."""
    return {
        str(p.relative_to(upstream))
        for p in upstream.glob("amzn-*/*/*.json")
        if p.name not in NOT_C2J
    }
