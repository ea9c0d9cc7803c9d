"""Where each expected member's return stands for a period, and whom to chase.

For every member the network expects in the period: missing, rejected (with the count of
errors still open), accepted with warnings, or accepted; and provisional or certified.
Coordinator decisions are applied first, so a value the coordinator accepted no longer counts
as an error.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .decisions import finding_from_row, submission_findings
from .feedback import escape_formula
from .findings import ERROR, WARNING
from .fsutil import atomic_write_text
from .store import Store
from .workspace import Member, Workspace

MISSING = "missing"
REJECTED = "rejected"
ACCEPTED_WITH_WARNINGS = "accepted-with-warnings"
ACCEPTED = "accepted"
CHASE_STATES = (MISSING, REJECTED)


@dataclass(frozen=True)
class MemberStatus:
    """One expected member's return for the period."""

    gss: str
    name: str
    state: str
    errors: int = 0
    warnings: int = 0
    certified: bool | None = None  # None when there is no return
    received_at: str = ""
    submission_id: int | None = None
    returns_received: int = 0
    decisions: int = 0
    after_close: int = 0
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    @property
    def signoff(self) -> str:
        if self.certified is None:
            return ""
        return "certified" if self.certified else "provisional"

    @property
    def to_chase(self) -> bool:
        return self.state in CHASE_STATES or self.certified is False

    @property
    def chase_reason(self) -> str:
        if self.state == MISSING:
            return "no return received"
        if self.state == REJECTED:
            return f"{self.errors} error(s) to correct"
        return "sign-off block incomplete (provisional)"

    def line(self) -> str:
        state = self.state
        if self.state == REJECTED:
            state = f"rejected ({self.errors} error(s))"
        elif self.state == ACCEPTED_WITH_WARNINGS:
            state = f"accepted with {self.warnings} warning(s)"
        extras = [self.signoff] if self.signoff else []
        if self.decisions:
            extras.append(f"{self.decisions} decision(s)")
        if self.after_close:
            extras.append(f"{self.after_close} return(s) after close, not merged")
        return f"{self.gss}  {self.name:<24} {state:<32} {', '.join(extras)}".rstrip()


@dataclass
class PeriodStatus:
    """The status of every expected member for one period."""

    period: int
    deadline: str
    closed: bool
    members: list[MemberStatus]

    def counts(self) -> dict[str, int]:
        states = (MISSING, REJECTED, ACCEPTED_WITH_WARNINGS, ACCEPTED)
        return {s: sum(1 for m in self.members if m.state == s) for s in states}

    def lines(self) -> list[str]:
        head = f"period {self.period}" + (f", deadline {self.deadline}" if self.deadline else "")
        if self.closed:
            head += ", closed"
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items())
        certified = sum(1 for m in self.members if m.certified)
        return [head, *(m.line() for m in self.members),
                f"{len(self.members)} expected: {counts}; {certified} certified"]

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period, "deadline": self.deadline, "closed": self.closed,
                "counts": self.counts(),
                "members": [{**asdict(m), "signoff": m.signoff} for m in self.members]}

    def chase_list(self) -> list[MemberStatus]:
        return [m for m in self.members if m.to_chase]

    def write_chase(self, path: Path) -> None:
        """Members to chase, as CSV: who, why, contact and the deadline."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["gss", "authority", "state", "reason", "errors", "contact_name",
                         "contact_email", "contact_phone", "deadline"])
        for member in self.chase_list():
            row = [member.gss, member.name, member.state, member.chase_reason, member.errors,
                   member.contact_name, member.contact_email, member.contact_phone,
                   self.deadline]
            writer.writerow([escape_formula(v) for v in row])
        atomic_write_text(path, buffer.getvalue())


def period_status(workspace: Workspace, period: int) -> PeriodStatus:
    """The status of each member expected in ``period``."""
    with Store(workspace.store_path) as store:
        if period in store.stale_network_periods():
            # An interrupted ingest left the outlier findings behind the returns; bring them
            # up to date so the counts below are the ones feedback will show.
            from .ingest import period_catalogue, refresh_network_findings

            refresh_network_findings(store, period_catalogue(workspace, store, period), period)
        members = [_member_status(store, member, period)
                   for member in workspace.members_for(period)]
        closed = store.is_closed(period)
    return PeriodStatus(period, workspace.deadline(period), closed, members)


def _member_status(store: Store, member: Member, period: int) -> MemberStatus:
    history = store.history(period, member.gss)
    base = MemberStatus(
        member.gss, member.name, MISSING, returns_received=len(history),
        decisions=len(store.decisions(period, member.gss)),
        after_close=sum(1 for row in history if row["after_close"]),
        contact_name=member.contact.name, contact_email=member.contact.email,
        contact_phone=member.contact.phone)
    submission = store.current_submission(period, member.gss)
    if submission is None:
        refused = [finding_from_row(r) for r in store.file_rejections(period, member.gss)]
        errors = sum(1 for f in refused if f.severity == ERROR)
        return replace(base, state=REJECTED if errors else MISSING, errors=errors)

    findings = submission_findings(store, submission)
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    state = REJECTED if errors else ACCEPTED_WITH_WARNINGS if warnings else ACCEPTED
    return replace(base, state=state, errors=errors, warnings=warnings,
                   certified=bool(submission["certified"]),
                   received_at=submission["received_at"], submission_id=submission["id"])
