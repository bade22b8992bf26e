"""Portfolio operations: entries and their history, evidence files, the questionnaire and the review."""

from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from cases import access as case_access
from cases.models import Case
from isok import audit, storage
from isok.concurrency import WITHOUT_FORM, FormVersion, check_version
from isok.database import utcnow
from isok.extensions import db
from isok.i18n import DEFAULT_LOCALE
from isok.rules import RuleBroken
from isok.translation import gettext as _
from portfolio import access, filecheck
from portfolio.fields import SECTION_FIELDS, TYPED_LANGUAGES, field_names
from portfolio.models import (
    EntryComment,
    EntryRevision,
    EvidenceFile,
    Portfolio,
    PortfolioEntry,
    PortfolioStatus,
    Questionnaire,
    RevisionAction,
    Section,
)
from portfolio.questionnaire import QUESTIONS

MAX_FILES_PER_UPLOAD = 10
ENTRY_FIELDS = ["section", "title", "language", "shareable"]


class PortfolioError(RuleBroken):
    """A rule the user broke; the message is shown on the form (`field` names which field, if one)."""


class NotAllowed(PortfolioError):
    pass


class UploadRejected(PortfolioError):
    """One or more files refused; nothing of the upload was stored."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages), "files")
        self.messages = messages


@dataclass
class Upload:
    name: str | None
    stream: BinaryIO


# --- reading -------------------------------------------------------------------------------------------------------


def portfolio_status(case: Case) -> PortfolioStatus:
    status = db.session.scalar(select(Portfolio.status).where(Portfolio.case_id == case.id))
    return status or PortfolioStatus.DRAFT


def portfolio_of(case: Case) -> Portfolio | None:
    return db.session.scalar(select(Portfolio).where(Portfolio.case_id == case.id))


def questionnaire_of(case: Case) -> Questionnaire | None:
    return db.session.scalar(select(Questionnaire).where(Questionnaire.case_id == case.id))


def evidence_bytes_used(case: Case) -> int:
    return db.session.scalars(
        select(func.coalesce(func.sum(EvidenceFile.size), 0))
        .join(PortfolioEntry)
        .where(PortfolioEntry.case_id == case.id)
    ).one()


# --- entries -------------------------------------------------------------------------------------------------------


def _require_edit(actor, case: Case) -> None:
    if not access.can_edit_portfolio(actor, case):
        if case_access.is_own_case(actor, case):
            raise NotAllowed(_("The portfolio is being reviewed or has been accepted, so it cannot be changed now."))
        raise NotAllowed(_("You may not change this portfolio."))


def _clean_details(section: Section, details: dict) -> dict:
    allowed = field_names(section)
    cleaned = {}
    for spec in SECTION_FIELDS[section]:
        value = details.get(spec.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", False) or spec.name not in allowed:
            continue
        if spec.choices is not None and value not in spec.choices:
            raise PortfolioError(_("Choose one of the options."), spec.name)
        cleaned[spec.name] = value
    return cleaned


def _language(language: str | None) -> str:
    return language if language in TYPED_LANGUAGES else DEFAULT_LOCALE


def _revise(actor, entry: PortfolioEntry, action: RevisionAction, changed: list[str], filename: str | None = None):
    number = (
        db.session.scalar(select(func.max(EntryRevision.number)).where(EntryRevision.entry_id == entry.id)) or 0
    ) + 1
    db.session.add(
        EntryRevision(
            entry_id=entry.id,
            number=number,
            action=action,
            changed_by_id=actor.id,
            title=entry.title,
            details=dict(entry.details),
            language=entry.language,
            changed_fields=changed,
            filename=filename,
        )
    )


def add_entry(
    actor,
    case: Case,
    section: Section,
    title: str,
    details: dict,
    language: str | None,
    source_key: str | None = None,
    *,
    shareable: bool = False,
) -> PortfolioEntry:
    """Add an entry to a section of the case's portfolio."""
    _require_edit(actor, case)
    title = (title or "").strip()
    if not title:
        raise PortfolioError(_("Give the entry a short title."), "title")
    entry = PortfolioEntry(
        case_id=case.id,
        section=section,
        title=title[:200],
        details=_clean_details(section, details),
        language=_language(language),
        source_key=source_key,
        shareable=bool(shareable),
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    _revise(actor, entry, RevisionAction.CREATED, ["title", *entry.details])
    audit.record(
        actor, "add_portfolio_entry", entry, changes={**audit.snapshot(entry, ENTRY_FIELDS), "case_id": case.id}
    )
    db.session.flush()
    return entry


def update_entry(
    actor,
    entry: PortfolioEntry,
    title: str,
    details: dict,
    language: str | None,
    version: FormVersion,
    *,
    shareable: bool | None = None,
) -> PortfolioEntry:
    """Change an entry, refusing when someone else saved it since the form was opened."""
    case = db.session.get_one(Case, entry.case_id)
    _require_edit(actor, case)
    check_version(
        entry,
        version,
        _(
            "Someone else changed this entry while you were editing it. Your text is kept "
            "below; compare it with the current entry and save again."
        ),
        field="title",
        error=PortfolioError,
    )
    title = (title or "").strip()
    if not title:
        raise PortfolioError(_("Give the entry a short title."), "title")
    new_details = _clean_details(entry.section, details)
    changed_details = sorted(
        key for key in set(new_details) | set(entry.details) if new_details.get(key) != entry.details.get(key)
    )
    entry.title = title[:200]
    entry.language = _language(language)
    entry.details = new_details
    if shareable is not None:
        entry.shareable = bool(shareable)
    changes = audit.changes_of(entry, ["title", "language", "shareable"])
    if not changes and not changed_details:
        return entry
    db.session.flush()
    _revise(actor, entry, RevisionAction.UPDATED, [*changes, *changed_details])
    audit.record(actor, "update_portfolio_entry", entry, changes={**changes, "details": changed_details})
    db.session.flush()
    return entry


def delete_entry(actor, entry: PortfolioEntry) -> None:
    """Remove an entry with its files (their bytes too, unless another entry holds the same file)."""
    case = db.session.get_one(Case, entry.case_id)
    _require_edit(actor, case)
    digests = [file.digest for file in entry.evidence]
    audit.record(
        actor,
        "delete_portfolio_entry",
        entry,
        changes={
            **audit.snapshot(entry, ENTRY_FIELDS),
            "case_id": entry.case_id,
            "files": [file.id for file in entry.evidence],
        },
    )
    db.session.delete(entry)
    db.session.flush()
    _forget_unreferenced(digests)


def _forget_unreferenced(digests: list[str]) -> None:
    """Delete the bytes no evidence row points at any more, once the transaction that dropped the rows commits."""
    storage.delete_after_commit(
        db.session,
        [
            digest
            for digest in set(digests)
            if db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.digest == digest)) == 0
        ],
    )


# --- evidence files ------------------------------------------------------------------------------------------------


def _max_file_bytes() -> int:
    return current_app.config["MAX_FILE_MB"] * 1024 * 1024


def _max_portfolio_bytes() -> int:
    return current_app.config["MAX_PORTFOLIO_MB"] * 1024 * 1024


def add_evidence(actor, entry: PortfolioEntry, uploads: list[Upload]) -> list[EvidenceFile]:
    """Check every file by its content and store them all, or store none and say what was wrong with each."""
    case = db.session.get_one(Case, entry.case_id)
    _require_edit(actor, case)
    uploads = [upload for upload in uploads if upload.name or filecheck.size_of(upload.stream)]
    if not uploads:
        raise UploadRejected([_("Choose at least one file.")])
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise UploadRejected([_("Send at most %(n)d files at a time.", n=MAX_FILES_PER_UPLOAD)])
    limit = _max_file_bytes()
    errors, checked = [], []
    for upload in uploads:
        label = filecheck.shown_name(upload.name)
        try:
            name = filecheck.check_name(upload.name)
            size = filecheck.size_of(upload.stream)
            if size > limit:
                raise filecheck.Rejected(_("The file is larger than %(mb)d MB.", mb=current_app.config["MAX_FILE_MB"]))
            checked.append((name, size, filecheck.check_file(name, upload.stream)))
        except filecheck.Rejected as error:
            errors.append(f"{label}: {error}")
    if not errors:
        incoming = sum(size for _name, size, _result in checked)
        if evidence_bytes_used(case) + incoming > _max_portfolio_bytes():
            errors.append(
                str(
                    _(
                        "The portfolio's files would exceed %(mb)d MB in all. Remove files you no longer "
                        "need, or send smaller ones.",
                        mb=current_app.config["MAX_PORTFOLIO_MB"],
                    )
                )
            )
    try:
        if errors:
            raise UploadRejected(errors)
        return [_store(actor, entry, name, result, limit) for name, _size, result in checked]
    finally:
        for _name, _size, result in checked:
            result.close()


def _store(actor, entry: PortfolioEntry, name: str, result: filecheck.Checked, limit: int) -> EvidenceFile:
    try:
        digest, size = storage.put_stream(result.stream, max_bytes=limit)
    except storage.TooLarge as error:
        raise UploadRejected(
            [f"{name}: " + _("The file is larger than %(mb)d MB.", mb=current_app.config["MAX_FILE_MB"])]
        ) from error
    except storage.Unavailable as error:
        raise UploadRejected([str(storage.UNAVAILABLE)]) from error
    evidence = EvidenceFile(
        digest=digest,
        filename=result.download_name[:200],
        media_type=result.media_type,
        size=size,
        uploaded_by_id=actor.id,
    )
    entry.evidence.append(evidence)
    db.session.flush()
    _revise(actor, entry, RevisionAction.FILE_ADDED, [], filename=evidence.filename)
    audit.record(
        actor,
        "add_evidence_file",
        evidence,
        changes={**audit.snapshot(evidence, ["entry_id", "digest", "media_type", "size"]), "original_name": name},
    )
    db.session.flush()
    return evidence


def remove_evidence(actor, evidence: EvidenceFile) -> None:
    """Remove a file from its entry (its bytes too, unless another entry holds the same file)."""
    entry = evidence.entry
    _require_edit(actor, db.session.get_one(Case, entry.case_id))
    audit.record(
        actor,
        "remove_evidence_file",
        evidence,
        changes=audit.snapshot(evidence, ["entry_id", "digest", "filename", "size"]),
    )
    _revise(actor, entry, RevisionAction.FILE_REMOVED, [], filename=evidence.filename)
    digest = evidence.digest
    db.session.delete(evidence)
    db.session.flush()
    _forget_unreferenced([digest])


# --- review --------------------------------------------------------------------------------------------------------


def _portfolio_for_change(case: Case) -> Portfolio:
    portfolio = portfolio_of(case)
    if portfolio is None:
        portfolio = Portfolio(case_id=case.id, status=PortfolioStatus.DRAFT)
        db.session.add(portfolio)
        db.session.flush()
    return portfolio


def check_submit(actor, case: Case) -> None:
    """Refuse what submitting would refuse, changing nothing (the client is asked to confirm first)."""
    _require_edit(actor, case)
    portfolio = portfolio_of(case)
    if portfolio is not None and portfolio.status not in (PortfolioStatus.DRAFT, PortfolioStatus.RETURNED):
        raise PortfolioError(_("The portfolio has already been submitted."))
    if not db.session.scalar(select(func.count(PortfolioEntry.id)).where(PortfolioEntry.case_id == case.id)):
        raise PortfolioError(_("Add at least one entry before submitting the portfolio."))


def submit(actor, case: Case) -> Portfolio:
    """Send the portfolio to the counsellor for review."""
    check_submit(actor, case)
    portfolio = _portfolio_for_change(case)
    portfolio.status = PortfolioStatus.SUBMITTED
    portfolio.submitted_at = utcnow()
    portfolio.submitted_by_id = actor.id
    audit.record(actor, "submit_portfolio", portfolio, changes=audit.changes_of(portfolio, ["status"]))
    db.session.flush()
    return portfolio


def review(actor, case: Case, accept: bool, note: str | None) -> Portfolio:
    """Accept the submitted portfolio, or return it to the client for changes (also after acceptance)."""
    if not access.can_review_portfolio(actor, case):
        raise NotAllowed(_("You may not review this portfolio."))
    portfolio = _portfolio_for_change(case)
    if accept and portfolio.status != PortfolioStatus.SUBMITTED:
        raise PortfolioError(_("Only a submitted portfolio can be accepted."))
    if not accept and portfolio.status not in (PortfolioStatus.SUBMITTED, PortfolioStatus.ACCEPTED):
        raise PortfolioError(_("Only a submitted or accepted portfolio can be returned."))
    note = (note or "").strip()
    if not accept and not note:
        raise PortfolioError(_("Tell the client what to change."), "note")
    portfolio.status = PortfolioStatus.ACCEPTED if accept else PortfolioStatus.RETURNED
    portfolio.reviewed_at = utcnow()
    portfolio.reviewed_by_id = actor.id
    portfolio.review_note = note or None
    audit.record(
        actor,
        "accept_portfolio" if accept else "return_portfolio",
        portfolio,
        changes=audit.changes_of(portfolio, ["status", "review_note"]),
    )
    db.session.flush()
    return portfolio


def comment(actor, entry: PortfolioEntry, text: str) -> EntryComment:
    """Leave a review comment on an entry for the client to read."""
    if not access.can_review_portfolio(actor, db.session.get_one(Case, entry.case_id)):
        raise NotAllowed(_("You may not comment on this portfolio."))
    text = (text or "").strip()
    if not text:
        raise PortfolioError(_("Write a comment."), "text")
    remark = EntryComment(entry_id=entry.id, author_id=actor.id, text=text)
    db.session.add(remark)
    audit.record(actor, "comment_portfolio_entry", remark, changes={"entry_id": entry.id})
    db.session.flush()
    return remark


# --- questionnaire -------------------------------------------------------------------------------------------------


def save_questionnaire(
    actor, case: Case, answers: dict[str, str], language: str | None, version: FormVersion
) -> Questionnaire:
    """Keep the answers and carry them into the portfolio, updating the entries they made before."""
    _require_edit(actor, case)
    staff = access.can_review_portfolio(actor, case)
    questionnaire = questionnaire_of(case)
    if questionnaire is not None:
        check_version(
            questionnaire,
            version,
            _(
                "Someone else saved the questionnaire while you were filling it in. "
                "Your answers are kept below; check them and save again."
            ),
            error=PortfolioError,
        )
    before = dict(questionnaire.answers) if questionnaire else {}
    merged = dict(before)
    for key, question in QUESTIONS.items():
        if question.staff_only and not staff:
            continue  # the client keeps the counsellor's appraisal as it was
        value = (answers.get(key) or "").strip()[:4000]
        if value:
            merged[key] = value
        else:
            merged.pop(key, None)
    if questionnaire is None:
        questionnaire = Questionnaire(
            case_id=case.id, answers=merged, language=_language(language), updated_by_id=actor.id
        )
        db.session.add(questionnaire)
    else:
        questionnaire.answers = merged
        questionnaire.language = _language(language)
        questionnaire.updated_by_id = actor.id
    changed = sorted(key for key in set(before) | set(merged) if before.get(key) != merged.get(key))
    audit.record(actor, "save_questionnaire", questionnaire, changes={"case_id": case.id, "answers": changed})
    for key in changed:
        if key in merged and (section := QUESTIONS[key].flows_to) is not None:
            _carry_answer(actor, case, key, section, merged[key], questionnaire.language)
    db.session.flush()
    return questionnaire


def _carry_answer(actor, case: Case, key: str, section: Section, text: str, language: str) -> None:
    question = QUESTIONS[key]
    title = _title_from(text)
    details = {"kind": question.kind, "description": text} if question.kind else {"notes": text}
    entry = db.session.scalar(
        select(PortfolioEntry).where(PortfolioEntry.case_id == case.id, PortfolioEntry.source_key == key)
    )
    if entry is None:
        add_entry(actor, case, section, title, details, language, source_key=key)
    else:
        update_entry(actor, entry, title, {**entry.details, **details}, language, WITHOUT_FORM)


def _recorded_ids(action: str, key: str, owners: set[int]) -> set[int]:
    """The objects the trail says were made under one of the owners (`changes[key]`), including those since removed."""
    rows = db.session.execute(
        select(audit.AuditEntry.object_id, audit.AuditEntry.changes).where(audit.AuditEntry.action == action)
    )
    return {object_id for object_id, changes in rows if (changes or {}).get(key) in owners}


def _title_from(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0]
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


# --- erasure -------------------------------------------------------------------------------------------------------


def erase_case_portfolio(actor, case: Case) -> int:
    """Delete a case's whole portfolio and the bytes of its files, and blank what the trail kept of their texts
    (also of entries and files removed earlier); return how many files went."""
    entries = list(db.session.scalars(select(PortfolioEntry).where(PortfolioEntry.case_id == case.id)))
    digests = [file.digest for entry in entries for file in entry.evidence]
    entry_ids = {entry.id for entry in entries} | _recorded_ids("add_portfolio_entry", "case_id", {case.id})
    file_ids = {file.id for entry in entries for file in entry.evidence} | _recorded_ids(
        "add_evidence_file", "entry_id", entry_ids
    )
    portfolio = portfolio_of(case)
    for entry in entries:
        db.session.delete(entry)
    for record in (portfolio, questionnaire_of(case)):
        if record is not None:
            db.session.delete(record)
    audit.redact("portfolio_entry", entry_ids, ("title", "details"))
    audit.redact("evidence_file", file_ids, ("original_name", "filename"))
    if portfolio is not None:
        audit.redact("portfolio", portfolio.id, ("review_note",))
    audit.record(
        actor,
        "erase_portfolio",
        object_type="case",
        object_id=case.id,
        changes={"entries": len(entries), "files": len(digests)},
    )
    db.session.flush()
    _forget_unreferenced(digests)
    return len(digests)
