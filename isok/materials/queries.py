"""Read-only views of the bank: the search with its facets, the materials at hand in a validation step, the feeds
and the figures. Every list is built on access.usable_condition, so a list never shows what a page would refuse."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import defer, selectinload

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.i18n import localized
from isok.materials import access, search
from isok.materials.models import (
    Material,
    MaterialAudience,
    MaterialLanguage,
    MaterialStatus,
    material_unit,
)

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


def _conditions(user, filters: Filters) -> list:
    """The WHERE clauses of a search."""
    conditions = [access.usable_condition(user)]
    if filters.q:
        conditions.append(search.matching(filters.q))
    for name, column in (("kind", Material.kind), ("field", Material.field), ("licence", Material.licence),
                         ("organisation", Material.organisation_id)):
        value = getattr(filters, name)
        if value:
            conditions.append(column == value)
    if filters.language:
        conditions.append(exists().where(MaterialLanguage.material_id == Material.id,
                                         MaterialLanguage.code == filters.language))
    if filters.audience:
        conditions.append(exists().where(MaterialAudience.material_id == Material.id,
                                         MaterialAudience.audience == filters.audience))
    if filters.unit:
        conditions.append(exists().where(material_unit.c.material_id == Material.id,
                                         material_unit.c.unit_id == filters.unit))
    if filters.tag:  # a tag's words, through the index
        conditions.append(search.matching(filters.tag))
    return conditions


def search_page(user, filters: Filters, page: int = 1) -> tuple[list[Material], bool]:
    """One page of the materials matching, most recently changed first, and whether another page follows."""
    stmt = (select(Material).where(*_conditions(user, filters))
            .options(selectinload(Material.language_rows), selectinload(Material.files),
                     defer(Material.search_text), defer(Material.withdrawn_reason))
            .order_by(Material.updated_at.desc(), Material.id.desc())
            .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE))
    materials = list(db.session.scalars(stmt))
    return materials[:PAGE_SIZE], len(materials) > PAGE_SIZE


def facets(user, filters: Filters) -> dict[str, list[tuple[str, int]]]:
    """For each facet, its values among the matching materials with their counts, the most frequent first.

    The four facets kept on the material row come from one GROUP BY over a covering index (ix_material_facets);
    languages, audiences and units each from one over their table, for the materials matching.
    """
    conditions = _conditions(user, filters)
    scalar = {"kind": Counter(), "field": Counter(), "licence": Counter(), "organisation": Counter()}
    columns = (Material.kind, Material.field, Material.licence, Material.organisation_id)
    for kind, field, licence, organisation, count in db.session.execute(
            select(*columns, func.count()).where(*conditions).group_by(*columns)):
        for name, value in zip(scalar, (kind, field, licence, organisation), strict=True):
            if value is not None:
                scalar[name][str(getattr(value, "value", value))] += count
    found = {name: counter.most_common() for name, counter in scalar.items()}
    matching = select(Material.id).where(*conditions)
    for name, column, owner in (("language", MaterialLanguage.code, MaterialLanguage.material_id),
                                ("audience", MaterialAudience.audience, MaterialAudience.material_id),
                                ("unit", material_unit.c.unit_id, material_unit.c.material_id)):
        rows = db.session.execute(select(column, func.count()).where(owner.in_(matching)).group_by(column)
                                  .order_by(func.count().desc()).limit(50))
        found[name] = [(str(getattr(value, "value", value)), count) for value, count in rows]
    return found


def organisation_names(ids) -> dict[int, str]:
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


def unit_labels(ids) -> dict[int, str]:
    rows = db.session.execute(select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name)
                              .where(FrameworkUnit.id.in_(ids)))
    return {unit_id: f"{code} {localized(name)}" for unit_id, code, name in rows}


def units_choices() -> list[tuple[int, str]]:
    """Every unit of every qualification framework, as choices (newest versions first)."""
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name, FrameworkVersion.name,
               FrameworkVersion.number)
        .join(FrameworkVersion, FrameworkUnit.version_id == FrameworkVersion.id)
        .order_by(FrameworkVersion.framework_id, FrameworkVersion.number.desc(), FrameworkUnit.position))
    return [(unit_id, f"{localized(framework)} v{number} · {code} {localized(name)}")
            for unit_id, code, name, framework, number in rows]


def for_units(user, framework_id: int, unit_codes, kinds) -> list[Material]:
    """The materials of these kinds linked to these units of the framework (in any of its versions, by code):
    those the user may use, and those withdrawn since that the user could have used (the step says they are)."""
    if not unit_codes:
        return []
    linked = (select(material_unit.c.material_id)
              .join(FrameworkUnit, FrameworkUnit.id == material_unit.c.unit_id)
              .join(FrameworkVersion, FrameworkVersion.id == FrameworkUnit.version_id)
              .where(FrameworkVersion.framework_id == framework_id, FrameworkUnit.code.in_(unit_codes)))
    candidates = db.session.scalars(
        select(Material).where(Material.id.in_(linked), Material.kind.in_(kinds))
        .options(selectinload(Material.language_rows), selectinload(Material.files),
                 selectinload(Material.audience_rows), defer(Material.search_text))
        .order_by(Material.status, Material.updated_at.desc()).limit(100))
    return [material for material in candidates if access.could_use(user, material)]


def latest_public(field: str = "", tag: str = "", limit: int = 50) -> list[Material]:
    """The Atom feed's entries: published materials under a public licence, most recently changed first."""
    stmt = (select(Material).where(access.usable_condition(None), Material.status == MaterialStatus.PUBLISHED)
            .options(selectinload(Material.language_rows), defer(Material.search_text))
            .order_by(Material.updated_at.desc(), Material.id.desc()))
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
        .group_by(Organisation.id, Organisation.name).order_by(downloads.desc(), Organisation.name))
    return [tuple(row) for row in rows]


def kept_counts(user) -> dict[str, int]:
    """For the start page: the materials the user's organisation shares and their downloads."""
    kept = access.kept_materials(user).where(Material.status == MaterialStatus.PUBLISHED).subquery()
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(kept.c.downloads), 0))
                             .select_from(kept)).one()
    return {"materials": row[0], "downloads": row[1]}


