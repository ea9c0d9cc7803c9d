"""Coordinator decisions: accept a failed value, correct a value, judge an explanation.

Decisions are keyed by period, authority and indicator, not by file, so they survive
re-ingesting the same files; each is stored with who, when and why, and shown in status and
feedback. An acceptance is of the figure the coordinator saw: if the authority later sends a
different figure, that figure is checked afresh.
"""

from __future__ import annotations

import contextlib
import getpass
import sqlite3
from dataclasses import replace

from .catalogue import Indicator
from .errors import ConfigError, LednetError, PeriodClosedError
from .findings import ERROR, INFO, WARNING, Finding
from .store import Store
from .workspace import Workspace

KINDS = ("accept_value", "correct_value", "accept_explanation", "reject_explanation")
_WORDS = {"accept_value": "accepted the value", "correct_value": "corrected the value to",
          "accept_explanation": "accepted the explanation",
          "reject_explanation": "did not accept the explanation"}


def record_decision(workspace: Workspace, period: int, authority: str, indicator: str,
                    kind: str, value: float | None, reason: str, who: str = "") -> str:
    """Store a decision and refresh the authority's feedback; return a one-line confirmation."""
    if kind not in KINDS:
        raise ConfigError(f"unknown decision {kind!r}; use one of " + ", ".join(KINDS))
    member = workspace.member(authority)
    if member is None:
        raise ConfigError(f"{authority} is not a member of this network")
    if indicator not in workspace.catalogue:
        raise ConfigError(f"{indicator} is not an indicator in the catalogue")
    if not reason.strip():
        raise ConfigError("give a reason; it is shown in status and feedback")
    who = who or getpass.getuser()

    if kind == "correct_value":
        _check_correction(workspace.catalogue[indicator], value)

    with Store(workspace.store_path) as store:
        if store.is_closed(period):
            raise PeriodClosedError(f"period {period} is closed; reopen it to record decisions")
        value = _decision_value(store, period, member.gss, indicator, kind, value)
        ident = store.add_decision(period, member.gss, indicator, kind, value, reason.strip(),
                                   who)
        _refresh_network(workspace, store, period, kind)
        _refresh_feedback(workspace, store, period, member.gss)

    amount = f" {value:g}" if kind == "correct_value" and value is not None else ""
    return (f"decision {ident}: {who} {_WORDS[kind]}{amount} for {indicator}, {member.name} "
            f"({member.gss}), period {period}: {reason.strip()}")


def _check_correction(indicator: Indicator, value: float | None) -> None:
    """A corrected figure must pass the same hard checks as a returned one."""
    if not indicator.is_input:
        raise ConfigError(f"{indicator.id} is a {indicator.source} figure, not one an authority "
                          "returns; only returned figures can be corrected")
    if indicator.type == "choice":
        raise ConfigError(f"{indicator.id} is a choice ({', '.join(indicator.choices)}); ask "
                          "the authority to resubmit rather than correcting it with a number")
    if value is None:
        return
    if indicator.type == "integer" and value != int(value):
        raise ConfigError(f"{indicator.id} is a whole number; {value:g} is not")
    low, high = indicator.minimum, indicator.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        allowed = f"{_number(low)} to {_number(high)}".strip()
        raise ConfigError(f"{_number(value)} is outside the allowed range for {indicator.id} "
                          f"({allowed}); check the figure with the authority")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _decision_value(store: Store, period: int, authority: str, indicator: str, kind: str,
                    value: float | None) -> float | None:
    """Check the decision makes sense against the current return; the value to store."""
    if kind == "correct_value":
        if value is None:
            raise ConfigError("a correction needs the value, e.g. --correct 1234")
        return value
    submission = store.current_submission(period, authority)
    if submission is None:
        raise LednetError(f"no return from {authority} for period {period} yet; a correction "
                          "(--correct VALUE) is the only decision possible")
    if kind != "accept_value":
        return None
    row = store.db.execute("SELECT value FROM submitted_values WHERE submission_id = ? AND "
                           "indicator = ?", (submission["id"], indicator)).fetchone()
    national = store.db.execute("SELECT 1 FROM findings WHERE submission_id = ? AND "
                                "indicator = ? AND code = 'national-value-changed'",
                                (submission["id"], indicator)).fetchone()
    if national is not None:
        return None  # accepting an overtyped national figure only clears the finding
    if row is None or row["value"] is None:
        raise LednetError(f"the return has no figure for {indicator} to accept; use "
                          "--correct VALUE to give one")
    return float(row["value"])


def _refresh_network(workspace: Workspace, store: Store, period: int, kind: str) -> None:
    """An accepted or corrected figure joins the set the outlier check compares."""
    if kind not in ("accept_value", "correct_value"):
        return
    from .ingest import period_catalogue, refresh_network_findings

    refresh_network_findings(store, period_catalogue(workspace, store, period), period)


def _refresh_feedback(workspace: Workspace, store: Store, period: int, authority: str) -> None:
    from .feedback import write_feedback

    # The decision is stored either way; feedback is rewritten on the next ingest.
    with contextlib.suppress(OSError):
        write_feedback(workspace, store, period, authority)


def apply_decisions(findings: list[Finding], decisions: list[sqlite3.Row],
                    submitted: dict[str, float | None]) -> list[Finding]:
    """Findings as the coordinator's decisions leave them, plus one note per decision.

    An accepted or corrected value turns that figure's errors into info; an accepted
    explanation does the same for its warnings; a rejected explanation makes an 'explained'
    finding a warning again. The latest decision of each sort wins.
    """
    latest: dict[tuple[str, str], sqlite3.Row] = {}
    for decision in decisions:
        group = "value" if decision["kind"] in ("accept_value", "correct_value") else "why"
        latest[(decision["indicator"], group)] = decision

    result = []
    for finding in findings:
        value_decision = latest.get((finding.indicator, "value"))
        why_decision = latest.get((finding.indicator, "why"))
        if finding.severity == ERROR and _resolves(value_decision, submitted, finding):
            finding = _annotate(finding, INFO, value_decision, "resolved by")
        elif finding.severity == WARNING and why_decision is not None and \
                why_decision["kind"] == "accept_explanation":
            finding = _annotate(finding, INFO, why_decision, "resolved by")
        elif finding.code == "explained" and why_decision is not None and \
                why_decision["kind"] == "reject_explanation":
            finding = _annotate(finding, WARNING, why_decision, "not accepted:")
        result.append(finding)

    for decision in latest.values():
        result.append(decision_finding(decision, findings))
    return result


def _resolves(decision: sqlite3.Row | None, submitted: dict[str, float | None],
              finding: Finding) -> bool:
    if decision is None:
        return False
    if decision["kind"] == "correct_value" or decision["value"] is None:
        return True
    return submitted.get(finding.indicator) == decision["value"]


def _annotate(finding: Finding, severity: str, decision: sqlite3.Row | None,
              words: str) -> Finding:
    assert decision is not None
    return replace(finding, severity=severity,
                   message=f"{finding.message} [{words} coordinator decision {decision['id']}: "
                           f"{decision['reason']}]")


def decision_finding(decision: sqlite3.Row, findings: list[Finding]) -> Finding:
    """An info finding that shows a decision where the figure is, with who, when and why."""
    where = next((f for f in findings if f.indicator == decision["indicator"] and f.cell), None)
    amount = (f" {decision['value']:g}" if decision["kind"] == "correct_value"
              and decision["value"] is not None else "")
    return Finding(
        "decision-applied", f"{decision['who']} ({decision['at']}) {_WORDS[decision['kind']]}"
        f"{amount}: {decision['reason']}", authority=decision["authority"],
        sheet=where.sheet if where else "", cell=where.cell if where else "",
        indicator=decision["indicator"], file=where.file if where else "")


def finding_from_row(row: sqlite3.Row) -> Finding:
    """A stored finding back as a Finding."""
    return Finding(code=row["code"], message=row["message"], severity=row["severity"],
                   authority=row["authority"], file=row["file"], sheet=row["sheet"],
                   cell=row["cell"], indicator=row["indicator"], raw=row["raw"],
                   parsed=row["parsed"])


def submission_findings(store: Store, submission: sqlite3.Row) -> list[Finding]:
    """A return's findings (its own and the network's) with the decisions applied."""
    findings = [finding_from_row(r) for r in store.findings_for_submission(submission["id"])]
    decisions = store.decisions(submission["period"], submission["authority"])
    submitted = {r["indicator"]: r["value"] for r in store.submission_values(submission["id"])}
    return apply_decisions(findings, decisions, submitted)
