"""Smithy endpoint rules: resolve a service endpoint from a rule set and parameters.

``compile_rule_set(document)`` accepts either form (``smithy.rules#endpointRuleSet`` or
``smithy.rules#endpointBdd``); ``resolve_endpoint(rule_set, params)`` returns an
``Endpoint``. ``context`` assembles parameters from built-ins, client settings and an
operation's input; ``config`` applies endpoint URL overrides and checks them up front.
"""

from __future__ import annotations

from qsmith.runtime.endpoints.errors import (
    EndpointConfigError,
    EndpointParameterError,
    EndpointResolutionError,
    RuleSetError,
)
from qsmith.runtime.endpoints.model import Endpoint, Parameter
from qsmith.runtime.endpoints.ruleset import (
    BddRuleSet,
    RuleSet,
    TreeRuleSet,
    compile_rule_set,
    default_library,
    resolve_endpoint,
)

__all__ = [
    "BddRuleSet",
    "Endpoint",
    "EndpointConfigError",
    "EndpointParameterError",
    "EndpointResolutionError",
    "Parameter",
    "RuleSet",
    "RuleSetError",
    "TreeRuleSet",
    "compile_rule_set",
    "default_library",
    "resolve_endpoint",
]
