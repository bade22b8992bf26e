"""Material bank operations: plain functions taking the acting user first; they check the rule, change, audit and
flush, never commit."""

import re
from dataclasses import asdict, dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from assessment.frameworks.models import FrameworkUnit
from isok import audit, storage
from isok.accounts.models import Organisation
from isok.catalogue.models import Field
from isok.concurrency import check_version
from isok.database import utcnow
from isok.extensions import db
from isok.materials import access, filecheck, previews, search
from isok.materials.models import (
    AUDIENCE_BITS,
    Audience,
    Kind,
    Licence,
    Material,
    MaterialFile,
    MaterialLanguage,
    MaterialStatus,
    ProblemReport,
    language_mask_of,
    mask_of,
)
from isok.rules import RuleBroken
from isok.translation import gettext as _

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
MAX_TAGS = 20
STALE = (
    "Someone else saved this material while you were editing it. Open it again to see their changes, then make yours."
)


class MaterialError(RuleBroken):
    pass


@dataclass
class Description:
    """What a person says about a material in its form."""

    title: dict
    description: dict
    text_language: str
    languages: list[str]
    kind: str
    field: str | None
    audiences: list[str]
    licence: str | None
    tags: list[str]
    link: str | None
    unit_ids: list[int]


def _texts(texts: dict) -> dict:
    return {code: text.strip() for code, text in (texts or {}).items() if text and text.strip()}


def _choice(enum, value, field: str):
    try:
        return enum(value)
    except ValueError:
        raise MaterialError(_("Choose one of the options."), field) from None


def parse_languages(codes) -> list[str]:
    """Language codes (ISO 639-1 or -3), also of languages the interface does not speak, each once."""
    found = []
    for code in codes:
        code = code.strip().lower()
        if not code:
            continue
        if not LANGUAGE_CODE.fullmatch(code):
            raise MaterialError(
                _("Write languages as their two- or three-letter codes (so, ar, fi, prs …)."), "other_languages"
            )
        if code not in found:
            found.append(code)
    return found


def parse_tags(text: str) -> list[str]:
    tags: list[str] = []
    for tag in (text or "").split(","):
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag[:60])
    if len(tags) > MAX_TAGS:
        raise MaterialError(_("At most %(n)d tags.", n=MAX_TAGS), "tags")
    return tags


def _link(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MaterialError(_("A link must be a web address beginning with http:// or https://."), "link")
    return value


def _apply(material: Material, given: Description) -> None:
    title = _texts(given.title)
    if not title:
        raise MaterialError(_("Give the material a title in at least one language."), "title")
    if given.text_language not in title:
        raise MaterialError(
            _("Write the title at least in the language the material is described in."), "text_language"
        )
    if not given.licence:
        raise MaterialError(_("Choose the licence under which the network and others may use the material."), "licence")
    languages = parse_languages(given.languages)
    if not languages:
        raise MaterialError(_("Name at least one language of the material's content."), "languages")
    audiences = {_choice(Audience, value, "audiences") for value in given.audiences}
    if not audiences:
        raise MaterialError(_("Say who the material is for."), "audiences")
    material.title = title
    material.description = _texts(given.description)
    material.text_language = given.text_language
    material.kind = _choice(Kind, given.kind, "kind")
    material.field = _choice(Field, given.field, "field") if given.field else None
    material.licence = _choice(Licence, given.licence, "licence")
    material.tags = list(given.tags)
    material.link = _link(given.link)
    units = list(db.session.scalars(select(FrameworkUnit).where(FrameworkUnit.id.in_(given.unit_ids or []))))
    if len(units) != len(set(given.unit_ids or [])):
        raise MaterialError(_("Choose one of the options."), "unit_ids")
    material.units = units
    if [row.code for row in material.language_rows] != sorted(languages):
        material.language_rows = [MaterialLanguage(code=code) for code in sorted(languages)]
    material.audience_mask = mask_of(audiences, AUDIENCE_BITS)
    material.language_mask = language_mask_of(languages)


def _refresh_search(material: Material) -> None:
    """Every language's title and description, the tags, the units served and the words of the current files."""
    parts = [
        *material.title.values(),
        *material.description.values(),
        *material.tags,
        *(f"{unit.code} {' '.join(unit.name.values())}" for unit in material.units),
        *(file.words for file in material.files if file.superseded_at is None),
    ]
    material.search_text = " ".join(" ".join(part.split()) for part in parts if part).casefold()
    search.index(material)


def share_material(actor, organisation: Organisation, given: Description) -> Material:
    """Add a material to the bank in the name of the actor's organisation; it is published at once."""
    if not access.can_share_for(actor, organisation.id if organisation else None):
        raise MaterialError(_("You may share materials only in the name of your own organisation."), "organisation_id")
    material = Material(organisation=organisation, created_by_id=actor.id, status=MaterialStatus.PUBLISHED)
    _apply(material, given)
    db.session.add(material)
    db.session.flush()
    _refresh_search(material)
    audit.record(actor, "material_shared", material, changes=_facts(material))
    return material


def edit_material(actor, material: Material, given: Description, version) -> Material:
    if not access.can_keep(actor, material):
        raise MaterialError(_("Only the organisation that shares the material may change it."))
    check_version(material, version, _(STALE), error=MaterialError)
    before = _facts(material)
    _apply(material, given)
    _refresh_search(material)
    db.session.flush()
    after = _facts(material)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit.record(actor, "material_edited", material, changes=changed)
    return material


def _facts(material: Material) -> dict:
    return {
        "title": material.title,
        "description": material.description,
        "kind": material.kind.value,
        "field": material.field.value if material.field else None,
        "licence": material.licence.value,
        "languages": material.languages,
        "audiences": [a.value for a in material.audiences],
        "tags": material.tags,
        "link": material.link,
        "units": sorted(unit.id for unit in material.units),
    }


@dataclass
class Stored:
    """A file kept in the store, with what was learnt of it."""

    name: str
    media_type: str
    sha256: str
    size: int
    words: str
    preview_sha256: str | None


def _store(name: str, stream: BinaryIO) -> Stored:
    """Check a file by its content and keep its bytes and its preview; the limit is the media's for sound and
    video."""
    name = filecheck.check_name(name)
    checked = filecheck.check(name, stream)
    try:
        media = checked.media_type.split("/", 1)[0] in ("audio", "video")
        limit_mb = current_app.config["MAX_MEDIA_MB" if media else "MAX_MATERIAL_MB"]
        if filecheck.size_of(checked.stream) > limit_mb * 1024 * 1024:
            raise MaterialError(
                _("The file is too large: at most %(mb)d MB for this kind of file.", mb=limit_mb), "file"
            )
        words = " ".join(filecheck.extract_text(checked).split())
        preview = previews.draw(checked.stream, checked.media_type)
        checked.stream.seek(0)
        digest, size = storage.put_stream(checked.stream)
        preview_digest = storage.put_bytes(preview) if preview else None
        return Stored(checked.download_name, checked.media_type, digest, size, words, preview_digest)
    finally:
        checked.close()


def add_preview(file: MaterialFile) -> bool:
    """Draw the preview a file kept before previews were made (`flask material-previews`); True if it has one now.
    A figure of the file, not a change of the material: no audit entry."""
    if not previews.previewed(file.media_type) or not storage.exists(file.sha256):
        return False
    with storage.open_file(file.sha256) as stream:
        preview = previews.draw(stream, file.media_type)
    if preview is None:
        return False
    file.preview_sha256 = storage.put_bytes(preview)
    return True


def add_file(actor, material: Material, name: str, stream: BinaryIO) -> MaterialFile:
    if not access.can_keep(actor, material) or material.withdrawn:
        raise MaterialError(_("Only the organisation that shares the material may change it."), "file")
    try:
        stored = _store(name, stream)
    except filecheck.Rejected as error:
        raise MaterialError(str(error), "file") from error
    position = max((file.position for file in material.files), default=-1) + 1
    file = MaterialFile(material=material, position=position, uploaded_by_id=actor.id, **asdict(stored))
    db.session.add(file)
    db.session.flush()
    _refresh_search(material)
    material.updated_at = utcnow()
    audit.record(
        actor,
        "material_file_added",
        file,
        changes={"material_id": material.id, "name": file.name, "media_type": file.media_type, "size": file.size},
    )
    return file


def replace_file(actor, file: MaterialFile, name: str, stream: BinaryIO) -> MaterialFile:
    """A new version of a file: the old one stays in the history, the material shows the new one."""
    material = file.material
    if not access.can_keep(actor, material) or material.withdrawn:
        raise MaterialError(_("Only the organisation that shares the material may change it."), "file")
    if file.superseded_at is not None:
        raise MaterialError(_("This version was already replaced; replace the current one."), "file")
    try:
        stored = _store(name, stream)
    except filecheck.Rejected as error:
        raise MaterialError(str(error), "file") from error
    file.superseded_at = utcnow()
    new = MaterialFile(
        material=material,
        position=file.position,
        revision=file.revision + 1,
        previous_id=file.id,
        uploaded_by_id=actor.id,
        **asdict(stored),
    )
    db.session.add(new)
    db.session.flush()
    _refresh_search(material)
    material.updated_at = utcnow()
    audit.record(
        actor,
        "material_file_replaced",
        new,
        changes={
            "material_id": material.id,
            "previous": [file.id, file.name, file.sha256],
            "current": [new.id, new.name, new.sha256],
            "revision": new.revision,
        },
    )
    return new


def withdraw(actor, material: Material, reason: str) -> None:
    """Take a material out of the bank; the reason is shown to whoever still reaches it."""
    if not access.can_withdraw(actor, material):
        raise MaterialError(_("This material cannot be withdrawn."), "reason")
    reason = (reason or "").strip()
    if not reason:
        raise MaterialError(_("Say why the material is withdrawn."), "reason")
    material.status = MaterialStatus.WITHDRAWN
    material.withdrawn_reason = reason
    material.withdrawn_at = utcnow()
    audit.record(actor, "material_withdrawn", material, changes={"reason": reason})


def report_problem(actor, material: Material, text: str) -> ProblemReport:
    if not access.can_report(actor, material):
        raise MaterialError(_("This material cannot be reported."), "text")
    text = (text or "").strip()
    if not text:
        raise MaterialError(_("Say what is wrong with the material."), "text")
    report = ProblemReport(material_id=material.id, reported_by_id=actor.id, text=text)
    db.session.add(report)
    audit.record(actor, "material_problem_reported", report, changes={"material_id": material.id, "text": text})
    return report


def count_downloads(materials) -> None:
    """One more download of each material (a figure, not a record of who: no audit entry)."""
    if not materials:
        return
    db.session.execute(
        update(Material)
        .where(Material.id.in_([material.id for material in materials]))
        .values(downloads=Material.downloads + 1, updated_at=Material.updated_at)  # a figure, not a change
        .execution_options(synchronize_session=False)
    )


def problem_reports(material: Material) -> list[ProblemReport]:
    return list(
        db.session.scalars(
            select(ProblemReport)
            .where(ProblemReport.material_id == material.id)
            .order_by(ProblemReport.reported_at.desc())
        )
    )
