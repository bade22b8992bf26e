import io
import json

import pytest

from assessment.frameworks import services as framework_services
from isok.accounts.models import Role
from isok.extensions import db
from isok.materials import services
from isok.materials.demo_data import silent_mp3
from isok.materials.services import Description
from tests.assessment.conftest import framework_document


@pytest.fixture
def client(app):
    """A browser asking for English, so pages read as the source strings."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def maker_org(make_organisation):
    return make_organisation(name="Joensuu Adult Education Centre")


@pytest.fixture
def teacher(make_user, maker_org):
    return make_user(Role.TEACHER, organisation=maker_org, name="Tiina Teacher")


@pytest.fixture
def units(app, make_user):
    """The units of a published framework (U1, U2)."""
    admin = make_user(Role.ADMIN)
    framework_services.load_scales(None)
    version = framework_services.import_framework(admin, json.dumps(framework_document()))
    framework_services.publish_version(admin, version)
    db.session.commit()
    return version.units


def description(**overrides) -> Description:
    fields = {
        "title": {"fi": "Keittiön sanasto", "so": "Erayada jikada", "en": "Kitchen glossary"},
        "description": {"en": "Kitchen words in Somali and Finnish."},
        "text_language": "fi",
        "languages": ["so", "fi"],
        "kind": "glossary",
        "field": "10",
        "audiences": ["clients", "teachers"],
        "licence": "cc-by",
        "tags": ["keittiö", "sanasto"],
        "link": None,
        "unit_ids": [],
    }
    fields.update(overrides)
    return Description(**fields)


@pytest.fixture
def make_material(app, teacher):
    def make(actor=None, files=(), **overrides):
        actor = actor or teacher
        material = services.share_material(actor, actor.organisation, description(**overrides))
        for name, data in files:
            services.add_file(actor, material, name, io.BytesIO(data))
        db.session.commit()
        return material

    return make


MP3 = silent_mp3(1)
GLOSSARY = "mindi — veitsi — knife\ndigsi — kattila — pot\n".encode()


from tests.assessment.conftest import make_case, make_interview  # noqa: E402, F401  (their factories, reused)
