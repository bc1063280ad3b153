from __future__ import annotations

from qsmith.runtime import errors


def test_every_family_sits_under_the_one_root() -> None:
    families = [
        errors.ModelError,
        errors.CodegenError,
        errors.ConfigError,
        errors.ParamValidationError,
        errors.IdentityError,
        errors.SigningError,
        errors.TransportError,
        errors.RequestTimeoutError,
        errors.EventStreamError,
        errors.ServiceError,
    ]
    assert all(issubclass(f, errors.QsmithError) for f in families)
    assert issubclass(errors.RequestTimeoutError, errors.TransportError)


def test_model_error_lists_every_problem_with_file_and_shape() -> None:
    exc = errors.ModelError(
        [
            errors.ModelProblem("unknown target ex#Nope", file="a.json", shape_id="ex#A$b"),
            errors.ModelProblem("bad id", file="b.json"),
        ]
    )
    text = str(exc)
    assert "2 problem(s)" in text
    assert "a.json: ex#A$b: unknown target ex#Nope" in text
    assert "b.json: bad id" in text


def test_service_error_message_says_code_status_and_request_id() -> None:
    exc = errors.ServiceError(
        "slow down", code="ThrottlingException", http_status=429, request_id="r-1"
    )
    assert str(exc) == "ThrottlingException: slow down — HTTP 429 — request id r-1"
    assert exc.fault == "client" and not exc.retryable
