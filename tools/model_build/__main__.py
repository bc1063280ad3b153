"""``python -m tools.model_build [--shared DIR] [--out DIR] [service ...]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tools.model_build.derived import build_sts
from tools.model_build.sources import BUILDERS

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build models/ from ../shared (upstream facts, public AWS models)."
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    builders = {**BUILDERS, "sts": build_sts}
    parser.add_argument("services", nargs="*", default=list(builders))
    args = parser.parse_args(argv)
    upstream = args.shared / "upstream"
    args.out.mkdir(parents=True, exist_ok=True)
    for service in args.services:
        model = builders[service](upstream)
        text = json.dumps(model, indent=2, ensure_ascii=False) + "\n"
        (args.out / f"{service}.json").write_text(text)
        counts: dict[str, int] = {}
        for shape in model["shapes"].values():
            counts[shape["type"]] = counts.get(shape["type"], 0) + 1
        print(f"{service}: {len(model['shapes'])} shapes {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
