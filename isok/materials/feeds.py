"""The bank for machines: each material as schema.org `LearningResource` JSON-LD with LRMI's properties, and an Atom
feed (RFC 4287) of the public materials, so open-resource libraries can harvest them. Plain data in, text out; the
views pass the URLs."""

import json

from isok import atom
from isok.materials.models import KIND_RESOURCE_TYPES, Audience, Material

AUDIENCE_TYPES = {
    Audience.COUNSELLORS: "counsellor",
    Audience.TEACHERS: "teacher",
    Audience.TUTORS: "workplace tutor",
    Audience.CLIENTS: "learner",
}


def jsonld(material: Material, *, url: str, file_url, locale: str) -> str:
    """A LearningResource in the reader's language, its files as encodings, for a page's <script>."""
    data = {"@context": "https://schema.org", **learning_resource(material, url=url, file_url=file_url, locale=locale)}
    # Inside <script>, "</" would end the element: escape it the way JSON allows.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def collection_jsonld(described: list[tuple[Material, str]], *, file_url, locale: str) -> str:
    """A collection's metadata file: its materials (with their page's URL) as one JSON-LD graph."""
    graph = [learning_resource(material, url=url, file_url=file_url, locale=locale) for material, url in described]
    return json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=1)


def learning_resource(material: Material, *, url: str, file_url, locale: str) -> dict:
    data = {
        "@type": "LearningResource",
        "@id": url,
        "url": url,
        "name": material.text("title", locale),
        "description": material.text("description", locale) or material.text("title", locale),
        "inLanguage": material.languages,
        "learningResourceType": KIND_RESOURCE_TYPES[material.kind],
        "educationalUse": "assessment"
        if material.kind.value in ("interview_guide", "self_assessment", "criteria")
        else "instruction",
        "audience": [
            {"@type": "EducationalAudience", "educationalRole": AUDIENCE_TYPES[audience]}
            for audience in material.audiences
        ],
        "keywords": material.tags,
        "publisher": {"@type": "Organization", "name": material.organisation.name},
        "dateCreated": material.created_at.date().isoformat(),
        "dateModified": material.updated_at.date().isoformat(),
        "isAccessibleForFree": True,
        "teaches": [
            f"{unit.code} {unit.name.get(locale) or next(iter(unit.name.values()), '')}" for unit in material.units
        ],
        "encoding": [
            {
                "@type": "MediaObject",
                "name": file.name,
                "encodingFormat": file.media_type,
                "contentSize": str(file.size),
                "contentUrl": file_url(file),
            }
            for file in material.current_files
        ],
    }
    if material.licence.url:
        data["license"] = material.licence.url
        data["conditionsOfAccess"] = "public"
    else:
        data["conditionsOfAccess"] = "The network's members only"
    if material.link:
        data["sameAs"] = material.link
    if material.field:
        data["about"] = {
            "@type": "DefinedTerm",
            "termCode": material.field.value,
            "inDefinedTermSet": {"@type": "DefinedTermSet", "name": "ISCED-F 2013"},
            "name": str(material.field.label),
        }
    return data


def atom_feed(
    materials: list[Material], *, feed_url: str, site_url: str, material_url, title: str, locale: str
) -> bytes:
    """An Atom feed of materials; each entry's id is the material's page, its update the material's last change."""
    return atom.feed(
        [_atom_entry(material, material_url(material), locale) for material in materials],
        feed_url=feed_url,
        site_url=site_url,
        title=title,
        locale=locale,
    )


def _atom_entry(material: Material, url: str, locale: str) -> atom.Entry:
    return atom.Entry(
        url=url,
        title=material.text("title", locale),
        updated=material.updated_at,
        published=material.created_at,
        author=material.organisation.name,
        summary=material.text("description", locale) or material.text("title", locale),
        links=(("license", material.licence.url),) if material.licence.url else (),
        categories=((material.kind.value, str(material.kind.label)), *((tag, None) for tag in material.tags)),
    )
