"""Demo data: the foundation's organisations and accounts; features add theirs with `hooks.demo` at init_app.

Every loader is idempotent: it looks for what it would create and leaves existing data alone, so `make run` can
call it on every start.
"""

from flask import current_app
from sqlalchemy import select

from isok import hooks
from isok.accounts import second_factor, services
from isok.accounts.models import CompanySize, Organisation, OrganisationType, Role, User
from isok.extensions import db

DEMO_ACCOUNTS = [
    ("admin@example.org", "Aino Admin", {Role.ADMIN}, "Savonia Vocational College", None),
    ("manager@example.org", "Pekka Projektipäällikkö", {Role.PROJECT_MANAGER}, "Savonia Vocational College", None),
    ("counsellor@example.org", "Leena Ohjaaja", {Role.COUNSELLOR}, "Kuopio Guidance Centre", None),
    ("teacher@example.org", "Matti Opettaja", {Role.TEACHER}, "Savonia Vocational College", None),
    ("tutor@example.org", "Sari Työpaikkaohjaaja", {Role.WORKPLACE_TUTOR}, "Hotel Kallavesi Oy", None),
    ("client@example.org", "Amina Hassan", {Role.CLIENT}, None, "ar"),
]

DEMO_ORGANISATIONS = [
    ("Savonia Vocational College", OrganisationType.EDUCATION_PROVIDER, None, "0172195-0", "Kuopio"),
    ("Kuopio Guidance Centre", OrganisationType.PUBLIC_BODY, None, None, "Kuopio"),
    ("Joensuu Adult Education Centre", OrganisationType.EDUCATION_PROVIDER, None, None, "Joensuu"),
    ("Hotel Kallavesi Oy", OrganisationType.COMPANY, CompanySize.SME, "2469416-6", "Kuopio"),
    ("Itä-Suomen Kiinteistöpalvelut Oy", OrganisationType.COMPANY, CompanySize.MAJOR, "0735916-3", "Joensuu"),
    ("Monikulttuurinen yhdistys ry", OrganisationType.OTHER, None, None, "Mikkeli"),
]


def organisation(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def account(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def load() -> list[tuple[str, str]]:
    """Create the demo data (once) and return the demo accounts as (email, role label) pairs."""
    admin = account("admin@example.org")
    for name, kind, size, business_id, municipality in DEMO_ORGANISATIONS:
        if organisation(name) is None:
            services.create_organisation(
                admin, name=name, type=kind, size_class=size, business_id=business_id, municipality=municipality
            )
    password = current_app.config["DEMO_PASSWORD"]
    for email, name, roles, org_name, locale in DEMO_ACCOUNTS:
        if account(email) is None:
            user = services.create_user(
                admin,
                email=email,
                name=name,
                roles=roles,
                password=password,
                organisation=organisation(org_name) if org_name else None,
                locale=locale,
            )
            admin = admin or user
    db.session.flush()
    if current_app.config["REQUIRE_MFA"]:  # the demo's one authenticator secret, printed by `flask demo`
        for email, *_rest in DEMO_ACCOUNTS:
            second_factor.enrol_demo(account(email), current_app.config["DEMO_TOTP_SECRET"])
    admin = account("admin@example.org")
    for loader in hooks.of().demo_loaders:  # each receives the demo administrator as the acting user
        loader(admin)
    return [(email, ", ".join(str(role.label) for role in roles)) for email, _n, roles, _o, _l in DEMO_ACCOUNTS]
