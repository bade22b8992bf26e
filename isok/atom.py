"""Atom feeds (RFC 4287) of what the features publish: plain entries in, the feed's bytes out; views pass the URLs."""

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
EMPTY_FEED_UPDATED = datetime(2025, 1, 1, tzinfo=UTC)  # an empty feed still needs an `updated`; any fixed moment does


@dataclass(frozen=True)
class Entry:
    """One published record; its page's URL is its id, its last change its update."""

    url: str
    title: str
    updated: datetime
    published: datetime
    author: str
    summary: str
    links: tuple[tuple[str, str], ...] = ()  # (rel, href) beside the page, e.g. ("license", …)
    categories: tuple[tuple[str, str | None], ...] = ()  # (term, label)


def _tag(parent, name: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(entries: list[Entry], *, feed_url: str, site_url: str, title: str, locale: str) -> bytes:
    """The feed, updated when its latest entry was."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": locale})
    _tag(root, "id", feed_url)
    _tag(root, "title", title)
    _tag(root, "updated", _rfc3339(max((entry.updated for entry in entries), default=EMPTY_FEED_UPDATED)))
    _tag(root, "link", rel="self", href=feed_url, type="application/atom+xml")
    _tag(root, "link", rel="alternate", href=site_url, type="text/html")
    _tag(_tag(root, "author"), "name", "isok")
    for entry in entries:
        element = _tag(root, "entry")
        _tag(element, "id", entry.url)
        _tag(element, "title", entry.title)
        _tag(element, "updated", _rfc3339(entry.updated))
        _tag(element, "published", _rfc3339(entry.published))
        _tag(element, "link", rel="alternate", href=entry.url, type="text/html")
        for rel, href in entry.links:
            _tag(element, "link", rel=rel, href=href)
        _tag(_tag(element, "author"), "name", entry.author)
        for term, label in entry.categories:
            _tag(element, "category", term=term, **({"label": label} if label is not None else {}))
        _tag(element, "summary", entry.summary)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
