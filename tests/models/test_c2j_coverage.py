"""Our models keep every constraint, enum value and error the public C2J files carry.

Each public C2J file (tests/codegen/c2j/public_files.py maps file -> service) is converted with
import-c2j and compared with ``models/<service>.json`` by shape name (our models keep the C2J
names). A finding fails the test unless EXEMPTIONS lists it; an exemption that explains no
finding fails it too, so the list never outlives the differences it records.

Which C2J files count: every file whose API is the one our model describes. The two 2022-06-15
SigV4 CodeWhisperer files under amzn-consolas-client are an older, different API surface
(code scans, ListRecommendations) and are not compared; qdeveloper-streaming has no public C2J.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from qsmith.codegen.c2j import load_c2j
from qsmith.codegen.c2j.coverage import Exemption, Finding, apply_exemptions, compare
from tests.codegen.c2j.public_files import PUBLIC_C2J
from tests.support.shared import REPO_ROOT, shared_path

SERVICES = sorted({s.service for s in PUBLIC_C2J if s.service is not None})

# service -> findings accepted on purpose, each Exemption(shape, item, reason):
#   shape  — the structure, enum, operation or error shape name as the C2J spells it;
#   item   — the member name (constraint or member dropped), the enum value (value changed or
#            dropped), the error name (error no longer listed by the operation), "@error",
#            "@retryable" or "@httpError" (error trait changed), or "*" (whole shape dropped);
#   reason — which newer source (REPORT.md's dating) dropped or changed it.
# One exemption covers that (shape, item) in every C2J file of the service.
#
# Sources and dates (SOURCES.md, REPORT.md section 2; models/README.md names them):
#   RUST    amazon-q-developer-cli sync-prod-from-main 7bc6d25, 2026-02-19/23: newest content of
#           codewhisperer and consolas (it keeps no constraints).
#   CW-VSC  aws-toolkit-vscode user-service-2.json, 2025-09-19: newest codewhisperer C2J by
#           date and content (REPORT.md lists CW-LS first for its one more operation; see
#           models/README.md, "Which codewhisperer C2J is newer").
#   CW-LS   aws-language-servers bearer-token-service.json, 2025-09-03.
#   CW-JB   aws-toolkit-jetbrains codewhispererruntime/service-2.json, 2025-05-19.
#   TEL-VSC aws-toolkit-vscode telemetry service-2.json, 2025-07-31: newest telemetry source;
#           aws-toolkit-common and JetBrains (2024-04, JSON-equal) are older.
_RUST_REASONS = (
    "RUST (2026-02-19), the newest source, lists only FEATURE_NOT_SUPPORTED and "
    "TEMPORARILY_SUSPENDED: the value was dropped"
)
_JB_PROFILE_ARN = (
    "CW-JB (2025-05-19) pattern allows only arn:aws:codewhisperer; CW-LS and CW-VSC (2025-09) "
    "replaced it with arn:aws:(codewhisperer|transform)"
)


def _newer(value: str, replaced_by: str) -> str:
    return f"older C2J value {value}; replaced by {replaced_by}"


def _jb_profile_arn(*structures: str) -> list[Exemption]:
    return [Exemption(name, "profileArn", _JB_PROFILE_ARN) for name in structures]


_CODEWHISPERER = [
    Exemption(
        "AccessDeniedExceptionReason", "UNAUTHORIZED_CUSTOMIZATION_RESOURCE_ACCESS", _RUST_REASONS
    ),
    Exemption(
        "AccessDeniedExceptionReason",
        "UNAUTHORIZED_WORKSPACE_CONTEXT_FEATURE_ACCESS",
        _RUST_REASONS,
    ),
    Exemption(
        "ModelMetadata",
        "*",
        "only CW-LS has Model.modelMetadata; CW-VSC (2025-09-19) and RUST (2026-02) dropped it",
    ),
    # CW-VSC (2025-09-19) changed these CW-LS (2025-09-03) values; where CW-JB has one too it
    # is the same or smaller, so each limit only grew: JB -> LS -> VSC.
    Exemption(
        "AssistantResponseMessage", "content", _newer("CW-LS/JB max 100000", "CW-VSC's no max")
    ),
    Exemption("AssistantResponseMessage", "toolUses", _newer("CW-LS/JB max 10", "CW-VSC's no max")),
    Exemption(
        "UserInputMessageContext", "toolResults", _newer("CW-LS/JB max 10", "CW-VSC's no max")
    ),
    Exemption(
        "ConversationState", "history", _newer("CW-JB max 100, CW-LS max 250", "CW-VSC's no max")
    ),
    Exemption(
        "ImageSource", "bytes", _newer("CW-JB max 1500000, CW-LS max 2800000", "CW-VSC's 10000000")
    ),
    Exemption("ToolResultContentBlock", "text", _newer("CW-LS/JB max 800000", "CW-VSC's 10000000")),
    Exemption("UserInputMessage", "content", _newer("CW-LS/JB max 600000", "CW-VSC's 10000000")),
    Exemption(
        "CreateSubscriptionTokenResponse", "token", _newer("CW-LS length 8..16", "CW-VSC's 11..11")
    ),
    Exemption(
        "Model", "description", _newer("CW-LS pattern without '.'", "CW-VSC's, which allows it")
    ),
    Exemption(
        "Model", "modelName", _newer("CW-LS pattern without ' '", "CW-VSC's, which allows it")
    ),
    # CW-JB (2025-05-19) values that both CW-LS and CW-VSC (2025-09) replaced.
    Exemption("EditorState", "relevantDocuments", _newer("CW-JB max 30", "CW-LS/VSC max 100")),
    Exemption(
        "GenerateCompletionsRequest",
        "supplementalContexts",
        _newer("CW-JB max 5", "CW-LS/VSC max 20"),
    ),
    Exemption("SupplementaryWebLink", "url", _newer("CW-JB max 1024", "CW-LS/VSC max 2048")),
    Exemption(
        "ToolSpecification",
        "name",
        _newer("CW-JB pattern [a-zA-Z][a-zA-Z0-9_]*", "CW-LS/VSC [a-zA-Z0-9_-]+"),
    ),
    Exemption(
        "ToolUse", "name", _newer("CW-JB pattern [a-zA-Z][a-zA-Z0-9_]*", "CW-LS/VSC [a-zA-Z0-9_-]+")
    ),
    Exemption(
        "ProgrammingLanguage",
        "languageName",
        _newer("CW-JB pattern without hcl, abap", "CW-LS/VSC's, which adds them"),
    ),
    Exemption("Profile", "arn", _JB_PROFILE_ARN),
    *_jb_profile_arn(
        "CreateTaskAssistConversationRequest",
        "CreateUploadUrlRequest",
        "CreateWorkspaceRequest",
        "DeleteTaskAssistConversationRequest",
        "DeleteWorkspaceRequest",
        "GenerateCompletionsRequest",
        "GetCodeAnalysisRequest",
        "GetCodeFixJobRequest",
        "GetTaskAssistCodeGenerationRequest",
        "GetTestGenerationRequest",
        "GetTransformationPlanRequest",
        "GetTransformationRequest",
        "ListAvailableCustomizationsRequest",
        "ListCodeAnalysisFindingsRequest",
        "ListFeatureEvaluationsRequest",
        "ListWorkspaceMetadataRequest",
        "ResumeTransformationRequest",
        "SendTelemetryEventRequest",
        "StartCodeAnalysisRequest",
        "StartCodeFixJobRequest",
        "StartTaskAssistCodeGenerationRequest",
        "StartTestGenerationRequest",
        "StartTransformationRequest",
        "StopTransformationRequest",
    ),
]
_TELEMETRY_DROPPED = "TEL-VSC (2025-07-31) dropped it; only the 2024-04 C2J files have it"

EXEMPTIONS: dict[str, list[Exemption]] = {
    "codewhisperer": _CODEWHISPERER,
    "codewhisperer-streaming": [],
    "consolas": [
        # The consolas crate lists the same two values (its AccessDeniedExceptionReason).
        Exemption(
            "AccessDeniedExceptionReason",
            "UNAUTHORIZED_CUSTOMIZATION_RESOURCE_ACCESS",
            _RUST_REASONS,
        ),
        Exemption(
            "AccessDeniedExceptionReason",
            "UNAUTHORIZED_WORKSPACE_CONTEXT_FEATURE_ACCESS",
            _RUST_REASONS,
        ),
    ],
    "toolkit-telemetry": [
        Exemption("ComputeEnv", "cloud9-ec2", _TELEMETRY_DROPPED),
        Exemption("ComputeEnv", "other", _TELEMETRY_DROPPED + " (TEL-VSC has 'unknown' instead)"),
        Exemption("PostMetricsRequest", "OSArchitecture", _TELEMETRY_DROPPED),
    ],
}


def test_exemption_table_is_well_formed() -> None:
    assert sorted(EXEMPTIONS) == SERVICES
    for service, exemptions in EXEMPTIONS.items():
        keys = [(e.shape, e.item) for e in exemptions]
        assert len(keys) == len(set(keys)), f"{service}: an exemption is listed twice"
        for exemption in exemptions:
            assert exemption.shape and exemption.item and exemption.reason.strip(), exemption


@pytest.mark.parametrize("service", SERVICES)
def test_model_keeps_what_the_public_c2j_files_carry(service: str) -> None:
    model_path = REPO_ROOT / "models" / f"{service}.json"
    if not model_path.exists():
        pytest.skip(f"models/{service}.json does not exist on this branch yet")
    ours = json.loads(model_path.read_text(encoding="utf-8"))
    seen_in: dict[Finding, list[str]] = defaultdict(list)
    for source in (s for s in PUBLIC_C2J if s.service == service):
        path = shared_path("upstream", source.path)
        paginators = shared_path("upstream", source.paginators) if source.paginators else None
        for finding in compare(load_c2j(path, paginators=paginators).model, ours):
            seen_in[finding].append(source.path)
    unexplained, unused = apply_exemptions(seen_in, EXEMPTIONS[service])
    lines = [f"{f}   [{', '.join(seen_in[f])}]" for f in sorted(unexplained)]
    lines += [f"stale exemption (explains nothing): {e}" for e in unused]
    assert not lines, f"models/{service}.json vs public C2J:\n" + "\n".join(lines)
