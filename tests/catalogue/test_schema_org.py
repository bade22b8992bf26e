"""The catalogue's course pages against schema.org's vocabulary itself (tests/schema_org.py): a Course with its
CourseInstances, Offers, places and audience, every type and property as schema.org defines them."""

import json
import re

from tests.catalogue.test_public import catalogue  # noqa: F401  (the three current courses, in every mode)
from tests.schema_org import assert_valid


def test_every_course_page_s_json_ld_is_in_schema_org_s_vocabulary(client, catalogue):  # noqa: F811
    for name in ("hygiene", "finnish", "welding"):
        page = client.get(f"/courses/{catalogue[name].id}").get_data(as_text=True)
        assert_valid(json.loads(re.search(r'<script type="application/ld\+json">(.+?)</script>', page, re.S).group(1)))
