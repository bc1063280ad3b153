"""Any valid definitions render to importable code whose builders produce the right wire data."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qsmith.codegen.telemetry import parse_definitions, render_module
from qsmith.codegen.telemetry.names import snake_name
from qsmith.runtime.errors import CodegenError
from tests.telemetry.helpers import import_source

_counter = itertools.count()

type_names = st.from_regex(r"\A[a-z][A-Za-z0-9_]{0,12}\Z").filter(
    lambda n: not n.startswith(("value", "project", "createTime"))
)
descriptions = st.text(max_size=40)
allowed = st.one_of(st.none(), st.lists(st.text(max_size=12), min_size=1, max_size=5, unique=True))
type_defs = st.builds(
    lambda name, kind, desc, values: {
        "name": name,
        "type": kind,
        "description": desc,
        **({"allowedValues": values} if values and kind == "string" else {}),
    },
    type_names,
    st.sampled_from(["int", "double", "string", "boolean"]),
    descriptions,
    allowed,
)
namespaces = st.from_regex(r"\A[a-z]{1,6}\Z")
SAMPLE_VALUES = {"int": 7, "double": 2.5, "string": "x\"'\\y", "boolean": False}
WIRE = {"int": "7", "double": "2.5", "string": "x\"'\\y", "boolean": "false"}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, object]:
    types = draw(st.lists(type_defs, min_size=1, max_size=6, unique_by=lambda t: t["name"]))
    names = [t["name"] for t in types]
    metrics = []
    for index in range(draw(st.integers(1, 3))):
        chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
        metrics.append(
            {
                "name": draw(namespaces) + f"_m{index}",
                "description": draw(descriptions),
                "unit": draw(
                    st.sampled_from(["Milliseconds", "Bytes", "Percent", "Count", "None"])
                ),
                "passive": draw(st.booleans()),
                "metadata": [{"type": n, "required": draw(st.booleans())} for n in chosen],
            }
        )
    return {"types": types, "metrics": metrics}


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents())
def test_any_valid_definitions_render_to_working_builders(
    document: dict[str, object], tmp_path: Path
) -> None:
    definitions = parse_definitions([("gen.json", document)])
    try:
        module = render_module(definitions)
    except CodegenError as exc:  # only a Python-name clash may stop generation
        assert "both become the Python name" in str(exc) or "becomes parameter" in str(exc)
        assume(False)
        return
    generated = import_source(module.source, tmp_path, f"gen_metrics_{next(_counter)}")
    for metric in definitions.metrics.values():
        kinds = {ref.type: definitions.types[ref.type].type for ref in metric.metadata}
        builder = getattr(generated, snake_name(metric.name))
        datum = builder(**{snake_name(n): SAMPLE_VALUES[k] for n, k in kinds.items()})
        assert datum.metric_name == metric.name and datum.passive == metric.passive
        assert datum.unit.value == metric.unit
        assert datum.metadata == tuple((n, WIRE[k]) for n, k in kinds.items())
        if any(ref.required for ref in metric.metadata):
            with pytest.raises(TypeError):
                builder()
