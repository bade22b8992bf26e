"""Erasing a client reaches every feature that keeps their data: the hooks are declared in each feature's init_app,
so this test lists them and fails when a feature holding a client's or a case's key has none."""

import sys

from cases.models import Case, Client
from isok import hooks
from isok.app import FEATURES
from isok.extensions import db

# cases erases the client and their cases itself (cases.services.erase_client); the hooks are for everyone else.
ERASES_ITSELF = {"cases"}

# Parts whose records hold a case's key but nothing written about the person, so there is nothing to erase.
NOTHING_TO_ERASE = {
    "assessment.frameworks": "a case's target qualification names a framework version and when it was chosen",
}


def _features() -> list[str]:
    """The features of isok.app.FEATURES and the parts a feature is made of (assessment's four)."""
    return [
        name
        for feature in FEATURES
        for name in (feature.__name__, *(part.__name__ for part in getattr(feature, "PARTS", ())))
    ]


def _feature_of(module_name: str) -> str:
    matches = [name for name in _features() if module_name == name or module_name.startswith(f"{name}.")]
    assert matches, f"{module_name} belongs to no feature in isok.app.FEATURES"
    return max(matches, key=len)


def _module_of(table) -> str:
    for mapper in db.Model.registry.mappers:
        if table in mapper.tables:
            return mapper.class_.__module__
    # An association table without a class: the module that defines it.
    return next(
        name
        for name, module in list(sys.modules.items())
        if any(value is table for value in vars(module).values()) and name.split(".")[0] != "sqlalchemy"
    )


def _features_holding_client_data() -> set[str]:
    personal = {Client.__table__, Case.__table__}
    return {
        _feature_of(_module_of(table))
        for table in db.metadata.sorted_tables
        if any(key.column.table in personal for key in table.foreign_keys)
    }


def _declared(registry) -> dict[str, list[str]]:
    by_feature: dict[str, list[str]] = {}
    for fn in registry:
        by_feature.setdefault(_feature_of(fn.__module__), []).append(f"{fn.__module__}.{fn.__qualname__}")
    return by_feature


def test_the_registered_data_rights_hooks_per_feature(app):
    registry = hooks.of(app)
    assert _declared(registry.erasure) == {
        "isok.accounts": ["isok.accounts.data_rights.erase_login"],
        "isok.notices": ["isok.notices.data_rights.erase_notices"],
        "portfolio": ["portfolio.data_rights.erase_portfolios"],
        "assessment.interviews": ["assessment.interviews.data_rights.erase_interviews"],
        "assessment.placements": ["assessment.placements.data_rights.erase_placements"],
        "assessment.statements": ["assessment.statements.data_rights.erase_statements"],
        "assessment.assessments": ["assessment.assessments.data_rights.erase_assessments"],
        "certificates": ["certificates.data_rights.erase_certificates"],
        "isok.reports": ["isok.reports.data_rights.erase_correction_reasons"],
        "isok.catalogue": ["isok.catalogue.services.erase_client_enrolments"],
    }
    assert _declared(registry.export_data) == {
        "isok.accounts": ["isok.accounts.data_rights.account_part"],
        "isok.notices": ["isok.notices.data_rights.notices_part"],
        "portfolio": ["portfolio.data_rights.portfolio_data"],
        "assessment.frameworks": ["assessment.frameworks.data_rights.target_qualifications_part"],
        "assessment.interviews": ["assessment.interviews.data_rights.interviews_part"],
        "assessment.placements": ["assessment.placements.data_rights.placements_part"],
        "assessment.statements": ["assessment.statements.data_rights.statements_part"],
        "assessment.assessments": ["assessment.assessments.data_rights.assessments_part"],
        "certificates": ["certificates.data_rights.certificates_part"],
        "isok.reports": ["isok.reports.data_rights.participation_part"],
        "isok.catalogue": ["isok.catalogue.services.client_enrolments_data"],
    }
    assert _declared(registry.export_files) == {
        "portfolio": ["portfolio.data_rights.evidence_files"],
        "certificates": ["certificates.data_rights.certificate_files"],
    }


def test_every_feature_holding_a_clients_data_erases_it(app):
    holding = _features_holding_client_data()
    assert {"cases", "portfolio", "assessment.interviews"} <= holding  # the derivation finds what is known there
    with_hook = set(_declared(hooks.of(app).erasure))
    missing = sorted(holding - ERASES_ITSELF - set(NOTHING_TO_ERASE) - with_hook)
    assert missing == [], f"features that keep a client's data but declare no erasure hook in init_app: {missing}"
    listed = sorted(set(NOTHING_TO_ERASE) - (holding - with_hook))
    assert listed == [], f"listed in NOTHING_TO_ERASE but holding no case's key, or erasing after all: {listed}"
