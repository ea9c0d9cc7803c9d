"""What ingest says about each file: a verdict and its findings, as a table or as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import ERROR, INFO, WARNING, Finding, count

# Outcomes, a contract shared with ``lednet run`` (which counts them from the JSON form).
ACCEPTED = "accepted"
ACCEPTED_WITH_WARNINGS = "accepted-with-warnings"
REJECTED = "rejected"  # a lednet return with errors: its passing values were still merged
NOT_A_RETURN = "not-a-return"  # refused before any value was read
DUPLICATE = "duplicate"  # the same bytes were ingested before; nothing new was done


@dataclass
class FileVerdict:
    """One file's verdict: what it was, what was found, and what was stored."""

    path: Path
    sha256: str
    kind: str
    outcome: str
    findings: list[Finding] = field(default_factory=list)
    authority: str = ""
    authority_name: str = ""
    period: int | None = None
    certified: bool = False
    after_close: bool = False
    submission_id: int | None = None
    superseded: int | None = None
    earlier_outcome: str = ""
    feedback: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return count(self.findings, ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, WARNING)

    @property
    def rejected(self) -> bool:
        return self.outcome in (REJECTED, NOT_A_RETURN)

    def headline(self) -> str:
        who = f"{self.authority_name} ({self.authority})" if self.authority_name else self.authority
        parts = [self.outcome.upper().replace("-", " "), self.path.name]
        if who:
            parts.append(who)
        if self.period is not None:
            parts.append(str(self.period))
        if self.submission_id is not None:
            parts.append("certified" if self.certified else "provisional")
        if self.after_close:
            parts.append("arrived after the period closed; not merged")
        if self.outcome == DUPLICATE and self.earlier_outcome:
            parts.append(f"received before, then: {self.earlier_outcome}")
        counts = f"{self.errors} error(s), {self.warnings} warning(s)"
        return "  ".join(parts) + f"  - {counts}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path), "sha256": self.sha256, "kind": self.kind,
            "outcome": self.outcome, "authority": self.authority,
            "authority_name": self.authority_name, "period": self.period,
            "certified": self.certified, "after_close": self.after_close,
            "submission_id": self.submission_id, "supersedes": self.superseded,
            "earlier_outcome": self.earlier_outcome, "errors": self.errors,
            "warnings": self.warnings, "feedback": [str(p) for p in self.feedback],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class IngestResult:
    """Every file's verdict from one ingest run."""

    files: list[FileVerdict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected(self) -> list[FileVerdict]:
        """Files refused or returns with errors; the command exits 3 when there are any."""
        return [f for f in self.files if f.rejected]

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    def summary(self) -> str:
        outcomes = (ACCEPTED, ACCEPTED_WITH_WARNINGS, REJECTED, NOT_A_RETURN, DUPLICATE)
        counts = ", ".join(f"{self.count(o)} {o}" for o in outcomes if self.count(o))
        prefix = "dry run, nothing stored: " if self.dry_run else ""
        return f"{prefix}{len(self.files)} file(s): {counts or 'none'}"

    def lines(self, quiet: bool = False) -> list[str]:
        """A readable table: one headline per file, then its findings (problems only if quiet)."""
        out: list[str] = []
        for verdict in self.files:
            shown = [f for f in verdict.findings if not quiet or f.severity != INFO]
            if quiet and not shown and not verdict.rejected:
                continue
            out.append(verdict.headline())
            out.extend(_finding_line(f) for f in shown)
            out.extend(f"  feedback: {p}" for p in verdict.feedback)
        if not quiet or self.rejected:
            out.append(self.summary())
        return out

    def to_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "summary": self.summary(),
                "rejected": len(self.rejected),
                "files": [f.to_json() for f in self.files]}


def _finding_line(finding: Finding) -> str:
    where = finding.location or "-"
    what = f"'{finding.raw}'" if finding.raw else ""
    return (f"  {finding.severity:<7} {finding.code:<22} {where:<22} "
            f"{finding.indicator or '-':<28} {what} {finding.message}").rstrip()
