"""What a certificate states, frozen at issue as plain JSON: rendering, verification and exports read only this.

Input: `results_for(case)` returns the case's signed-off assessment results, or None while they are not signed
off. Its shape (dates may be `date` objects or ISO strings; texts are {language code: text} maps):

    {
      "qualification": {"code": "catering-2026", "name": {...}, "field": {...} | None, "version": 2,
                        "source": "national requirements it follows" | None},
      "scale": {"code": "fi-vocational-1-5", "name": {...},
                "levels": [{"code": "1", "label": {...}, "passing": True}, ...]},   # lowest first
      "units": [{"code": "U1", "name": {...}, "credits": 25 | None,
                 "formally_recognised": bool,      # recognised as part of the qualification by the provider
                 "outcomes": [{"code": "U1.1", "text": {...},
                               "level": {"code": "3", "label": {...}},      # the final level on the scale
                               "result": "recognised" | "partly" | "to_acquire",   # absent: recognised
                               "gap_what": "what is still to be learnt" | None,    # the gap plan's words
                               "shown_by": ["interview", "workplace", "portfolio"]}]}],   # texts.METHODS
      "assessors": [{"name": "Matti Opettaja", "role": "teacher" | "counsellor" | "workplace_tutor" | other,
                     "organisation": "Savonia Vocational College"}],
      "decided_on": date,                                # the date of the sign-off
    }

Output (the snapshot stored in Certificate.content, schema 1):

    {
      "schema": 1,
      "languages": ["fi", "en", "ar"],                  # the sections, in this order
      "holder": {"first_name", "last_name", "full_name", "birth_date": "YYYY-MM-DD" | None,
                 "latin_name": "the name in Latin letters" (only when recorded and not the same)},
      "qualification": {...as above},  "scale": {...as above},
      "units": [... as above, only the outcomes recognised at a passing level or partly recognised; an outcome
                carries "result": "partly" and "remaining" (the gap plan's words, or None) when it was partly
                recognised, and no "result" otherwise; units without any outcome are left out],
      "assessors": [...as above],
      "issuer": {"id", "name", "type", "municipality", "education_provider": bool},  # id: its public profile
      "formally_recognised": bool,  # an education provider issued it and at least one unit was recognised;
                                    # only then does the ESF report count a qualification (unit) gained
      "place": "Kuopio" | None, "decided_on": "YYYY-MM-DD",
      "number", "verification_code", "issued_on": "YYYY-MM-DD"   # added by the issuing service
    }
"""

import copy
from datetime import date

from sqlalchemy import select

from assessment.assessments.services import signed_off_results
from assessment.frameworks.models import AssessmentScale, FrameworkVersion
from certificates.texts import LANGUAGES, METHODS
from isok.accounts.models import OrganisationType
from isok.extensions import db
from isok.translation import gettext as _

SCHEMA = 1


class NotSignedOff(ValueError):
    """The case has no signed-off results to certify."""


# How the assessment names the ways a competence was shown, in the certificate's words (texts.METHODS).
SHOWN_BY = {"interview": "interview", "observation": "workplace", "portfolio": "portfolio"}


def results_for(case) -> dict | None:
    """The case's signed-off assessment results in the shape documented above, or None until all are confirmed."""
    results = signed_off_results(case)
    framework = results["framework"]
    if not results["complete"] or framework is None:
        return None
    version = db.session.get(FrameworkVersion, framework["version_id"])
    scale = db.session.scalar(select(AssessmentScale).where(AssessmentScale.code == framework["scale"]["code"]))
    return {
        "qualification": {
            "code": framework["code"],
            "name": framework["name"],
            "field": version.field,
            "version": framework["number"],
            "source": framework["source"],
        },
        "scale": {
            "code": scale.code,
            "name": scale.name,
            "levels": [{"code": level.code, "label": level.label, "passing": level.passing} for level in scale.levels],
        },
        "units": [
            {
                "code": unit["code"],
                "name": unit["name"],
                "credits": unit["credits"],
                # A unit is formally recognised when it passed and every one of its outcomes was recognised.
                "formally_recognised": unit["level"]["passing"]
                and all(outcome["result"] == "recognised" for outcome in unit["outcomes"]),
                "outcomes": [
                    {
                        "code": outcome["code"],
                        "text": outcome["text"],
                        "level": {"code": outcome["level"]["code"], "label": outcome["level"]["label"]},
                        "result": outcome["result"],
                        "gap_what": outcome["gap_what"],
                        "shown_by": [SHOWN_BY[way] for way in outcome["shown_by"] if way in SHOWN_BY],
                    }
                    for outcome in unit["outcomes"]
                ],
            }
            for unit in results["units"]
        ],
        "assessors": [
            {"name": a["name"], "role": a["role"], "organisation": a["organisation"]} for a in results["assessors"]
        ],
        "decided_on": max(date.fromisoformat(d["signed_off_at"][:10]) for d in results["decisions"]),
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _certified(outcome: dict, passing: set[str]) -> bool:
    """A certificate names what was recognised at a passing level, and what was partly recognised (with its gap)."""
    result = outcome.get("result", "recognised")
    return result == "partly" or (result == "recognised" and outcome["level"]["code"] in passing)


def _outcome(outcome: dict) -> dict:
    stated = {
        "code": outcome["code"],
        "text": dict(outcome["text"]),
        "level": copy.deepcopy(outcome["level"]),
        "shown_by": [m for m in METHODS if m in outcome.get("shown_by", ())],
    }
    if outcome.get("result") == "partly":
        stated.update(result="partly", remaining=(outcome.get("gap_what") or "").strip() or None)
    return stated


def _demonstrated_units(results: dict) -> list[dict]:
    passing = {level["code"] for level in results["scale"]["levels"] if level.get("passing", True)}
    units = []
    for unit in results["units"]:
        outcomes = [_outcome(o) for o in unit["outcomes"] if _certified(o, passing)]
        if outcomes:
            units.append(
                {
                    "code": unit["code"],
                    "name": dict(unit["name"]),
                    "credits": unit.get("credits"),
                    "formally_recognised": bool(unit.get("formally_recognised")),
                    "outcomes": outcomes,
                }
            )
    return units


def _holder(client) -> dict:
    holder = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "full_name": client.full_name,
        "birth_date": _iso(client.birth_date),
    }
    if client.latin_name and client.latin_name != client.full_name:
        holder["latin_name"] = client.latin_name
    return holder


def gather_content(case, languages: list[str]) -> dict:
    """Build the snapshot a certificate for this case would state; refuse unless the results are signed off."""
    unknown = [code for code in languages if code not in LANGUAGES]
    if not languages or unknown:
        raise ValueError(f"unsupported certificate languages: {unknown or 'none chosen'}")
    results = results_for(case)
    if not results:
        raise NotSignedOff(_("The assessment results of this case are not signed off yet."))
    units = _demonstrated_units(results)
    if not units:
        raise NotSignedOff(_("No learning outcome of this case was assessed at a passing level."))
    organisation = case.organisation
    education_provider = organisation.type == OrganisationType.EDUCATION_PROVIDER
    if not education_provider:
        for unit in units:
            unit["formally_recognised"] = False  # only an authorised provider can recognise units formally
    client = case.client
    return {
        "schema": SCHEMA,
        "languages": [code for code in LANGUAGES if code in languages],
        "holder": _holder(client),
        "qualification": copy.deepcopy(results["qualification"]),
        "scale": copy.deepcopy(results["scale"]),
        "units": units,
        "assessors": [
            {"name": a["name"], "role": a["role"], "organisation": a.get("organisation")} for a in results["assessors"]
        ],
        "issuer": {
            "id": organisation.id,
            "name": organisation.name,
            "type": organisation.type.value,
            "municipality": organisation.municipality,
            "education_provider": education_provider,
        },
        "formally_recognised": education_provider and any(unit["formally_recognised"] for unit in units),
        "place": organisation.municipality,
        "decided_on": _iso(results["decided_on"]),
    }
