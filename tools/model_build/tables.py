"""Hand-kept facts the machine-readable sources do not carry (see models/README.md).

Every entry here is a public fact read from REPORT.md, the inventories or SOURCES.md, or a
decision of ours that models/README.md explains.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CW = "com.amazon.aws.codewhisperer"

# @error fault per modeled error (client unless listed; C2J `fault` agrees where it exists).
ERROR_FAULTS = {
    "InternalServerException": "server",
    "ServiceUnavailableException": "server",
}
# @httpError codes: the npm 1.0.45 schema of the streaming service states them for the shared
# error shapes; no source gives one for UpdateUsageLimitQuotaExceededException or the
# ServiceLinkedRoleLock* errors, so they carry none.
HTTP_ERROR_CODES = {
    "AccessDeniedException": 403,
    "ConflictException": 409,
    "InternalServerException": 500,
    "ResourceNotFoundException": 404,
    "ServiceQuotaExceededException": 402,
    "ServiceUnavailableException": 503,
    "ThrottlingException": 429,
    "ValidationException": 400,
}
# @retryable where no C2J says it (the C2J files mark ThrottlingException as throttling and
# InternalServerException as retryable).
RETRYABLE: dict[str, dict[str, bool]] = {
    "ThrottlingException": {"throttling": True},
    "InternalServerException": {},
}


# Field types the smithy-rs extract truncated; completed from the inventories and the C2J
# (IntentMap: IntentType -> IntentData, IntentData: String -> IntentDataType).
RUST_TYPE_FIXES = {
    "Option< HashMap< IntentType": "Option<HashMap<IntentType, HashMap<String, IntentDataType>>>",
    "Option< HashMap<String, Vec<String>>": "Option<HashMap<String, Vec<String>>>",
}


# npm-only members typed "number" (smithy-typescript keeps no precision) that no Rust crate or
# C2J knows: indices and offsets, Integer like Span.start/end which the Rust crate types i32.
NPM_NUMBER_TYPES = {
    ("DocumentCitationSpan", "documentIndex"): "integer",
    ("DocumentCitationSpan", "start"): "integer",
    ("DocumentCitationSpan", "end"): "integer",
    ("DocumentCitationSearchResultSpan", "searchResultIndex"): "integer",
    ("DocumentCitationSearchResultSpan", "start"): "integer",
    ("DocumentCitationSearchResultSpan", "end"): "integer",
}


# Enums the smithy-rs extract lists without any value (a Smithy enum needs one): the values of
# the newest C2J that has the enum.
EMPTY_RUST_ENUMS = {
    "TerminalUserInteractionEventType": [
        "CODEWHISPERER_TERMINAL_TRANSLATION_ACTION",
        "CODEWHISPERER_TERMINAL_COMPLETION_INSERTED",
    ],
}


@dataclass
class ServiceSpec:
    """Static facts of one service: identity, protocols, auth, endpoint and namespaces."""

    key: str
    service_name: str
    namespace: str
    sdk_id: str
    version: str
    endpoint_prefix: str
    protocols: list[str]
    endpoint_url: str
    documentation: str
    sigv4_name: str | None = None
    fixed_region: str = "us-east-1"
    title: str | None = None
    common_namespace: str = CW
    use_npm_namespaces: bool = True
    namespace_overrides: dict[str, str] = field(default_factory=dict)
    # operation -> (method, uri, {member: query key}) for restJson1
    http: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)
    # (shape, member) -> header name
    headers: dict[tuple[str, str], str] = field(default_factory=dict)
    # Request/Response suffixes for operations that no C2J or npm schema names
    io_suffixes: tuple[str, str] = ("Request", "Response")
    # qsmith's own service traits (``qsmith.customizations#...``, see models/README.md)
    customizations: dict[str, object] = field(default_factory=dict)

    @property
    def service_id(self) -> str:
        return f"{self.namespace}#{self.service_name}"

    def namespace_for(self, name: str, npm_id: str | None) -> str:
        if name in self.namespace_overrides:
            return self.namespace_overrides[name]
        if npm_id is not None and self.use_npm_namespaces:
            return npm_id.split("#")[0]
        return self.namespace


# What the Amazon Q services do that their published sources do not say, as qsmith's own
# traits (models/README.md, "Customization traits"): the runtime acts on the traits, so a
# user's model gets none of this behaviour unless it carries them.
Q_CUSTOMIZATIONS: dict[str, object] = {
    # The Amazon Q CLI sends @httpHeader members as headers under awsJson1_0 too
    # (x-amzn-kiro-agent-mode, x-amzn-kiro-profile-arn); the services read them there.
    "qsmith.customizations#sendHeaderMembers": {},
    # The data-sharing choice: "true" = do not use the content to improve the service.
    "qsmith.customizations#contentOptOutHeader": {"name": "x-amzn-codewhisperer-optout"},
    # The monthly quota is final until next month; capacity errors are throttling.
    "qsmith.customizations#retryRules": [
        {"reason": "MONTHLY_REQUEST_COUNT", "kind": "notRetryable"},
        {"reason": "INSUFFICIENT_MODEL_CAPACITY", "kind": "throttling"},
        {"code": "ServiceUnavailableException", "kind": "throttling"},
        {"status": 500, "messageContains": "unexpectedly high load", "kind": "throttling"},
    ],
}

AWS_JSON = "aws.protocols#awsJson1_0"
REST_JSON = "aws.protocols#restJson1"
ERRORS_IN_CW = {
    name: CW
    for name in (
        "AccessDeniedException",
        "ConflictException",
        "DryRunOperationException",
        "InternalServerException",
        "ResourceNotFoundException",
        "ServiceQuotaExceededException",
        "ServiceUnavailableException",
        "ThrottlingException",
        "ValidationException",
    )
}

TOOLKIT_TELEMETRY = ServiceSpec(
    key="toolkit-telemetry",
    service_name="ToolkitTelemetry",
    namespace="com.amazon.aws.toolkit.telemetry",
    sdk_id="ToolkitTelemetry",
    version="2017-07-25",
    endpoint_prefix="client-telemetry",
    protocols=[REST_JSON],
    endpoint_url="https://client-telemetry.us-east-1.amazonaws.com",
    sigv4_name="execute-api",
    documentation="Receives usage metrics, feedback and error reports from AWS IDE toolkits "
    "and the Amazon Q command line.",
    use_npm_namespaces=False,
)

QDEVELOPER_STREAMING = ServiceSpec(
    customizations=Q_CUSTOMIZATIONS,
    key="qdeveloper-streaming",
    service_name="AmazonQDeveloperStreamingService",
    namespace="com.amazon.aws.q.streaming",
    sdk_id="QDeveloperStreaming",
    version="2024-06-11",
    endpoint_prefix="q",
    protocols=[AWS_JSON],
    endpoint_url="https://q.{Region}.amazonaws.com",
    sigv4_name="q",
    documentation="Amazon Q Developer chat and code generation with streamed answers, "
    "signed with SigV4.",
    namespace_overrides=dict(ERRORS_IN_CW),
)

# GET operations bind members to the path and query; all others POST a JSON body.
_PROFILE = {"profileArn": "profileArn"}
CODEWHISPERER_HTTP: dict[str, tuple[str, str, dict[str, str]]] = {
    "CreateArtifactUploadUrl": ("POST", "/createartifactuploadurl", {}),
    "CreateSubscriptionToken": ("POST", "/CreateSubscriptionToken", {}),
    "CreateTaskAssistConversation": ("POST", "/createTaskAssistConversation", {}),
    "CreateUploadUrl": ("POST", "/createuploadurl", {}),
    "CreateUserMemoryEntry": ("POST", "/CreateUserMemoryEntry", {}),
    "CreateWorkspace": ("POST", "/CreateWorkspace", {}),
    "DeleteTaskAssistConversation": ("POST", "/deleteTaskAssistConversation", {}),
    "DeleteUserMemoryEntry": ("POST", "/DeleteUserMemoryEntry/{id}", {}),
    "DeleteWorkspace": ("POST", "/DeleteWorkspace", {}),
    "GenerateCompletions": ("POST", "/generatecompletions", {}),
    "GetCodeAnalysis": ("GET", "/getcodeanalysis/{jobId+}", _PROFILE),
    "GetCodeFixJob": ("GET", "/getcodefixjob/{jobId}", _PROFILE),
    "GetProfile": ("POST", "/GetProfile", {}),
    "GetRetrievals": ("POST", "/GetRetrievals", {}),
    "GetTaskAssistCodeGeneration": (
        "GET",
        "/getTaskAssistCodeGeneration/{conversationId}/{codeGenerationId}",
        _PROFILE,
    ),
    "GetTestGeneration": (
        "GET",
        "/getTestGeneration/{testGenerationJobGroupName}/{testGenerationJobId}",
        _PROFILE,
    ),
    "GetTransformation": ("GET", "/getTransformation/{transformationJobId+}", _PROFILE),
    "GetTransformationPlan": ("GET", "/getTransformationPlan/{transformationJobId+}", _PROFILE),
    "GetUsageLimits": (
        "GET",
        "/getUsageLimits",
        {
            "profileArn": "profileArn",
            "origin": "origin",
            "resourceType": "resourceType",
            "isEmailRequired": "isEmailRequired",
        },
    ),
    "ListAvailableCustomizations": ("POST", "/ListAvailableCustomizations", {}),
    "ListAvailableModels": (
        "GET",
        "/ListAvailableModels",
        {
            "origin": "origin",
            "maxResults": "maxResults",
            "nextToken": "nextToken",
            "profileArn": "profileArn",
            "modelProvider": "modelProvider",
        },
    ),
    "ListAvailableProfiles": ("POST", "/ListAvailableProfiles", {}),
    "ListAvailableSubscriptions": ("POST", "/listAvailableSubscriptions", {}),
    "ListCodeAnalysisFindings": (
        "GET",
        "/listcodeanalysisfindings/{jobId}",
        {
            "nextToken": "nextToken",
            "codeAnalysisFindingsSchema": "schema",
            "profileArn": "profileArn",
        },
    ),
    "ListEvents": ("POST", "/events", {}),
    "ListFeatureEvaluations": ("POST", "/ListFeatureEvaluations", {}),
    "ListUserMemoryEntries": ("POST", "/ListUserMemoryEntries", {}),
    "ListWorkspaceMetadata": ("POST", "/ListWorkspaceMetadata", {}),
    "PushTelemetryEvent": ("POST", "/PushTelemetryEvent", {}),
    "ResumeTransformation": ("POST", "/resumeTransformation/{transformationJobId+}", {}),
    "SendTelemetryEvent": ("POST", "/SendTelemetryEvent", {}),
    "SetUserPreference": ("POST", "/setUserPreference", {}),
    "StartCodeAnalysis": ("POST", "/startcodeanalysis", {}),
    "StartCodeFixJob": ("POST", "/startcodefixjob", {}),
    "StartTaskAssistCodeGeneration": ("POST", "/startTaskAssistCodeGeneration", {}),
    "StartTestGeneration": ("POST", "/startTestGeneration", {}),
    "StartTransformation": ("POST", "/startTransformation", {}),
    "StopTransformation": ("GET", "/stopTransformation/{transformationJobId+}", _PROFILE),
    "UpdateUsageLimits": ("POST", "/updateUsageLimits", {}),
}

CODEWHISPERER = ServiceSpec(
    customizations=Q_CUSTOMIZATIONS,
    key="codewhisperer",
    service_name="AmazonCodeWhispererService",
    namespace="com.amazon.aws.codewhisperer.runtime",
    sdk_id="CodeWhispererRuntime",
    version="2022-11-11",
    endpoint_prefix="amazoncodewhispererservice",
    protocols=[AWS_JSON, REST_JSON],
    endpoint_url="https://q.{Region}.amazonaws.com",
    documentation="Amazon Q Developer (CodeWhisperer runtime): completions, profiles, "
    "customizations, transformations, usage limits and telemetry, with a bearer token.",
    namespace_overrides={
        **ERRORS_IN_CW,
        "UpdateUsageLimitQuotaExceededException": "com.amazon.aws.codewhisperer.runtime",
    },
    http=CODEWHISPERER_HTTP,
)

CONSOLAS = ServiceSpec(
    customizations=Q_CUSTOMIZATIONS,
    key="consolas",
    service_name="AWSCodeWhispererService",
    namespace=CW,
    sdk_id="CodeWhisperer",
    version="2024-10-25",
    endpoint_prefix="codewhisperer",
    protocols=[AWS_JSON, REST_JSON],
    endpoint_url="https://codewhisperer.{Region}.amazonaws.com",
    sigv4_name="codewhisperer",
    documentation="Amazon Q Developer administration (CodeWhisperer): profiles, "
    "customizations and their permissions, signed with SigV4.",
    namespace_overrides=dict(ERRORS_IN_CW),
)

CODEWHISPERER_STREAMING = ServiceSpec(
    customizations=Q_CUSTOMIZATIONS,
    key="codewhisperer-streaming",
    service_name="AmazonCodeWhispererStreamingService",
    namespace="com.amazon.aws.codewhisperer.streaming",
    sdk_id="CodeWhispererStreaming",
    version="2023-11-27",
    endpoint_prefix="amazoncodewhispererstreamingservice",
    protocols=[AWS_JSON, REST_JSON],
    endpoint_url="https://q.{Region}.amazonaws.com",
    documentation="Amazon Q Developer chat, task planning, MCP and result export with "
    "streamed answers, with a bearer token.",
)
