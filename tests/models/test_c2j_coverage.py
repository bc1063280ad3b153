"""Our models keep every constraint, enum value and error the public C2J files carry.

Each public C2J file (tests/codegen/c2j/public_files.py maps file -> service) is converted with
import-c2j and compared with ``models/<service>.json`` by shape name (our models keep the C2J
names). A finding fails the test unless EXEMPTIONS lists it; an exemption that explains no
finding fails it too, so the list never outlives the differences it records.

Which C2J files count: every file whose API is the one our model describes. The two 2022-06-15
SigV4 CodeWhisperer files under amzn-consolas-client are an older, different API surface
(code scans, ListRecommendations) and are not compared; qdeveloper-streaming has no public C2J.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from qsmith.codegen.c2j import load_c2j
from qsmith.codegen.c2j.coverage import Exemption, Finding, apply_exemptions, compare
from tests.codegen.c2j.public_files import PUBLIC_C2J
from tests.support.shared import REPO_ROOT, shared_path

SERVICES = sorted({s.service for s in PUBLIC_C2J if s.service is not None})

# service -> findings accepted on purpose, each Exemption(shape, item, reason):
#   shape  — the structure, enum, operation or error shape name as the C2J spells it;
#   item   — the member name (constraint or member dropped), the enum value (value changed or
#            dropped), the error name (error no longer listed by the operation), "@error",
#            "@retryable" or "@httpError" (error trait changed), or "*" (whole shape dropped);
#   reason — which newer source (REPORT.md's dating) dropped or changed it.
# One exemption covers that (shape, item) in every C2J file of the service.
EXEMPTIONS: dict[str, list[Exemption]] = {
    "codewhisperer": [],
    "codewhisperer-streaming": [],
    "consolas": [],
    "toolkit-telemetry": [],
}


def test_exemption_table_is_well_formed() -> None:
    assert sorted(EXEMPTIONS) == SERVICES
    for service, exemptions in EXEMPTIONS.items():
        keys = [(e.shape, e.item) for e in exemptions]
        assert len(keys) == len(set(keys)), f"{service}: an exemption is listed twice"
        for exemption in exemptions:
            assert exemption.shape and exemption.item and exemption.reason.strip(), exemption


@pytest.mark.parametrize("service", SERVICES)
def test_model_keeps_what_the_public_c2j_files_carry(service: str) -> None:
    model_path = REPO_ROOT / "models" / f"{service}.json"
    if not model_path.exists():
        pytest.skip(f"models/{service}.json does not exist on this branch yet")
    ours = json.loads(model_path.read_text(encoding="utf-8"))
    seen_in: dict[Finding, list[str]] = defaultdict(list)
    for source in (s for s in PUBLIC_C2J if s.service == service):
        path = shared_path("upstream", source.path)
        paginators = shared_path("upstream", source.paginators) if source.paginators else None
        for finding in compare(load_c2j(path, paginators=paginators).model, ours):
            seen_in[finding].append(source.path)
    unexplained, unused = apply_exemptions(seen_in, EXEMPTIONS[service])
    lines = [f"{f}   [{', '.join(seen_in[f])}]" for f in sorted(unexplained)]
    lines += [f"stale exemption (explains nothing): {e}" for e in unused]
    assert not lines, f"models/{service}.json vs public C2J:\n" + "\n".join(lines)
