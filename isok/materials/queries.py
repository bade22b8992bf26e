"""Read-only views of the bank: the search with its facets, the materials at hand in a validation step, the feeds
and the figures. Every list is built on access.usable_condition, so a list never shows what a page would refuse."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.i18n import localized
from isok.materials import access, facet_index, search
from isok.materials.models import Material, MaterialFile, MaterialStatus, material_unit

PAGE_SIZE = 20


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    field: str = ""
    unit: int | None = None
    language: str = ""
    audience: str = ""
    licence: str = ""
    organisation: int | None = None
    tag: str = ""


@dataclass
class Results:
    materials: list[Material]
    has_next: bool
    total: int
    facets: dict[str, list[tuple[str, int]]]
    languages: dict[int, list[str]]  # each material's content languages, from the index: no rows read for them
    previews: dict[int, int]  # the material's id → the file whose preview the results show


def _previews(material_ids) -> dict[int, int]:
    """Each material's first current file that has a preview (the picture the search shows of it), read as ids."""
    rows = db.session.execute(
        select(MaterialFile.material_id, MaterialFile.id)
        .where(
            MaterialFile.material_id.in_(material_ids),
            MaterialFile.superseded_at.is_(None),
            MaterialFile.preview_sha256.is_not(None),
        )
        .order_by(MaterialFile.position.desc(), MaterialFile.id.desc())
    )
    return dict(rows.all())  # the first in order comes last, and stays


def _matched(index: facet_index.FacetIndex, user, filters: Filters) -> int:
    """The bits of the materials the user finds with these filters."""
    matched = index.readable(*access.reader_scope(user))
    for name in ("kind", "field", "licence", "language", "audience", "unit", "organisation"):
        value = getattr(filters, name)
        if value:
            matched &= index.get(name, value)
    for words in (filters.q, filters.tag):  # a tag's words, through the full-text index too
        if words and matched:
            matched &= index.bits_of(search.matching_id_list(words))
    return matched


def find(user, filters: Filters, page: int = 1, per_page: int = PAGE_SIZE, *, with_files: bool = False) -> Results:
    """One page of the materials matching, most recently changed first, and each facet's counts among them.

    The results page reads only what it shows: the materials' rows, their languages from the index and the ids of
    their previews. `with_files` loads every material's files and languages too (the ZIP of a search)."""
    index = facet_index.current()
    matched = _matched(index, user, filters)
    start = (page - 1) * per_page
    ids = index.page(matched, start, start + per_page + 1)[: per_page + 1]
    options = [defer(Material.search_text), defer(Material.withdrawn_reason), defer(Material.description)]
    if with_files:
        options += [selectinload(Material.language_rows), selectinload(Material.files).defer(MaterialFile.words)]
    by_id = {
        material.id: material
        for material in db.session.scalars(select(Material).where(Material.id.in_(ids)).options(*options))
    }
    materials = [by_id[material_id] for material_id in ids[:per_page] if material_id in by_id]
    return Results(
        materials,
        len(ids) > per_page,
        matched.bit_count(),
        index.count(matched),
        {material.id: index.languages_of(material.id) for material in materials},
        _previews([material.id for material in materials]) if not with_files else {},
    )


def organisation_names(ids) -> dict[int, str]:
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


def unit_labels(ids) -> dict[int, str]:
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name).where(FrameworkUnit.id.in_(ids))
    )
    return {unit_id: f"{code} {localized(name)}" for unit_id, code, name in rows}


def units_choices() -> list[tuple[int, str]]:
    """Every unit of every qualification framework, as choices (newest versions first)."""
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name, FrameworkVersion.name, FrameworkVersion.number)
        .join(FrameworkVersion, FrameworkUnit.version_id == FrameworkVersion.id)
        .order_by(FrameworkVersion.framework_id, FrameworkVersion.number.desc(), FrameworkUnit.position)
    )
    return [
        (unit_id, f"{localized(framework)} v{number} · {code} {localized(name)}")
        for unit_id, code, name, framework, number in rows
    ]


def for_units(user, framework_id: int, unit_codes, kinds) -> list[Material]:
    """The materials of these kinds linked to these units of the framework (in any of its versions, by code):
    those the user may use, and those withdrawn since that the user could have used (the step says they are)."""
    if not unit_codes:
        return []
    linked = (
        select(material_unit.c.material_id)
        .join(FrameworkUnit, FrameworkUnit.id == material_unit.c.unit_id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkUnit.version_id)
        .where(FrameworkVersion.framework_id == framework_id, FrameworkUnit.code.in_(unit_codes))
    )
    candidates = db.session.scalars(
        select(Material)
        .where(Material.id.in_(linked), Material.kind.in_(kinds))
        .options(selectinload(Material.language_rows), selectinload(Material.files), defer(Material.search_text))
        .order_by(Material.status, Material.updated_at.desc())
        .limit(100)
    )
    return [material for material in candidates if access.could_use(user, material)]


def latest_public(field: str = "", tag: str = "", limit: int = 50) -> list[Material]:
    """The Atom feed's entries: published materials under a public licence, most recently changed first."""
    stmt = (
        select(Material)
        .where(access.usable_condition(None), Material.status == MaterialStatus.PUBLISHED)
        .options(selectinload(Material.language_rows), defer(Material.search_text))
        .order_by(Material.updated_at.desc(), Material.id.desc())
    )
    if field:
        stmt = stmt.where(Material.field == field)
    if tag:
        stmt = stmt.where(search.matching(tag))
    return list(db.session.scalars(stmt.limit(limit)))


def downloads_by_organisation() -> list[tuple[str, int, int]]:
    """Per organisation: its published materials and their downloads, the most downloaded first."""
    downloads = func.coalesce(func.sum(Material.downloads), 0)
    rows = db.session.execute(
        select(Organisation.name, func.count(Material.id), downloads)
        .join(Material, Material.organisation_id == Organisation.id)
        .where(Material.status == MaterialStatus.PUBLISHED)
        .group_by(Organisation.id, Organisation.name)
        .order_by(downloads.desc(), Organisation.name)
    )
    return [(name, count, total) for name, count, total in rows]


def kept_counts(user) -> dict[str, int]:
    """For the start page: the materials the user's organisation shares and their downloads."""
    kept = access.kept_materials(user).where(Material.status == MaterialStatus.PUBLISHED).subquery()
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(kept.c.downloads), 0)).select_from(kept)).one()
    return {"materials": row[0], "downloads": row[1]}
