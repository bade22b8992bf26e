"""Who may use the network screens: project managers and administrators; everyone else is refused (403).

Network records belong to the project as a whole, so there is no "foreign" variant: a record either exists
(own) or not (missing, 404). Removals come last, as they delete the world's records.
"""

from datetime import date

from isok.network import services
from isok.network.models import HalfYear
from tests.access import MISSING_ID, NOT_FOUND, Access, expect

MANAGERS = ("admin", "project_manager")
ALLOWED = expect(MANAGERS)
MISSING = expect(MANAGERS, ok=NOT_FOUND)


def build_world(world):
    world.partnership = services.add_partner(None, world.other_org, first_cooperation_on=date(2025, 3, 1))
    world.event = services.create_event(None, title="Launch seminar", held_on=date(2025, 2, 14), headcount=80)
    world.meeting = services.create_meeting(None, held_on=date(2025, 2, 5), attendees="Pekka, Savonia")
    world.narrative = services.create_narrative(None, HalfYear(2025, 1), progress="Started on time.")
    world.target = services.set_target(None, "training_participants", 70)


def _object_routes(endpoint, methods, param, attribute):
    routes = []
    for method in methods:
        routes.append(
            Access(endpoint, method, ALLOWED, params=lambda w, r: {param: getattr(w, attribute).id}, variant="own")
        )
        routes.append(Access(endpoint, method, MISSING, params=lambda w, r: {param: MISSING_ID}, variant="missing"))
    return routes


ROUTES = [
    Access("network.overview", "GET", ALLOWED),
    Access("network.partners", "GET", ALLOWED),
    Access("network.new_partner", "GET", ALLOWED),
    Access("network.new_partner", "POST", ALLOWED),
    *_object_routes("network.edit_partner", ("GET", "POST"), "partnership_id", "partnership"),
    Access("network.events", "GET", ALLOWED),
    Access("network.new_event", "GET", ALLOWED),
    Access("network.new_event", "POST", ALLOWED),
    *_object_routes("network.edit_event", ("GET", "POST"), "event_id", "event"),
    Access("network.meetings", "GET", ALLOWED),
    Access("network.new_meeting", "GET", ALLOWED),
    Access("network.new_meeting", "POST", ALLOWED),
    *_object_routes("network.edit_meeting", ("GET", "POST"), "meeting_id", "meeting"),
    Access("network.narratives", "GET", ALLOWED),
    Access("network.new_narrative", "GET", ALLOWED),
    Access("network.new_narrative", "POST", ALLOWED),
    *_object_routes("network.edit_narrative", ("GET", "POST"), "narrative_id", "narrative"),
    Access("network.settings", "GET", ALLOWED),
    Access("network.settings", "POST", ALLOWED),
    Access("network.set_target", "POST", ALLOWED),
    Access("network.import_file", "GET", ALLOWED, params=lambda w, r: {"kind": "partners"}, variant="partners"),
    Access("network.import_file", "GET", MISSING, params=lambda w, r: {"kind": "castles"}, variant="unknown kind"),
    Access("network.import_file", "POST", ALLOWED, params=lambda w, r: {"kind": "events"}, variant="events"),
    # Removals last: they delete the records the routes above use.
    *_object_routes("network.remove_partner", ("POST",), "partnership_id", "partnership"),
    *_object_routes("network.remove_event", ("POST",), "event_id", "event"),
    *_object_routes("network.remove_meeting", ("POST",), "meeting_id", "meeting"),
    *_object_routes("network.remove_target", ("POST",), "target_id", "target"),
    *_object_routes("network.remove_narrative", ("POST",), "narrative_id", "narrative"),
]
