"""Ingest files: keep each, identify it, read it by its anchor, check it, merge it.

Every file gets a verdict, whatever it holds; nothing here lets a bad file end in a traceback.
The steps for one file are: archive the bytes, recognise a duplicate, refuse what is not a
workbook, read the return (lednet.returns.reader), check the anchor (authority, period,
catalogue version), parse and check every answer, and merge in one transaction. After all
files, findings that compare members are recomputed once per period (one transaction; a merge
marks its period stale, so an interrupted session's periods are refreshed by the next), and
feedback is written for the authorities whose return or findings changed.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from pathlib import Path

from ..catalogue import Catalogue, Change, diff_catalogues, load_catalogue
from ..checks import CheckedReturn, Context, MemberFigure, check_return, outlier_findings
from ..decisions import finding_from_row
from ..errors import CatalogueError, LednetError, ReturnError, StoreError
from ..findings import CODES, ERROR, INFO, WARNING, Finding
from ..fsutil import sha256_file
from ..progress import progress
from ..returns.reader import Anchor, ReadReturn, ReturnedIndicator, read_return
from ..store import Store, now
from ..values import ESTIMATED, OK
from ..workspace import Member, Workspace
from . import merge
from .archive import archive_file
from .identify import MAX_FILE_BYTES, Identity, identify
from .result import (
    ACCEPTED,
    ACCEPTED_WITH_WARNINGS,
    DUPLICATE,
    NOT_A_RETURN,
    REJECTED,
    FileVerdict,
    IngestResult,
)

log = logging.getLogger("lednet.ingest")

SIGNOFF_FIELDS = ("name", "role", "date")


def ingest_paths(workspace: Workspace, paths: list[Path], period: int | None = None,
                 dry_run: bool = False) -> IngestResult:
    """Ingest files and folders; ``period`` is the period being collected (None: the anchor's)."""
    result = IngestResult(dry_run=dry_run)
    with Store(workspace.store_path) as store:
        session = _Session(workspace, store, period, dry_run)
        files = collect_files(paths)
        for path in progress(files, "ingest", total=len(files)):
            result.files.append(session.ingest_file(path))
            if not dry_run:
                merge.crash_point("ingest:between-files")
        if not dry_run:
            session.finish(result)
    return result


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named, and files inside folders named, oldest first so a later copy supersedes.

    Hidden files and Excel's ``~$`` owner files (left while a workbook is open) are not
    anything an officer sent, so they are skipped.
    """
    found: dict[Path, None] = {}
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if not candidate.name.startswith((".", "~$")):
                found[candidate] = None
    return sorted(found, key=lambda p: (p.stat().st_mtime, str(p)))


class _Session:
    """One ingest run: caches catalogues and previous figures, remembers what changed."""

    def __init__(self, workspace: Workspace, store: Store, period: int | None,
                 dry_run: bool) -> None:
        self.workspace = workspace
        self.store = store
        self.period = period
        self.dry_run = dry_run
        self.touched: set[int] = set()
        self._catalogues: dict[str, Catalogue | None] = {}
        self._previous: dict[int, dict[tuple[str, str], float | None]] = {}
        self._others: dict[int, list[MemberFigure]] = {}  # dry run: the store does not change

    # -- one file -------------------------------------------------------------------------

    def ingest_file(self, path: Path) -> FileVerdict:
        """A verdict for one file; an unexpected failure becomes a finding, not a traceback."""
        try:
            return self._ingest(path)
        except (LednetError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.store.path}: {exc}") from exc
            raise
        except Exception as exc:  # the last line of defence: a verdict for every file
            log.debug("unexpected failure reading %s", path, exc_info=True)
            finding = Finding("unreadable-workbook", f"lednet could not read this file "
                              f"({type(exc).__name__}: {exc}); it has been kept, and the "
                              "coordinator will look at it", file=path.name)
            return self._unexpected(path, finding)

    def _unexpected(self, path: Path, finding: Finding) -> FileVerdict:
        """Record a file whose reading failed unexpectedly, so it is not silently retried."""
        try:
            record = self._keep(path, identify(path))
            if self.store.known_file(record.sha256) is None:
                return self._refuse(record, [finding])
        except (OSError, sqlite3.Error, LednetError):
            log.debug("could not record %s", path, exc_info=True)
        return FileVerdict(path, "", "unknown", NOT_A_RETURN, [finding])

    def _ingest(self, path: Path) -> FileVerdict:
        identity = identify(path)
        record = self._keep(path, identity)
        known = self.store.known_file(record.sha256)
        if known is not None and not self._worth_another_look(record.sha256):
            return self._duplicate(record, known)

        refusal = identity.refusal
        if refusal is not None:
            code, message = refusal
            return self._refuse(record, [Finding(code, message, file=path.name)])
        try:
            read = read_return(path, max_bytes=MAX_FILE_BYTES)
        except ReturnError as exc:
            code = exc.code if exc.code in CODES else "unreadable-workbook"
            return self._refuse(record, [Finding(code, str(exc), file=path.name)])
        return self._return(record, read)

    def _keep(self, path: Path, identity: Identity) -> merge.FileRecord:
        """Archive the bytes first (a dry run only hashes them): nothing given is lost."""
        received = now()
        if self.dry_run:
            return merge.FileRecord(sha256_file(path), identity.size, identity.kind, "", path,
                                    received, "")
        archived = archive_file(path, self.workspace.archive_dir)
        where = ""
        if archived.path is None:
            log.warning("%s is %s bytes, too large to archive; its hash and origin are recorded",
                        path, f"{archived.size:,}")
        else:
            try:
                where = str(archived.path.relative_to(self.workspace.root))
            except ValueError:
                where = str(archived.path)
        return merge.FileRecord(archived.sha256, archived.size, identity.kind, where, path,
                                received, "")

    def _worth_another_look(self, sha256: str) -> bool:
        """True for a file refused only because it was ingested under another --period.

        Its bytes are not the problem, so the same file ingested for its own period must be
        read again, not dismissed as a duplicate for ever.
        """
        earlier = {row[0] for row in self.store.db.execute(
            "SELECT period FROM findings WHERE sha256 = ? AND code = 'wrong-period'",
            (sha256,))}
        if not earlier:
            return False
        taken = self.store.db.execute("SELECT 1 FROM submissions WHERE sha256 = ?",
                                      (sha256,)).fetchone()
        return taken is None and self.period not in earlier

    def _duplicate(self, record: merge.FileRecord, known: sqlite3.Row) -> FileVerdict:
        earlier, first = str(known["verdict"]), str(known["first_received"])
        if not self.dry_run:
            merge.record_receipt_only(self.store, record.sha256, record.source,
                                      record.received_at)
        submission = self.store.db.execute("SELECT * FROM submissions WHERE sha256 = ?",
                                           (record.sha256,)).fetchone()
        finding = Finding("duplicate-file", f"exactly this file was received on {first} "
                          f"(verdict then: {earlier}); nothing new was done",
                          file=record.source.name)
        verdict = FileVerdict(record.source, record.sha256, record.kind, DUPLICATE, [finding],
                              earlier_outcome=earlier)
        if submission is not None:
            verdict.authority = submission["authority"]
            verdict.period = submission["period"]
            verdict.authority_name = self._name(submission["authority"])
        return verdict

    def _refuse(self, record: merge.FileRecord, findings: list[Finding], authority: str = "",
                period: int | None = None, outcome: str = NOT_A_RETURN,
                name: str = "") -> FileVerdict:
        record.verdict = outcome
        period = period if period is not None else self.period
        findings = [replace(f, authority=f.authority or authority) for f in findings]
        if not self.dry_run:
            merge.record_refusal(self.store, record, findings, period, authority)
        return FileVerdict(record.source, record.sha256, record.kind, outcome, findings,
                           authority=authority, authority_name=name, period=period)

    # -- a lednet return ------------------------------------------------------------------

    def _return(self, record: merge.FileRecord, read: ReadReturn) -> FileVerdict:
        anchor = read.anchor
        file = record.source.name
        member = self.workspace.member(anchor.authority)
        period = self.period if self.period is not None else anchor.period
        refusal = self._check_anchor(anchor.authority, anchor.period, period, member, file)
        if refusal is not None:
            authority = member.gss if member is not None else anchor.authority
            name = member.name if member is not None else read.authority_name
            return self._refuse(record, [refusal], authority, period, REJECTED, name)
        assert member is not None

        catalogue, changes, version_findings = self._catalogue_for(anchor, period, member, file)
        if catalogue is None:
            return self._refuse(record, version_findings, member.gss, period, REJECTED,
                                member.name)
        checked, findings = self._check(read, catalogue, changes, member, period, file)
        findings = version_findings + findings
        certified, signoff_findings = _signoff(read.signoff, member.gss, file)
        after_close = self.store.is_closed(period)
        if after_close:
            findings.append(Finding("after-close", f"this return arrived after period {period} "
                                    "was closed; it has been kept but does not change the "
                                    "closed dataset. Ask the coordinator if it must",
                                    authority=member.gss, file=file))
        findings += signoff_findings
        if self.dry_run:
            findings += self._outliers_if_merged(catalogue, period, member.gss, checked, file)
        record.verdict = _outcome(findings)

        verdict = FileVerdict(record.source, record.sha256, record.kind, record.verdict,
                              findings, authority=member.gss, authority_name=member.name,
                              period=period, certified=certified, after_close=after_close)
        if not self.dry_run:
            submission = merge.SubmissionRecord(
                authority=member.gss, period=period, catalogue=anchor.catalogue_fingerprint,
                template_version=anchor.template_version, outcome=record.verdict,
                certified=certified, signoff=read.signoff, after_close=after_close,
                values=_value_rows(checked), findings=findings)
            self._merge(record, submission, verdict)
        return verdict

    def _check(self, read: ReadReturn, catalogue: Catalogue, changes: dict[str, Change],
               member: Member, period: int, file: str) -> tuple[CheckedReturn, list[Finding]]:
        """Parse and check every answer; the reader's structural findings come first."""
        structure = [replace(f, authority=member.gss, file=file) for f in read.findings]
        context = Context(authority=member.gss, file=file,
                          previous=self._previous_for(period, member.gss), changes=changes,
                          previous_period=self.store.previous_period(period),
                          missing_cells=_missing_cells(structure, read.inputs, catalogue))
        checked = check_return(catalogue, read.inputs, read.national,
                               read.anchor.issued_national, context)

        # A merged or deleted cell is the reader's finding, but its value must not be used.
        checked.rejected |= {f.indicator for f in structure
                             if f.severity == ERROR and f.indicator in checked.answers}
        return checked, structure + checked.findings

    def _outliers_if_merged(self, catalogue: Catalogue, period: int, authority: str,
                            checked: CheckedReturn, file: str) -> list[Finding]:
        """For a dry run: the outliers this return would have among the current returns."""
        if period not in self._others:
            self._others[period] = [
                MemberFigure(v.authority, v.indicator, float(v.value), v.sheet, v.cell, v.note)
                for v in self.store.dataset(period)
                if v.sha256 and v.value is not None and v.status in (OK, ESTIMATED)]
        figures = [f for f in self._others[period] if f.authority != authority]
        figures += [MemberFigure(authority, ident, answer.number, answer.sheet, answer.cell,
                                 answer.note, file)
                    for ident, answer in checked.answers.items()
                    if checked.accepted(ident) and answer.number is not None]
        return outlier_findings(catalogue, figures).get(authority, [])

    def _merge(self, record: merge.FileRecord, submission: merge.SubmissionRecord,
               verdict: FileVerdict) -> None:
        verdict.submission_id, verdict.superseded = merge.merge_submission(
            self.store, record, submission)
        if not submission.after_close:
            self.touched.add(submission.period)

    def _check_anchor(self, code: str, anchor_period: int, period: int,
                      member: Member | None, file: str) -> Finding | None:
        """The first reason the anchor rules this return out, as a finding; else None."""
        if member is None:
            return Finding("unknown-authority", f"this return is from authority {code}, which "
                           f"is not a member of {self.workspace.network}; check you were sent "
                           "the right template", authority=code, file=file)
        if anchor_period != period:
            return Finding("wrong-period", f"this return is for period {anchor_period}, but "
                           f"period {period} is being collected; fill in the template for "
                           f"{period}", authority=member.gss, file=file,
                           raw=str(anchor_period), parsed=str(period))
        if not member.expected_in(period):
            return Finding("not-expected", f"{member.name} ({member.gss}) is not a member of "
                           f"the network for period {period}", authority=member.gss, file=file)
        return None

    # -- catalogue versions ---------------------------------------------------------------

    def _catalogue_for(self, anchor: Anchor, period: int, member: Member, file: str
                       ) -> tuple[Catalogue | None, dict[str, Change], list[Finding]]:
        """The period's catalogue, what changed since the return's, and findings saying so."""
        current = self._period_catalogue(period)
        fingerprint, version = anchor.catalogue_fingerprint, anchor.catalogue_version
        if _same_fingerprint(fingerprint, current.fingerprint):
            return current, {}, []

        old = self._catalogue_by_fingerprint(fingerprint)
        if old is None:
            return None, {}, [Finding(
                "older-catalogue", f"this return was made from catalogue version {version} "
                f"({fingerprint[:12]}), which this workspace has no record of, so lednet cannot "
                f"tell which figures still mean the same; fill in the current template "
                f"(version {current.version})", severity=ERROR, authority=member.gss,
                file=file)]
        changes = {c.indicator_id: c for c in diff_catalogues(old, current)
                   if c.kind == "removed" or current[c.indicator_id].is_input}
        summary = "; ".join(f"{c.indicator_id} {c.kind}" for c in changes.values()) or \
            "nothing that affects your figures"
        return current, changes, [Finding(
            "older-catalogue", f"this return was made from catalogue version {old.version}; "
            f"the period uses version {current.version}. Read by indicator id; changed since: "
            f"{summary}", severity=WARNING if changes else INFO, authority=member.gss,
            file=file)]

    def _period_catalogue(self, period: int) -> Catalogue:
        if self.store.period_catalogue_text(period) is None and not self.dry_run:
            self.store.record_catalogue(period, self.workspace.catalogue)
        return period_catalogue(self.workspace, self.store, period)

    def _load_catalogue(self, text: str) -> Catalogue:
        workspace_catalogue = self.workspace.catalogue
        if text == workspace_catalogue.text:
            return workspace_catalogue
        return load_catalogue(self.workspace.catalogue_path, text=text)

    def _catalogue_by_fingerprint(self, fingerprint: str) -> Catalogue | None:
        if fingerprint in self._catalogues:
            return self._catalogues[fingerprint]
        found: Catalogue | None = None
        if len(fingerprint) >= 12:
            row = self.store.db.execute(
                "SELECT text FROM catalogues WHERE substr(fingerprint, 1, ?) = ?",
                (len(fingerprint), fingerprint)).fetchone()
            if row is not None:
                try:
                    found = self._load_catalogue(row["text"])
                except CatalogueError:
                    found = None
        self._catalogues[fingerprint] = found
        return found

    # -- figures from before and from others ----------------------------------------------

    def _previous_for(self, period: int, authority: str) -> dict[str, float | None]:
        if period not in self._previous:
            previous = self.store.previous_period(period)
            self._previous[period] = {} if previous is None else {
                (v.authority, v.indicator): v.value for v in self.store.dataset(previous)}
        return {ind: value for (auth, ind), value in self._previous[period].items()
                if auth == authority}

    def _name(self, code: str) -> str:
        member = self.workspace.member(code)
        return member.name if member is not None else ""

    def finish(self, result: IngestResult) -> None:
        """Refresh the cross-member findings, attach them to this run's verdicts; feedback.

        Every period this session merged into is refreshed, and any left stale by an earlier
        session that was interrupted between its merges and its refresh.
        """
        for period in sorted(self.touched | set(self.store.stale_network_periods())):
            refresh_network_findings(self.store, period_catalogue(self.workspace, self.store,
                                                                  period), period)
        for verdict in result.files:
            if verdict.submission_id is None or verdict.outcome == DUPLICATE:
                continue
            for row in self.store.findings_for_submission(verdict.submission_id):
                if row["scope"] == "network":
                    verdict.findings.append(finding_from_row(row))
            verdict.outcome = _outcome(verdict.findings)
        self._write_feedback(result)

    def _write_feedback(self, result: IngestResult) -> None:
        from ..feedback import write_feedback

        wanted: dict[tuple[int, str], list[FileVerdict]] = {}
        for verdict in result.files:
            if verdict.period is None or not verdict.authority or verdict.outcome == DUPLICATE:
                continue
            if self.workspace.member(verdict.authority) is None:
                continue
            wanted.setdefault((verdict.period, verdict.authority), []).append(verdict)
        # Returns merged and outliers changed, by this session or one interrupted before its
        # feedback was written; everyone else's feedback is already up to date.
        for period, authority in self.store.feedback_due():
            if self.workspace.member(authority) is not None:
                wanted.setdefault((period, authority), [])
        for (period, authority), verdicts in sorted(wanted.items()):
            # A return that arrived after closing is not current, but its feedback is about it.
            late = [v.submission_id for v in verdicts if v.after_close and v.submission_id]
            try:
                paths = write_feedback(self.workspace, self.store, period, authority,
                                       late[-1] if late else None)
            except Exception as exc:  # feedback is a courtesy; the verdicts are stored
                log.warning("could not write feedback for %s %s: %s", authority, period, exc)
                log.debug("feedback failure", exc_info=True)
                continue
            for verdict in verdicts:
                verdict.feedback = paths


def refresh_network_findings(store: Store, catalogue: Catalogue, period: int,
                             db: sqlite3.Connection | None = None) -> set[str]:
    """Recompute outliers over all current returns of a period and replace the old ones.

    The figures are the merged dataset's, so a value the coordinator accepted or corrected
    counts too. Inside a transaction pass its ``db``; alone, this opens its own, and reads the
    figures inside it so no merge can slip in between. Clears the period's stale mark; marks
    feedback due for each authority whose network findings changed, and returns them.
    """
    if db is not None:
        return _refresh(store, catalogue, period, db)
    with store.transaction() as own:
        return _refresh(store, catalogue, period, own)


def _refresh(store: Store, catalogue: Catalogue, period: int,
             db: sqlite3.Connection) -> set[str]:
    submissions = {row["authority"]: row for row in store.current_submissions(period)}
    names = {row["sha256"]: _original_name(store, row["sha256"]) for row in submissions.values()}
    figures = [
        MemberFigure(value.authority, value.indicator, float(value.value), value.sheet,
                     value.cell, value.note, names.get(value.sha256, ""))
        for value in store.dataset(period)
        if value.authority in submissions and value.sha256 and value.value is not None
        and value.status in (OK, ESTIMATED)
    ]
    found = outlier_findings(catalogue, figures)
    by_submission = {submissions[a]["id"]: (submissions[a]["sha256"], findings)
                     for a, findings in found.items()}
    before = _network_by_authority(store, period)
    merge.replace_network_findings(store, db, period, by_submission)
    after = _network_by_authority(store, period)
    changed = {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}
    for authority in sorted(changed):
        store.mark_feedback_due(db, period, authority)
    return changed


_FINDING_FIELDS = ("submission_id", "severity", "code", "file", "sheet", "cell", "indicator",
                   "raw", "parsed", "message")


def _network_by_authority(store: Store, period: int) -> dict[str, list[tuple[object, ...]]]:
    """A period's network findings by authority, as comparable content (ids left out)."""
    found: dict[str, list[tuple[object, ...]]] = {}
    for row in store.network_findings(period):
        found.setdefault(row["authority"], []).append(tuple(row[k] for k in _FINDING_FIELDS))
    return {a: sorted(rows, key=repr) for a, rows in found.items()}


def period_catalogue(workspace: Workspace, store: Store, period: int) -> Catalogue:
    """The catalogue a period is collected on (as recorded in the store), else the current."""
    text = store.period_catalogue_text(period)
    if text is None or text == workspace.catalogue.text:
        return workspace.catalogue
    return load_catalogue(workspace.catalogue_path, text=text)


def _original_name(store: Store, sha256: str) -> str:
    receipts = store.receipts(sha256)
    return str(receipts[0]["original_name"]) if receipts else ""


def _same_fingerprint(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    return shorter >= 12 and a[:shorter] == b[:shorter]


def _missing_cells(structure: list[Finding], inputs: dict[str, ReturnedIndicator],
                   catalogue: Catalogue) -> frozenset[str]:
    """Inputs whose absence the reader has already explained (cell or sheet deleted)."""
    absent = {i.id for i in catalogue if i.is_input and i.id not in inputs}
    if any(f.code == "sheet-missing" for f in structure):
        return frozenset(absent)
    return frozenset(absent & {f.indicator for f in structure if f.code == "cell-missing"})


def _signoff(signoff: dict[str, str], authority: str, file: str) -> tuple[bool, list[Finding]]:
    """Certified when name, role and date are all given; otherwise provisional, and why."""
    from ..returns.layout import FRONT_SHEET

    blank = [field for field in SIGNOFF_FIELDS if not str(signoff.get(field, "")).strip()]
    date = str(signoff.get("date", "")).strip()
    if blank:
        problem = f"the sign-off block is incomplete ({', '.join(blank)} blank)"
    elif not _is_date(date):
        problem = f"the sign-off date '{date}' is not a date (write it as 15/06/2012)"
    else:
        return True, []
    return False, [Finding("provisional", f"{problem}, so the return is provisional; complete "
                           "it to certify the figures", authority=authority, file=file,
                           sheet=FRONT_SHEET)]


def _is_date(text: str) -> bool:
    """A date as an officer writes one, or as Excel stores a date cell (ISO, maybe a time)."""
    import datetime as dt

    for form in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y",
                 "%d %B %Y", "%d %b %Y"):
        try:
            dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return True
    return False


def _outcome(findings: list[Finding]) -> str:
    severities = {f.severity for f in findings}
    if ERROR in severities:
        return REJECTED
    if WARNING in severities:
        return ACCEPTED_WITH_WARNINGS
    return ACCEPTED


def _value_rows(checked: CheckedReturn) -> list[dict[str, object]]:
    return [{"indicator": ident, "value": answer.value, "text_value": answer.text_value,
             "status": answer.status, "accepted": int(checked.accepted(ident)),
             "sheet": answer.sheet, "cell": answer.cell, "raw": answer.raw, "note": answer.note}
            for ident, answer in sorted(checked.answers.items())]
