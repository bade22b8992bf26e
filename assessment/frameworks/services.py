"""Qualification frameworks: scales, JSON import and export, draft editing, publishing, a case's target.

A version that is published is never changed: editing it starts a new draft (a copy), so every interview finding
and assessment keeps pointing at the exact texts it was made against.
"""

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assessment.frameworks.models import (
    AssessmentCriterion,
    AssessmentScale,
    CaseQualification,
    Framework,
    FrameworkUnit,
    FrameworkVersion,
    LearningOutcome,
    ScaleLevel,
    VersionStatus,
)
from assessment.interviews.models import Interview, InterviewFinding
from isok import audit
from isok.database import utcnow
from isok.extensions import db
from isok.i18n import TEXT_FALLBACK
from isok.rules import RuleBroken
from isok.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # assessment/data
SCALES_FILE = DATA_DIR / "scales.json"
SAMPLE_FRAMEWORKS_DIR = DATA_DIR / "frameworks"
FORMAT = "isok-framework/1"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_PROBLEMS = 50
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
TOP_KEYS = {"format", "code", "version", "status", "name", "field", "source", "scale", "units"}
UNIT_KEYS = {"code", "name", "credits", "outcomes"}
OUTCOME_KEYS = {"code", "text", "criteria"}


class FrameworkError(RuleBroken):
    """A rule about frameworks was broken; the message is shown next to the field."""


@dataclass
class ImportProblem:
    path: str  # JSON path such as units[1].outcomes[0].text.fi; "" for the document itself
    message: str
    line: int | None = None

    def __str__(self):
        place = ", ".join(part for part in (_("Line %(n)d", n=self.line) if self.line else "", self.path) if part)
        return f"{place}: {self.message}" if place else self.message


class FrameworkImportError(ValueError):
    """The file could not be imported; nothing was changed. Carries every problem found."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def clean_texts(texts: dict | None) -> dict[str, str]:
    """Texts by language with blank entries dropped."""
    return {code: value.strip() for code, value in (texts or {}).items() if isinstance(value, str) and value.strip()}


# --- scales ----------------------------------------------------------------------------------------------------


def scale_by_code(code: str) -> AssessmentScale | None:
    return db.session.scalar(select(AssessmentScale).where(AssessmentScale.code == code))


def all_scales() -> list[AssessmentScale]:
    return list(db.session.scalars(select(AssessmentScale).order_by(AssessmentScale.code)))


def load_scales(actor, path: Path = SCALES_FILE) -> list[str]:
    """Create the scales (and levels) of the file that do not exist yet; return the codes of new scales."""
    created = []
    for data in json.loads(Path(path).read_text(encoding="utf-8")):
        scale = scale_by_code(data["code"])
        if scale is None:
            scale = AssessmentScale(code=data["code"], name=clean_texts(data["name"]))
            db.session.add(scale)
            created.append(scale.code)
        known = {level.code for level in scale.levels}
        added = []
        for rank, level in enumerate(data["levels"]):
            if level["code"] not in known:
                scale.levels.append(
                    ScaleLevel(
                        code=level["code"],
                        label=clean_texts(level["label"]),
                        rank=rank,
                        passing=level.get("passing", True),
                    )
                )
                added.append(level["code"])
        if added:
            audit.record(actor, "load_assessment_scale", scale, changes={"levels_added": added})
    db.session.flush()
    return created


# --- JSON documents: parse, locate, validate -------------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_IMPORT_BYTES:
        raise FrameworkImportError(
            [ImportProblem("", _("The file is larger than %(n)d MB.", n=MAX_IMPORT_BYTES // (1024 * 1024)))]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrameworkImportError([ImportProblem("", _("The file is not UTF-8 text."))]) from error


def _parse(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = _("The JSON is not valid at column %(column)d: %(reason)s.", column=error.colno, reason=error.msg)
        raise FrameworkImportError([ImportProblem("", message, error.lineno)]) from error


_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Locator:
    """The line on which each value of a (valid) JSON text starts, by JSON path; and keys given twice."""

    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self._decoder = json.JSONDecoder()
        self._value(0, "")

    def line_at(self, index: int) -> int:
        return bisect.bisect_left(self.newlines, index) + 1

    def line_of(self, path: str) -> int | None:
        """The line of the value at path, or of the nearest enclosing value that exists."""
        while path not in self.lines:
            parent = re.sub(r"(^|\.)[^.\[\]]*$|\[\d+\]$", "", path)
            if parent == path:
                return None
            path = parent
        return self.lines[path]

    def _skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        return match.end() if match else index  # it always matches: the pattern allows no whitespace at all

    def _value(self, index: int, path: str) -> int:
        text = self.text
        index = self._skip(index)
        self.lines[path] = self.line_at(index)
        if text[index] == "{":
            index = self._skip(index + 1)
            seen = set()
            while text[index] != "}":
                key_start = index
                # json's own string scanner, so keys decode exactly as json.loads decodes them; typeshed leaves it out
                key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
                child = f"{path}.{key}" if path else key
                if key in seen:
                    self.duplicates.append((child, self.line_at(key_start)))
                seen.add(key)
                index = self._value(self._skip(index) + 1, child)  # past the colon
                index = self._skip(index)
                if text[index] == ",":
                    index = self._skip(index + 1)
            return index + 1
        if text[index] == "[":
            index = self._skip(index + 1)
            position = 0
            while text[index] != "]":
                index = self._skip(self._value(index, f"{path}[{position}]"))
                position += 1
                if text[index] == ",":
                    index = self._skip(index + 1)
            return index + 1
        return self._decoder.raw_decode(text, index)[1]


class _Validator:
    def __init__(self):
        self.problems: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def unknown_keys(self, path: str, data: dict, allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.add(
                f"{path}.{key}" if path else key,
                _("Unknown field; allowed here: %(fields)s.", fields=", ".join(sorted(allowed))),
            )

    def code(self, path: str, value, max_length: int) -> str | None:
        if value is None:
            self.add(path, _("A code is required."))
        elif not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.add(
                path, _("A code is letters, digits, dots, hyphens and underscores, starting with a letter or digit.")
            )
        elif len(value) > max_length:
            self.add(path, _("A code is at most %(n)d characters.", n=max_length))
        else:
            return value
        return None

    def texts(self, path: str, value, required: bool = True) -> None:
        if value is None:
            if required:
                self.add(path, _('A text is required: an object of texts by language, e.g. {"fi": "…", "en": "…"}.'))
            return
        if not isinstance(value, dict):
            self.add(path, _('A text is an object of texts by language, e.g. {"fi": "…", "en": "…"}.'))
            return
        for language, text in value.items():
            if not LANGUAGE_PATTERN.match(language):
                self.add(f"{path}.{language}", _("Not a language code (two or three lowercase letters)."))
            elif not isinstance(text, str) or not text.strip():
                self.add(f"{path}.{language}", _("The text must be a non-empty string."))
        if (required or value) and not any(isinstance(value.get(c), str) and value[c].strip() for c in TEXT_FALLBACK):
            self.add(path, _("Give the text at least in Finnish, Swedish or English."))

    def document(self, doc) -> None:
        if not isinstance(doc, dict):
            self.add("", _("The document must be a JSON object with code, name, scale and units."))
            return
        self.unknown_keys("", doc, TOP_KEYS)
        if "format" in doc and doc["format"] != FORMAT:
            self.add("format", _("Unknown format; this version of isok reads %(format)s.", format=FORMAT))
        self.code("code", doc.get("code"), 60)
        self.texts("name", doc.get("name"))
        self.texts("field", doc.get("field"), required=False)
        if doc.get("source") is not None and (not isinstance(doc["source"], str) or len(doc["source"]) > 300):
            self.add("source", _("The source is a text of at most 300 characters."))
        scale = None
        if not isinstance(doc.get("scale"), str):
            self.add("scale", _("The assessment scale's code is required."))
        elif (scale := scale_by_code(doc["scale"])) is None:
            known = ", ".join(s.code for s in all_scales()) or "-"
            self.add(
                "scale",
                _("Unknown assessment scale '%(code)s'; known scales: %(known)s.", code=doc["scale"], known=known),
            )
        units = doc.get("units")
        if not isinstance(units, list) or not units:
            self.add("units", _("A framework needs a list of at least one unit."))
            return
        self.codes_unique("units", units)
        for i, unit in enumerate(units):
            self.unit(f"units[{i}]", unit, scale)

    def codes_unique(self, path: str, items: list) -> None:
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            code = item.get("code") if isinstance(item, dict) else None
            if isinstance(code, str) and code in first:
                self.add(
                    f"{path}[{i}].code",
                    _("The code '%(code)s' is already used by %(other)s.", code=code, other=f"{path}[{first[code]}]"),
                )
            elif isinstance(code, str):
                first[code] = i

    def unit(self, path: str, unit, scale: AssessmentScale | None) -> None:
        if not isinstance(unit, dict):
            self.add(path, _("A unit is an object with code, name and outcomes."))
            return
        self.unknown_keys(path, unit, UNIT_KEYS)
        self.code(f"{path}.code", unit.get("code"), 40)
        self.texts(f"{path}.name", unit.get("name"))
        credits = unit.get("credits")
        if credits is not None and (
            not isinstance(credits, int) or isinstance(credits, bool) or not 0 <= credits <= 1000
        ):
            self.add(f"{path}.credits", _("Credits are a whole number from 0 to 1000."))
        outcomes = unit.get("outcomes")
        if not isinstance(outcomes, list) or not outcomes:
            self.add(f"{path}.outcomes", _("A unit needs a list of at least one learning outcome."))
            return
        self.codes_unique(f"{path}.outcomes", outcomes)
        for j, outcome in enumerate(outcomes):
            self.outcome(f"{path}.outcomes[{j}]", outcome, scale)

    def outcome(self, path: str, outcome, scale: AssessmentScale | None) -> None:
        if not isinstance(outcome, dict):
            self.add(path, _("A learning outcome is an object with code, text and criteria."))
            return
        self.unknown_keys(path, outcome, OUTCOME_KEYS)
        self.code(f"{path}.code", outcome.get("code"), 40)
        self.texts(f"{path}.text", outcome.get("text"))
        criteria = outcome.get("criteria", {})
        if not isinstance(criteria, dict):
            self.add(f"{path}.criteria", _("Criteria are an object keyed by the scale's level codes."))
            return
        levels = [level.code for level in scale.levels] if scale else []
        for level, texts in criteria.items():
            if scale is not None and level not in levels:
                self.add(
                    f"{path}.criteria.{level}",
                    _(
                        "Level '%(level)s' is not on the scale %(scale)s (levels: %(levels)s).",
                        level=level,
                        scale=scale.code,
                        levels=", ".join(levels),
                    ),
                )
            self.texts(f"{path}.criteria.{level}", texts)


def validate_document(doc) -> list[tuple[str, str]]:
    """Every problem of a framework document as (JSON path, message); empty when it can be imported."""
    validator = _Validator()
    validator.document(doc)
    return validator.problems


def read_document(data: bytes | str) -> dict:
    """Parse and validate a framework JSON file, or raise FrameworkImportError naming every problem's place."""
    text = _decode(data)
    doc = _parse(text)
    locator = _Locator(text)
    problems = [
        ImportProblem(path, _("This key appears twice in the same object."), line) for path, line in locator.duplicates
    ]
    problems += [ImportProblem(path, message, locator.line_of(path)) for path, message in validate_document(doc)]
    if problems:
        raise FrameworkImportError(problems[:MAX_PROBLEMS])
    return doc


# --- import and export -----------------------------------------------------------------------------------------


def framework_by_code(code: str) -> Framework | None:
    return db.session.scalar(select(Framework).where(Framework.code == code))


def _next_number(framework: Framework) -> int:
    return (
        db.session.scalar(
            select(func.max(FrameworkVersion.number)).where(FrameworkVersion.framework_id == framework.id)
        )
        or 0
    ) + 1


def _build_version(framework: Framework, doc: dict) -> FrameworkVersion:
    version = FrameworkVersion(
        framework=framework,
        number=_next_number(framework),
        status=VersionStatus.DRAFT,
        name=clean_texts(doc["name"]),
        field=clean_texts(doc.get("field")) or None,
        source=doc.get("source") or None,
        scale=scale_by_code(doc["scale"]),
    )
    for position, unit_data in enumerate(doc["units"]):
        unit = FrameworkUnit(
            code=unit_data["code"],
            name=clean_texts(unit_data["name"]),
            credits=unit_data.get("credits"),
            position=position,
        )
        for outcome_position, outcome_data in enumerate(unit_data["outcomes"]):
            outcome = LearningOutcome(
                code=outcome_data["code"], text=clean_texts(outcome_data["text"]), position=outcome_position
            )
            outcome.criteria = [
                AssessmentCriterion(level_code=level, text=clean_texts(texts))
                for level, texts in outcome_data.get("criteria", {}).items()
            ]
            unit.outcomes.append(outcome)
        version.units.append(unit)
    db.session.add(version)
    db.session.flush()
    return version


def import_framework(actor, data: bytes | str) -> FrameworkVersion:
    """Import a framework file as a new framework, or as a new draft version of the framework with its code."""
    doc = read_document(data)
    framework = framework_by_code(doc["code"])
    if framework is None:
        framework = Framework(code=doc["code"])
        db.session.add(framework)
        db.session.flush()
    version = _build_version(framework, doc)
    audit.record(
        actor,
        "import_framework",
        version,
        changes={"code": framework.code, "number": version.number, "units": [unit.code for unit in version.units]},
    )
    return version


def export_document(version: FrameworkVersion) -> dict:
    level_order = {level.code: level.rank for level in version.scale.levels}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "code": version.framework.code,
        "version": version.number,
        "status": version.status.value,
        "name": version.name,
    }
    if version.field:
        doc["field"] = version.field
    if version.source:
        doc["source"] = version.source
    doc["scale"] = version.scale.code
    doc["units"] = []
    for unit in version.units:
        unit_doc: dict[str, Any] = {"code": unit.code, "name": unit.name}
        if unit.credits is not None:
            unit_doc["credits"] = unit.credits
        unit_doc["outcomes"] = [
            {
                "code": outcome.code,
                "text": outcome.text,
                "criteria": {
                    c.level_code: c.text
                    for c in sorted(outcome.criteria, key=lambda c: level_order.get(c.level_code, 0))
                },
            }
            for outcome in unit.outcomes
        ]
        doc["units"].append(unit_doc)
    return doc


def export_json(version: FrameworkVersion) -> str:
    return json.dumps(export_document(version), ensure_ascii=False, indent=2) + "\n"


def load_sample_frameworks(actor) -> list[FrameworkVersion]:
    """Import and publish the sample frameworks whose codes do not exist yet (the demo data)."""
    loaded = []
    for path in sorted(SAMPLE_FRAMEWORKS_DIR.glob("*.json")):
        data = path.read_bytes()
        if framework_by_code(json.loads(data)["code"]) is None:
            version = import_framework(actor, data)
            publish_version(actor, version)
            loaded.append(version)
    return loaded


# --- maintaining drafts ----------------------------------------------------------------------------------------


def _require_draft(version: FrameworkVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise FrameworkError(
            _("Version %(n)d is published and is not changed; start a new draft from it.", n=version.number)
        )


def _check_code(code: str, taken: set[str], field: str = "code") -> None:
    if not CODE_PATTERN.match(code or ""):
        raise FrameworkError(
            _("A code is letters, digits, dots, hyphens and underscores, starting with a letter or digit."), field
        )
    if code in taken:
        raise FrameworkError(_("The code %(code)s is already used here.", code=code), field)


def _check_texts(texts: dict, field: str) -> dict:
    texts = clean_texts(texts)
    if not any(texts.get(code) for code in TEXT_FALLBACK):
        raise FrameworkError(_("Give the text at least in Finnish, Swedish or English."), field)
    return texts


def create_framework(
    actor, *, code: str, name: dict, scale: AssessmentScale, field: dict | None = None, source: str | None = None
) -> FrameworkVersion:
    """Create a framework and its first (draft) version."""
    _check_code(code, {code} if framework_by_code(code) else set())
    framework = Framework(code=code)
    db.session.add(framework)
    version = FrameworkVersion(
        framework=framework,
        number=1,
        name=_check_texts(name, "name"),
        field=clean_texts(field) or None,
        source=source or None,
        scale=scale,
    )
    db.session.add(version)
    audit.record(
        actor,
        "create_framework",
        version,
        changes={"code": code, **audit.snapshot(version, ["number", "name", "field", "source", "scale_id"])},
    )
    return version


def update_version(
    actor,
    version: FrameworkVersion,
    *,
    name: dict,
    scale: AssessmentScale,
    field: dict | None = None,
    source: str | None = None,
) -> None:
    _require_draft(version)
    if scale.id != version.scale_id:
        levels = {level.code for level in scale.levels}
        used = {c.level_code for unit in version.units for outcome in unit.outcomes for c in outcome.criteria}
        if used - levels:
            raise FrameworkError(
                _("Criteria use levels that the new scale lacks: %(levels)s.", levels=", ".join(sorted(used - levels))),
                "scale_id",
            )
    version.name = _check_texts(name, "name")
    version.field = clean_texts(field) or None
    version.source = source or None
    version.scale = scale
    audit.record(
        actor,
        "update_framework_version",
        version,
        changes=audit.changes_of(version, ["name", "field", "source", "scale_id"]),
    )


def add_unit(actor, version: FrameworkVersion, *, code: str, name: dict, credits: int | None = None) -> FrameworkUnit:
    _require_draft(version)
    _check_code(code, {unit.code for unit in version.units})
    unit = FrameworkUnit(
        code=code,
        name=_check_texts(name, "name"),
        credits=credits,
        position=max((u.position for u in version.units), default=-1) + 1,
    )
    version.units.append(unit)
    audit.record(
        actor, "add_framework_unit", unit, changes=audit.snapshot(unit, ["version_id", "code", "name", "credits"])
    )
    return unit


def update_unit(actor, unit: FrameworkUnit, *, code: str, name: dict, credits: int | None = None) -> None:
    _require_draft(unit.version)
    _check_code(code, {u.code for u in unit.version.units if u is not unit})
    unit.code, unit.name, unit.credits = code, _check_texts(name, "name"), credits
    audit.record(actor, "update_framework_unit", unit, changes=audit.changes_of(unit, ["code", "name", "credits"]))


def delete_unit(actor, unit: FrameworkUnit) -> None:
    _require_draft(unit.version)
    audit.record(actor, "delete_framework_unit", unit, changes=audit.snapshot(unit, ["version_id", "code"]))
    unit.version.units.remove(unit)
    db.session.flush()


def add_outcome(actor, unit: FrameworkUnit, *, code: str, text: dict) -> LearningOutcome:
    _require_draft(unit.version)
    _check_code(code, {outcome.code for outcome in unit.outcomes})
    outcome = LearningOutcome(
        code=code, text=_check_texts(text, "text"), position=max((o.position for o in unit.outcomes), default=-1) + 1
    )
    unit.outcomes.append(outcome)
    audit.record(actor, "add_learning_outcome", outcome, changes=audit.snapshot(outcome, ["unit_id", "code", "text"]))
    return outcome


def update_outcome(actor, outcome: LearningOutcome, *, code: str, text: dict, criteria: dict[str, dict]) -> None:
    """Change an outcome's code, text and criteria ({level code: texts}; a level without text loses its criterion)."""
    version = outcome.unit.version
    _require_draft(version)
    _check_code(code, {o.code for o in outcome.unit.outcomes if o is not outcome})
    levels = {level.code for level in version.scale.levels}
    unknown = set(criteria) - levels
    if unknown:
        raise FrameworkError(
            _(
                "Level %(level)s is not on the scale %(scale)s.",
                level=", ".join(sorted(unknown)),
                scale=version.scale.code,
            )
        )
    before = {c.level_code: c.text for c in outcome.criteria}
    outcome.code, outcome.text = code, _check_texts(text, "text")
    existing = {c.level_code: c for c in outcome.criteria}
    for level, texts in criteria.items():
        texts = clean_texts(texts)
        if texts and level in existing:
            existing[level].text = texts
        elif texts:
            outcome.criteria.append(AssessmentCriterion(level_code=level, text=texts))
        elif level in existing:
            outcome.criteria.remove(existing[level])
    changes = audit.changes_of(outcome, ["code", "text"])
    after = {c.level_code: c.text for c in outcome.criteria}
    if after != before:
        changes["criteria"] = [before, after]
    audit.record(actor, "update_learning_outcome", outcome, changes=changes)


def delete_outcome(actor, outcome: LearningOutcome) -> None:
    _require_draft(outcome.unit.version)
    audit.record(actor, "delete_learning_outcome", outcome, changes=audit.snapshot(outcome, ["unit_id", "code"]))
    outcome.unit.outcomes.remove(outcome)
    db.session.flush()


def publish_version(actor, version: FrameworkVersion) -> None:
    """Publish a draft; the version published before it is retired (it stays valid for cases that use it)."""
    _require_draft(version)
    if not version.units:
        raise FrameworkError(_("Add at least one unit before publishing."))
    empty = [unit.code for unit in version.units if not unit.outcomes]
    if empty:
        raise FrameworkError(_("These units have no learning outcomes yet: %(units)s.", units=", ".join(empty)))
    for other in version.framework.versions:
        if other.status == VersionStatus.PUBLISHED:
            other.status = VersionStatus.RETIRED
            audit.record(actor, "retire_framework_version", other, changes={"status": ["published", "retired"]})
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    audit.record(actor, "publish_framework_version", version, changes={"status": ["draft", "published"]})


def start_new_draft(actor, version: FrameworkVersion) -> FrameworkVersion:
    """A draft to edit in place of a published version: the framework's open draft, or a new copy of version."""
    for other in version.framework.versions:
        if other.status == VersionStatus.DRAFT:
            return other
    draft = _build_version(version.framework, export_document(version))
    audit.record(
        actor, "copy_framework_version", draft, changes={"from_number": version.number, "number": draft.number}
    )
    return draft


def delete_draft(actor, version: FrameworkVersion) -> None:
    _require_draft(version)
    framework = version.framework
    audit.record(actor, "delete_framework_version", version, changes={"code": framework.code, "number": version.number})
    db.session.delete(version)
    db.session.flush()
    db.session.expire(framework, ["versions"])
    if not framework.versions:
        db.session.delete(framework)
        db.session.flush()


def version_in_use(version: FrameworkVersion) -> bool:
    """Does a case's target qualification or an interview finding rest on this version?"""
    if db.session.scalar(select(CaseQualification.id).where(CaseQualification.version_id == version.id).limit(1)):
        return True
    return (
        db.session.scalar(
            select(InterviewFinding.id)
            .join(LearningOutcome)
            .join(FrameworkUnit)
            .where(FrameworkUnit.version_id == version.id)
            .limit(1)
        )
        is not None
    )


def published_versions() -> list[FrameworkVersion]:
    return list(
        db.session.scalars(
            select(FrameworkVersion)
            .join(Framework)
            .where(FrameworkVersion.status == VersionStatus.PUBLISHED)
            .order_by(Framework.code)
        )
    )


def published_version(version_id: int) -> FrameworkVersion | None:
    return db.session.scalar(
        select(FrameworkVersion).where(
            FrameworkVersion.id == version_id, FrameworkVersion.status == VersionStatus.PUBLISHED
        )
    )


# --- a case's target qualification -----------------------------------------------------------------------------


def target_qualification(case) -> CaseQualification | None:
    return db.session.scalar(select(CaseQualification).where(CaseQualification.case_id == case.id))


def set_target_qualification(actor, case, version: FrameworkVersion) -> CaseQualification:
    """Set the framework version a case is validated against; fixed once interview findings rest on it."""
    if version.status != VersionStatus.PUBLISHED:
        raise FrameworkError(_("Choose a published version."), "version_id")
    current = target_qualification(case)
    if current is not None and current.version_id == version.id:
        return current
    if current is not None and db.session.scalar(
        select(InterviewFinding.id).join(Interview).where(Interview.case_id == case.id).limit(1)
    ):
        raise FrameworkError(
            _("Interview findings already rest on the current target qualification, so it is not changed."),
            "version_id",
        )
    before = current.version_id if current else None
    if current is None:
        current = CaseQualification(case_id=case.id, version=version)
        db.session.add(current)
    else:
        current.version = version
    audit.record(actor, "set_target_qualification", current, changes={"version_id": [before, version.id]})
    return current
