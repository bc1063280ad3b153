"""The shared AWS config and credentials files (``~/.aws/config``, ``~/.aws/credentials``).

Format: ``[section]`` headers, ``key = value`` lines, ``#``/``;`` comment lines, and
indented lines below ``key =`` holding a nested block (``s3 =`` / ``  addressing_style =``).
In the config file profiles are ``[default]`` and ``[profile NAME]``, SSO sessions are
``[sso-session NAME]``; in the credentials file a profile is ``[NAME]``. Values of the
credentials file win over the config file's for the same profile. A malformed line raises
``ConfigFileError`` naming the file and the line number.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qsmith.runtime.auth.errors import ConfigFileError

__all__ = [
    "SharedConfig",
    "default_paths",
    "load_shared_config",
    "parse_ini",
    "selected_profile",
]

Sections = dict[str, dict[str, str]]


def _parse_section_header(line: str, path: str, number: int) -> str:
    if not line.endswith("]"):
        raise ConfigFileError(path, number, "section header is missing its closing ']'")
    name = line[1:-1].strip()
    if not name:
        raise ConfigFileError(path, number, "empty section name")
    return " ".join(name.split())


def parse_ini(text: str, path: str) -> Sections:
    """Parse one file into ``{section: {key: value}}``; nested blocks keep their raw text."""
    sections: Sections = {}
    current: dict[str, str] | None = None
    last_key: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t" and current is not None and last_key is not None:
            # A nested block under `key =`; kept as text, no credential setting lives there.
            current[last_key] = (current[last_key] + "\n" + stripped).strip()
            continue
        if stripped.startswith("["):
            current = sections.setdefault(_parse_section_header(stripped, path, number), {})
            last_key = None
            continue
        if current is None:
            raise ConfigFileError(path, number, "setting outside of any [section]")
        key, sep, value = stripped.partition("=")
        if not sep or not key.strip():
            raise ConfigFileError(path, number, "expected 'key = value'")
        value = value.strip()
        for marker in (" #", " ;", "\t#", "\t;"):
            if marker in value:
                value = value.split(marker, 1)[0].rstrip()
        last_key = key.strip().lower()
        current[last_key] = value
    return sections


@dataclass(frozen=True)
class SharedConfig:
    """Profiles and SSO sessions from both files, with where each came from."""

    profiles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    sso_sessions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    config_path: Path | None = None
    credentials_path: Path | None = None

    def profile(self, name: str) -> Mapping[str, str] | None:
        return self.profiles.get(name)

    def __repr__(self) -> str:
        # Profiles may hold static keys: show which profiles and settings exist, no value.
        profiles = {name: sorted(settings) for name, settings in self.profiles.items()}
        return (
            f"SharedConfig(profiles={profiles!r}, sso_sessions={sorted(self.sso_sessions)!r}, "
            f"config_path={self.config_path!r}, credentials_path={self.credentials_path!r})"
        )


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigFileError(str(path), None, f"cannot be read ({exc.strerror})") from None


def selected_profile(environ: Mapping[str, str]) -> tuple[str, bool]:
    """``(profile name, chosen explicitly)`` from ``AWS_PROFILE``/``AWS_DEFAULT_PROFILE``."""
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if environ.get(variable):
            return environ[variable], True
    return "default", False


def default_paths(environ: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME") or os.path.expanduser("~"))
    config = environ.get("AWS_CONFIG_FILE") or str(home / ".aws" / "config")
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or str(home / ".aws" / "credentials")
    return Path(os.path.expanduser(config)), Path(os.path.expanduser(credentials))


def load_shared_config(environ: Mapping[str, str] | None = None) -> SharedConfig:
    """Read both files (paths from ``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE``)."""
    config_path, credentials_path = default_paths(environ)
    profiles: dict[str, dict[str, str]] = {}
    sessions: dict[str, dict[str, str]] = {}
    config_text = _read(config_path)
    for section, values in parse_ini(config_text or "", str(config_path)).items():
        if section == "default":
            profiles.setdefault("default", {}).update(values)
        elif section.startswith("profile "):
            profiles.setdefault(section[len("profile ") :].strip(), {}).update(values)
        elif section.startswith("sso-session "):
            sessions[section[len("sso-session ") :].strip()] = values
    credentials_text = _read(credentials_path)
    for section, values in parse_ini(credentials_text or "", str(credentials_path)).items():
        profiles.setdefault(section, {}).update(values)
    return SharedConfig(
        profiles,
        sessions,
        config_path if config_text is not None else None,
        credentials_path if credentials_text is not None else None,
    )
