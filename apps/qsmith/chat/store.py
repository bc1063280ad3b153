"""Conversations saved as one JSON file each, written atomically.

The folder is ``$QSMITH_CONVERSATIONS_DIR`` or ``~/.local/share/qsmith/conversations``
(``$XDG_DATA_HOME`` respected). A file is written to a temporary name in the same folder,
flushed, fsynced and renamed over the old one, with mode 0600 (conversations may hold
private code). A file that cannot be read is reported with its path and problem, and
never overwritten: saving over it raises ``CorruptConversationError``.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from qsmith.chat.errors import ConversationNotFoundError, CorruptConversationError
from qsmith.chat.messages import (
    AssistantMessage,
    Image,
    JsonBlock,
    Message,
    Reasoning,
    TextBlock,
    ToolResult,
    ToolResultBlock,
    ToolUse,
    UserMessage,
    utc_now,
)

__all__ = [
    "ACCOUNT_KEY",
    "CONVERSATIONS_DIR_ENV_VAR",
    "FORMAT_VERSION",
    "ConversationRecord",
    "ConversationStore",
    "StoreListing",
    "default_conversations_dir",
]

CONVERSATIONS_DIR_ENV_VAR = "QSMITH_CONVERSATIONS_DIR"
FORMAT_VERSION = 1
# The ``identity`` entry holding the caller's AWS account id (``custom:`` conversations).
ACCOUNT_KEY = "account_id"


def default_conversations_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    if environ.get(CONVERSATIONS_DIR_ENV_VAR):
        return Path(environ[CONVERSATIONS_DIR_ENV_VAR])
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "qsmith" / "conversations"


@dataclass(slots=True)
class ConversationRecord:
    """Everything saved about one conversation."""

    id: str
    created_at: datetime
    model: dict[str, str | None]
    identity: dict[str, str | None]
    messages: list[Message] = field(default_factory=list)
    service_conversation_id: str | None = None
    updated_at: datetime = field(default_factory=utc_now)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "model": self.model,
            "identity": self.identity,
            "service_conversation_id": self.service_conversation_id,
            "messages": [_message_to_json(m) for m in self.messages],
        }

    @classmethod
    def from_json(cls, data: Any) -> ConversationRecord:
        """Raises ``KeyError``/``TypeError``/``ValueError`` on a malformed document."""
        if not isinstance(data, dict):
            raise TypeError("the document is not a JSON object")
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown format {data.get('format')!r}")
        return cls(
            id=_str(data["id"]),
            created_at=datetime.fromisoformat(_str(data["created_at"])),
            updated_at=datetime.fromisoformat(_str(data["updated_at"])),
            model=dict(data["model"]),
            identity=dict(data["identity"]),
            service_conversation_id=data.get("service_conversation_id"),
            messages=[_message_from_json(m) for m in data["messages"]],
        )


@dataclass(frozen=True, slots=True)
class StoreListing:
    """``list()``: readable conversations, newest first, and the files that are not."""

    conversations: list[ConversationRecord]
    corrupt: list[CorruptConversationError]


class ConversationStore:
    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_conversations_dir()

    def path(self, conversation_id: str) -> Path:
        if not conversation_id or "/" in conversation_id or conversation_id.startswith("."):
            raise ConversationNotFoundError(f"{conversation_id!r} is not a conversation id")
        return self.directory / f"{conversation_id}.json"

    def load(self, conversation_id: str) -> ConversationRecord:
        path = self.path(conversation_id)
        if not path.exists():
            raise ConversationNotFoundError(
                f"no conversation {conversation_id!r} in {self.directory}"
            )
        return _read(path)

    def save(self, record: ConversationRecord) -> Path:
        """Write atomically; refuse to replace a file that is corrupt or another's."""
        path = self.path(record.id)
        if path.exists():
            existing = _read(path)
            if existing.id != record.id:
                raise CorruptConversationError(str(path), f"it holds conversation {existing.id}")
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        record.updated_at = utc_now()
        text = json.dumps(record.to_json(), indent=1, ensure_ascii=False)
        _write_atomically(path, text)
        return path

    def list(self) -> StoreListing:
        records: list[ConversationRecord] = []
        corrupt: list[CorruptConversationError] = []
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                try:
                    records.append(_read(path))
                except CorruptConversationError as exc:
                    corrupt.append(exc)
        records.sort(key=lambda r: r.updated_at, reverse=True)
        return StoreListing(records, corrupt)

    def export(self, conversation_id: str, *, fmt: str = "json") -> str:
        """The conversation as JSON (the stored document) or as Markdown."""
        record = self.load(conversation_id)
        if fmt == "json":
            return json.dumps(record.to_json(), indent=2, ensure_ascii=False)
        if fmt == "markdown":
            return _markdown(record)
        raise ValueError(f"unknown export format {fmt!r} (json, markdown)")


def _read(path: Path) -> ConversationRecord:
    try:
        return ConversationRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptConversationError(str(path), f"unreadable: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise CorruptConversationError(str(path), f"invalid JSON: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptConversationError(str(path), f"unexpected content: {exc!r}") from exc


def _write_atomically(path: Path, text: str) -> None:
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _message_to_json(message: Message) -> dict[str, Any]:
    common = {"role": message.role, "content": message.content, "at": message.timestamp.isoformat()}
    if isinstance(message, UserMessage):
        return {
            **common,
            "images": [{"format": i.format, "data": _b64(i.data)} for i in message.images],
            "tool_results": [_result_to_json(r) for r in message.tool_results],
        }
    reasoning = message.reasoning
    return {
        **common,
        "model_id": message.model_id,
        "message_id": message.message_id,
        "cancelled": message.cancelled,
        "tool_uses": [
            {"id": u.tool_use_id, "name": u.name, "input": u.input, "input_error": u.input_error}
            for u in message.tool_uses
        ],
        "reasoning": (
            None
            if reasoning is None
            else {
                "text": reasoning.text,
                "signature": reasoning.signature,
                "redacted": None if reasoning.redacted is None else _b64(reasoning.redacted),
            }
        ),
    }


def _result_to_json(result: ToolResult) -> dict[str, Any]:
    blocks = [
        {"text": b.text} if isinstance(b, TextBlock) else {"json": b.value} for b in result.content
    ]
    return {"tool_use_id": result.tool_use_id, "status": result.status, "content": blocks}


def _message_from_json(data: dict[str, Any]) -> Message:
    at = datetime.fromisoformat(_str(data["at"]))
    if data["role"] == "user":
        return UserMessage(
            _str(data["content"]),
            tuple(Image(_str(i["format"]), base64.b64decode(i["data"])) for i in data["images"]),
            tuple(_result_from_json(r) for r in data["tool_results"]),
            timestamp=at,
        )
    if data["role"] != "assistant":
        raise ValueError(f"unknown role {data['role']!r}")
    r = data["reasoning"]
    reasoning = None
    if r is not None:
        redacted = base64.b64decode(r["redacted"]) if r["redacted"] is not None else None
        reasoning = Reasoning(_str(r["text"]), r["signature"], redacted)
    return AssistantMessage(
        _str(data["content"]),
        tuple(ToolUse(u["id"], u["name"], u["input"], u["input_error"]) for u in data["tool_uses"]),
        reasoning,
        message_id=data["message_id"],
        model_id=data["model_id"],
        timestamp=at,
        cancelled=bool(data["cancelled"]),
    )


def _result_from_json(data: dict[str, Any]) -> ToolResult:
    blocks: list[ToolResultBlock] = [
        TextBlock(_str(b["text"])) if "text" in b else JsonBlock(b["json"]) for b in data["content"]
    ]
    status = data["status"]
    if status not in ("success", "error"):
        raise ValueError(f"unknown tool result status {status!r}")
    return ToolResult(_str(data["tool_use_id"]), tuple(blocks), status)


def _markdown(record: ConversationRecord) -> str:
    lines = [f"# Conversation {record.id}", "", f"- created: {record.created_at.isoformat()}"]
    lines += [f"- model: {record.model.get('model_id') or 'default'}"]
    facts = {
        "region": record.model.get("region"),
        "auth": record.identity.get("auth"),
        "profile": record.identity.get("profile"),
        "account": record.identity.get(ACCOUNT_KEY),
    }
    lines += [f"- {name}: {value}" for name, value in facts.items() if value] + [""]
    for message in record.messages:
        lines += [f"## {message.role} ({message.timestamp.isoformat()})", "", message.content, ""]
        if isinstance(message, AssistantMessage):
            for use in message.tool_uses:
                lines += [f"- tool use `{use.name}` ({use.tool_use_id}): `{json.dumps(use.input)}`"]
        else:
            for result in message.tool_results:
                lines += [f"- tool result {result.tool_use_id}: {result.status}"]
    return "\n".join(lines) + "\n"
