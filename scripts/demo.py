"""The demo: the whole job on the bundled Yorkshire example, as a coordinator would run it.

    make demo        (or: .venv/bin/python scripts/demo.py)

Copies examples/yorkshire to demo-workspace/ (replacing any earlier demo), serves the recorded
NOMIS snapshot on 127.0.0.1 so lednet's real HTTP client fetches from it (no internet needed),
then for periods 2012 and 2022: fetch, make-templates, fill sample returns, ingest, status and
report (HTML and PDF); finally export and a scheduled `lednet run` that finds nothing new.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "yorkshire"
WORKSPACE = ROOT / "demo-workspace"
PERIODS = (2012, 2022)
LEDNET = [sys.executable, "-m", "lednet"]


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def lednet(*args: str, env: dict[str, str], allowed: tuple[int, ...] = (0,)) -> int:
    command = [*LEDNET, "--config", str(WORKSPACE / "lednet.yaml"), *args]
    print("$ lednet " + " ".join(args), flush=True)
    code = subprocess.run(command, env=env, cwd=WORKSPACE).returncode
    if code not in allowed:
        raise SystemExit(f"demo failed: 'lednet {' '.join(args)}' exited {code}")
    return code


def fresh_workspace() -> None:
    if WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    shutil.copytree(EXAMPLE, WORKSPACE)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from lednet.nomis.snapshot import SnapshotServer

    fresh_workspace()
    env = dict(os.environ)
    env.pop("LEDNET_CONFIG", None)

    step("national data from the recorded NOMIS snapshot (served on 127.0.0.1)")
    with SnapshotServer() as server:
        env["LEDNET_NOMIS_BASE_URL"] = server.base_url
        for period in PERIODS:
            lednet("fetch", "--period", str(period), env=env)
    env.pop("LEDNET_NOMIS_BASE_URL")

    for period in PERIODS:
        step(f"period {period}: return templates, sample returns, ingest, status, reports")
        lednet("make-templates", "--period", str(period), env=env)
        print(f"$ python scripts/fill_sample_returns.py demo-workspace {period}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "fill_sample_returns.py"),
                        str(WORKSPACE), str(period)], check=True, env=env)
        lednet("ingest", f"returns/{period}", "--period", str(period), env=env, allowed=(0, 3))
        lednet("status", "--period", str(period), env=env)
        lednet("report", "--period", str(period), "--format", "html,pdf", env=env)
        lednet("export", "--period", str(period), "--format", "csv", env=env)

    step("the nightly job finds nothing new and stays quiet")
    lednet("run", "--period", "2022", env=env)

    step("outputs")
    output = WORKSPACE / "output"
    for folder in sorted({p.parent for p in output.rglob("*") if p.is_file()}):
        count = sum(1 for p in folder.iterdir() if p.is_file())
        print(f"  {folder.relative_to(ROOT)}/  ({count} files)")
    print("\nOpen demo-workspace/output/reports/2012/ in a browser or PDF viewer.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
