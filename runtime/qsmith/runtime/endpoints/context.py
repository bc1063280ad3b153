"""Assemble endpoint parameters for one call from every place a value can come from.

Precedence, most specific first: an operation's ``staticContextParams``, its input members
marked ``contextParam``, its ``operationContextParams`` paths, the client's context
parameters, then built-ins (region, FIPS, custom endpoint...). Defaults are applied by the
rule set itself. The generated client passes plain dicts; nothing here knows its classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qsmith.runtime.endpoints.context_path import compile_path
from qsmith.runtime.endpoints.model import Parameter


def bind_built_ins(
    parameters: Mapping[str, Parameter], built_ins: Mapping[str, Any]
) -> dict[str, Any]:
    """Map built-in values (``{"AWS::Region": "us-east-1"}``) onto the parameters bound to them."""
    bound = {}
    for parameter in parameters.values():
        if parameter.built_in is not None and built_ins.get(parameter.built_in) is not None:
            bound[parameter.name] = built_ins[parameter.built_in]
    return bound


def bind_static_context(trait: Mapping[str, Any]) -> dict[str, Any]:
    """``staticContextParams`` (``{"Param": {"value": v}}``) as parameter values."""
    return {name: spec["value"] for name, spec in trait.items()}


def bind_context_members(
    members: Mapping[str, str], operation_input: Mapping[str, Any]
) -> dict[str, Any]:
    """Input members marked ``contextParam``: ``members`` maps member name -> parameter name."""
    return {
        parameter: operation_input[member]
        for member, parameter in members.items()
        if operation_input.get(member) is not None
    }


def bind_operation_context(
    trait: Mapping[str, Any], operation_input: Mapping[str, Any]
) -> dict[str, Any]:
    """``operationContextParams`` (``{"Param": {"path": "a.b[*].c"}}``) evaluated on the input."""
    bound = {}
    for name, spec in trait.items():
        value = compile_path(spec["path"])(operation_input)
        if value is not None:
            bound[name] = value
    return bound


def assemble_parameters(
    parameters: Mapping[str, Parameter],
    *,
    built_ins: Mapping[str, Any] | None = None,
    client_params: Mapping[str, Any] | None = None,
    operation_context: Mapping[str, Any] | None = None,
    context_members: Mapping[str, Any] | None = None,
    static_context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge already-bound values in precedence order (later arguments win).

    Only names the rule set declares are kept from client parameters, since a client may
    carry settings for parameters a particular rule set version does not have.
    """
    merged: dict[str, Any] = {}
    if built_ins:
        merged.update(bind_built_ins(parameters, built_ins))
    for source in (client_params, operation_context, context_members, static_context):
        if source:
            merged.update((k, v) for k, v in source.items() if v is not None and k in parameters)
    return merged
