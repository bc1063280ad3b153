"""The one error root of qsmith, and the families every layer raises beneath it.

Each family lives here so that a user can catch at the level they care about
(``except QsmithError``, ``except ServiceError``, ``except TransportError``) without
importing the module that raised it. Specific errors subclass these families in the
module that owns them (the event stream codec, the signer, the generated clients).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class QsmithError(Exception):
    """Base of every error qsmith raises on purpose.

    ``raw_response`` is the HTTP answer the error came from, when there was one (for
    debugging: its headers and status; its body may already be read).
    """

    raw_response: httpx.Response | None = None


class ModelError(QsmithError):
    """A Smithy model is invalid; raised by the model loader (codegen side).

    ``problems`` holds every problem found, each naming the file and shape id.
    """

    def __init__(self, problems: list[ModelProblem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} problem(s) in the model" if len(lines) != 1 else "invalid model"
        super().__init__(head + ":\n" + "\n".join(f"  - {line}" for line in lines))


class ModelProblem:
    """One problem in a model: where it is (file, shape id) and what is wrong."""

    __slots__ = ("file", "message", "shape_id")

    def __init__(self, message: str, *, file: str | None = None, shape_id: str | None = None):
        self.message = message
        self.file = file
        self.shape_id = shape_id

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.shape_id) if part)
        return f"{where}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"ModelProblem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModelProblem):
            return NotImplemented
        return (self.file, self.shape_id, self.message) == (
            other.file,
            other.shape_id,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.shape_id, self.message))


class CodegenError(QsmithError):
    """The generator could not produce code for a valid model."""


class ConfigError(QsmithError):
    """A configuration value or file is invalid; the message names the file and setting."""


class ParamValidationError(QsmithError, ValueError):
    """A request parameter is missing or violates a constraint; the message names it."""


class IdentityError(QsmithError):
    """No usable identity (credentials or token) could be found or refreshed."""


class SigningError(QsmithError):
    """A request could not be signed."""


class TransportError(QsmithError):
    """The request did not get an HTTP response (connection refused, reset, TLS, proxy)."""


class RequestTimeoutError(TransportError):
    """A connect, read, idle or whole-call timeout expired."""


class EventStreamError(QsmithError):
    """An event stream is corrupt, truncated or violates the format's limits."""


class ServiceError(QsmithError):
    """The service answered with an error.

    Modeled errors of each service subclass this through a per-service base class.
    """

    # A generated error class states its code, HTTP status, fault and retryability as class
    # attributes; the arguments override them (the runtime passes what the answer said).
    code: str
    http_status: int | None = None
    fault: str = "client"
    retryable: bool = False
    # The name an event stream message gave this error (its ``:exception-type``, or the
    # ``:error-code`` of an ``error`` message); None when the HTTP response was the error.
    # ``http_status`` is always the status the HTTP response really had.
    event_type: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        fault: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        cls = type(self)
        self.message = message
        self.code = code or getattr(cls, "code", None) or cls.__name__
        self.http_status = http_status if http_status is not None else cls.http_status
        self.request_id = request_id
        self.fault = fault if fault is not None else cls.fault
        self.retryable = retryable if retryable is not None else cls.retryable
        super().__init__(self._describe())

    @property
    def from_event(self) -> bool:
        """True when an event stream message carried this error, not the HTTP response."""
        return self.event_type is not None

    def arrived_in_event(self, event_type: str, http_status: int) -> ServiceError:
        """Record that a stream message named ``event_type`` carried this error, inside
        an HTTP response of ``http_status`` (which replaces any modeled status)."""
        self.event_type = event_type
        self.http_status = http_status
        self.args = (self._describe(),)
        return self

    def _describe(self) -> str:
        parts = [f"{self.code}: {self.message or '(no message)'}"]
        if self.event_type is not None:
            parts.append(f"event stream message {self.event_type!r}")
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " — ".join(parts)


class ServiceUnavailableError(ServiceError):
    """HTTP 502, 503 or 504 without an error code: the service, or a gateway in front of
    it, could not answer (an empty body, a load balancer's page). Transient: retried.

    A service that names an error (a modeled ``ServiceUnavailableException``, or any
    code) raises that instead; this is only the status speaking.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        http_status: int,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message,
            code=f"HTTP{http_status}",
            http_status=http_status,
            request_id=request_id,
            fault="server",
            retryable=True,
        )
