"""Test doubles shipped with qsmith, so users can test their own code offline.

``LoopbackServer`` is a real HTTP/1.1 server on 127.0.0.1 that records every request
and answers from scripted responses. Later layers (the fake service) build on it.
"""

from qsmith.testing.loopback import LoopbackServer, RecordedRequest, ScriptedResponse

__all__ = ["LoopbackServer", "RecordedRequest", "ScriptedResponse"]
