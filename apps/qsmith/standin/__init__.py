"""A scripted stand-in for Amazon Q on 127.0.0.1: ``qsmith chat --fake``, ``qsmith serve --fake``.

It lets anyone see chat and the gateway work without an AWS account. Built on
``qsmith.testing.FakeService``: it answers codewhisperer's ``ListAvailableModels`` and
codewhisperer-streaming's ``GenerateAssistantResponse`` over awsJson1_0, with answers
written by ``qsmith.standin.answers`` from what was asked.
"""

from qsmith.standin.answers import ERROR_WORD, STANDIN_MODELS, STANDIN_REASONING
from qsmith.standin.server import STANDIN_TOKEN, StandIn

__all__ = ["ERROR_WORD", "STANDIN_MODELS", "STANDIN_REASONING", "STANDIN_TOKEN", "StandIn"]
