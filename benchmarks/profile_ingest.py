"""Profile lednet's ingest of a few resubmitted returns into the benchmark network's store.

    .venv/bin/python benchmarks/run.py --keep /tmp/lednet-bench     (builds the network)
    .venv/bin/python benchmarks/profile_ingest.py /tmp/lednet-bench [COUNT] [TOP]

Fills COUNT resubmissions (new figures, so new files) from the kept templates, then ingests
them in one public ``ingest_paths`` session under cProfile, as ``lednet ingest`` does: each
file, then the network findings once, then feedback where something changed.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import network  # noqa: E402

PERIOD = 2022


def main(argv: list[str]) -> int:
    from lednet.ingest import ingest_paths
    from lednet.workspace import load_workspace

    workspace = load_workspace(Path(argv[1]) / "lednet.yaml")
    count = int(argv[2]) if len(argv) > 2 else 10
    top = int(argv[3]) if len(argv) > 3 else 30
    inputs = {i.id for i in workspace.catalogue if i.is_input}
    version = int(time.time()) % 1000 + 1
    files = []
    for template in sorted(workspace.templates_dir.glob(f"{PERIOD}_*.xlsx"))[:count]:
        member = workspace.member(template.stem.split("_")[1])
        target = workspace.returns_dir / "profile" / f"v{version}_{template.name}"
        files.append(network.fill_return(template, target, member, PERIOD, version, inputs))

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    result = ingest_paths(workspace, files, period=PERIOD, dry_run=False)
    profile.disable()
    feedback = sum(1 for v in result.files if v.feedback)
    print(f"=== one session of {len(files)} returns ({result.summary()}; feedback for "
          f"{feedback} of them and any other authority whose findings changed): "
          f"{(time.perf_counter() - started) / len(files):.2f}s per return (profiled)")
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(top)
    print("\n".join(line for line in text.getvalue().splitlines()[6:] if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
