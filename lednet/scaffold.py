"""``lednet init``: lay out a new workspace with a config, a member list and folders."""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError
from .fsutil import atomic_write_text

_CONFIG = """\
# lednet workspace configuration. Paths are relative to this file.
network: {network}
# catalogue: indicators.yaml     # uncomment to use your own copy of the catalogue
members: members.yaml
returns: returns                 # where officers' completed returns arrive
templates: output/templates      # where return templates are written
outputs: output                  # reports, feedback and exports
store: store/lednet.sqlite
archive: archive                 # every file ingest is given, kept under its SHA-256
cache: cache/nomis
exclusions: exclusions.yaml
deadlines:
  {period}: "{period}-06-30"
coordinator:
  name: Network coordinator
  email: coordinator@example.org
  phone: "01234 567890"
nomis:
  # Set the environment variable NOMIS_UID to your NOMIS API key (optional). Never put the key
  # itself in this file.
  api_key_env: NOMIS_UID
  timeout: 30
  retries: 3
lock_timeout: 0
"""

_MEMBERS = """\
# Members of the network. gss is the ONS code; name, type and region default to the reference
# list. joined/left are the first and last periods of membership. Contacts are for chasing.
members:
  - gss: E06000014
    group: Example group
    joined: {period}
    contact: {{name: Performance officer, email: officer@example.org}}
"""

_EXCLUSIONS = """\
# Values the network agreed to leave out of comparisons (shown, but not ranked or averaged).
exclusions: []
#  - {authority: E06000014, indicator: jobs_created_total, period: 2012,
#     reason: "counted jobs on a different basis; agreed at the June meeting"}
"""


def init_workspace(directory: Path, network: str, period: int = 2012) -> Path:
    """Create the workspace files; refuse to overwrite an existing lednet.yaml."""
    config = directory / "lednet.yaml"
    if config.exists():
        raise ConfigError(f"{config} already exists; nothing was changed")
    for folder in ("returns", "output", "store", "archive", "cache/nomis"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    quoted = '"' + network.replace('"', "'") + '"'
    atomic_write_text(directory / "members.yaml", _MEMBERS.format(period=period))
    atomic_write_text(directory / "exclusions.yaml", _EXCLUSIONS)
    atomic_write_text(config, _CONFIG.format(network=quoted, period=period))
    return config
