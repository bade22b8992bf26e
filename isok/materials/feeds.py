"""The bank for machines: each material as schema.org `LearningResource` JSON-LD with LRMI's properties, and an Atom
feed (RFC 4287) of the public materials, so open-resource libraries can harvest them. Plain data in, text out; the
views pass the URLs."""

import json
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from isok.materials.models import KIND_RESOURCE_TYPES, Audience, Material

ATOM = "http://www.w3.org/2005/Atom"
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
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": locale})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    updated = max((material.updated_at for material in materials), default=datetime(2025, 1, 1, tzinfo=UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url, "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": site_url, "type": "text/html"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "isok"
    for material in materials:
        url = material_url(material)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = material.text("title", locale)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(material.updated_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _rfc3339(material.created_at)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": url, "type": "text/html"})
        if material.licence.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "license", "href": material.licence.url})
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(entry_author, f"{{{ATOM}}}name").text = material.organisation.name
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": material.kind.value, "label": str(material.kind.label)})
        for tag in material.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
        summary = material.text("description", locale) or material.text("title", locale)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
