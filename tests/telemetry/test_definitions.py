"""Reading and checking telemetry definitions files: the schema's facts, merging, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from qsmith.codegen.telemetry import DefinitionsError, load_definitions, parse_definitions
from qsmith.codegen.telemetry.definitions import METRIC_UNITS, VALUE_TYPES
from tests.telemetry.helpers import (
    SAMPLE,
    common_definitions,
    q_cli_definitions,
    schema_file,
    write_json,
)


def problems_of(document: object, file: str = "defs.json") -> list[str]:
    with pytest.raises(DefinitionsError) as caught:
        parse_definitions([(file, document)])
    return [str(p) for p in caught.value.problems]


def test_the_sample_loads_with_defaults_applied() -> None:
    definitions = parse_definitions([("sample.json", SAMPLE)])
    assert definitions.types["label"].type == "string"  # no "type" means string
    run = definitions.metrics["sample_run"]
    assert run.unit == "Milliseconds" and run.passive is True
    assert [(r.type, r.required) for r in run.metadata][:3] == [
        ("result", True),
        ("attempts", True),
        ("ratio", False),
    ]
    ping = definitions.metrics["sample_ping"]
    assert ping.unit == "None" and ping.passive is False and ping.metadata == ()


def test_checks_follow_the_facts_of_the_published_schema() -> None:
    schema = json.loads(schema_file().read_text())
    type_props = schema["properties"]["types"]["items"]["properties"]
    metric_props = schema["properties"]["metrics"]["items"]["properties"]
    assert tuple(type_props["type"]["enum"]) == VALUE_TYPES
    assert tuple(metric_props["unit"]["enum"]) == METRIC_UNITS
    assert schema["required"] == ["metrics"]
    assert schema["properties"]["types"]["items"]["required"] == ["name", "description"]
    assert schema["properties"]["metrics"]["items"]["required"] == ["name", "description"]
    assert metric_props["metadata"]["items"]["required"] == ["type"]
    assert type_props["name"]["pattern"] == "^(?!value|project|createTime).*"
    assert metric_props["name"]["pattern"] == "^.*_.*$"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("metrics"), "defs.json: 'metrics' is required and must be an array"),
        (
            lambda d: d["types"][1].update(type="float"),
            "defs.json: type attempts: 'type' must be one of int, double, string, boolean",
        ),
        (
            lambda d: d["types"][1].update(name="valueCount"),
            "defs.json: type valueCount: a type name must not start with 'value'",
        ),
        (
            lambda d: d["types"][0].pop("description"),
            "defs.json: type result: a type needs a string 'description'",
        ),
        (
            lambda d: d["types"][0].update(allowedValues=["a", 1]),
            "defs.json: type result: allowedValues must be all strings or all numbers",
        ),
        (
            lambda d: d["types"][1].update(allowedValues=["a"]),
            "defs.json: type attempts: allowedValues are strings but the type is int",
        ),
        (
            lambda d: d["metrics"][0].update(name="samplerun"),
            "defs.json: metric samplerun: a metric name must contain '_'",
        ),
        (
            lambda d: d["metrics"][0].update(unit="Seconds"),
            "defs.json: metric sample_run: 'unit' must be one of Milliseconds, Bytes",
        ),
        (
            lambda d: d["metrics"][0].update(passive="yes"),
            "defs.json: metric sample_run: 'passive' must be a boolean",
        ),
        (
            lambda d: d["metrics"][0]["metadata"].append({"type": "attempts"}),
            "defs.json: metric sample_run: metadata lists type attempts more than once",
        ),
        (
            lambda d: d["metrics"][0]["metadata"].append({"type": "nowhere"}),
            "defs.json: metric sample_run: metadata refers to type nowhere, which no",
        ),
        (
            lambda d: d["metrics"][0]["metadata"][0].update(required="no"),
            "defs.json: metric sample_run: metadata[0] (result): 'required' must be a boolean",
        ),
        (
            lambda d: d["metrics"].append(copy.deepcopy(d["metrics"][1])),
            "defs.json: metric sample_ping: metric defined more than once in this file",
        ),
    ],
)
def test_each_problem_names_file_and_metric_or_type(mutate, expected) -> None:
    document = copy.deepcopy(SAMPLE)
    mutate(document)
    problems = problems_of(document)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_of_every_file_is_reported_together(tmp_path: Path) -> None:
    bad_type = copy.deepcopy(SAMPLE)
    bad_type["types"][1]["type"] = "float"
    bad_metric = {"metrics": [{"name": "nounderscore", "description": "x"}]}
    a = write_json(tmp_path / "a.json", bad_type)
    b = write_json(tmp_path / "b.json", bad_metric)
    with pytest.raises(DefinitionsError) as caught:
        load_definitions([a, b])
    text = str(caught.value)
    assert f"{a}: type attempts" in text and f"{b}: metric nounderscore" in text
    # attempts was rejected, so sample_run's reference to it is reported too
    assert "metric sample_run: metadata refers to type attempts" in text


def test_unreadable_and_malformed_files_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"metrics": [\n  {"name": }\n]}')
    with pytest.raises(DefinitionsError, match=r"broken.json: not JSON: .* line 2 column"):
        load_definitions([broken])
    with pytest.raises(DefinitionsError, match=r"missing\.json: cannot read"):
        load_definitions([tmp_path / "missing.json"])
    with pytest.raises(DefinitionsError, match="no definitions file given"):
        load_definitions([])


def test_later_files_override_earlier_ones_and_say_so(tmp_path: Path) -> None:
    later = {
        "types": [{"name": "result", "type": "string", "description": "Plain now."}],
        "metrics": [{"name": "sample_ping", "description": "Replaced.", "unit": "Count"}],
    }
    a = write_json(tmp_path / "a.json", SAMPLE)
    b = write_json(tmp_path / "b.json", later)
    merged = load_definitions([a, b])
    assert merged.types["result"].allowed_values is None
    assert merged.metrics["sample_ping"].unit == "Count"
    assert list(merged.metrics) == ["sample_run", "sample_ping"]  # first-definition order kept
    assert merged.overrides == (
        f"type result: {b} replaces {a}",
        f"metric sample_ping: {b} replaces {a}",
    )


def test_the_upstream_files_load_and_merge() -> None:
    common = load_definitions([common_definitions()])
    q_cli = load_definitions([q_cli_definitions()])
    both = load_definitions([common_definitions(), q_cli_definitions()])
    assert (len(common.types), len(common.metrics)) == (356, 374)
    assert (len(q_cli.types), len(q_cli.metrics)) == (41, 18)
    # def.json redefines six common types and one common metric
    assert len(both.metrics) == 374 + 18 - 1
    assert len(both.overrides) == 7
