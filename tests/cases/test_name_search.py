"""Name search answers from a trigram index, which follows every change of a client's name."""

from datetime import date

import pytest
from sqlalchemy import select, text

from cases import services
from cases.models import Client
from cases.name_search import name_contains
from isok.extensions import db


def _found(query: str) -> list[str]:
    return sorted(db.session.scalars(select(Client.last_name).where(name_contains(query))))


def test_a_renamed_or_erased_client_is_found_by_the_name_they_have_now(app, make_client, counsellor):
    amina = make_client(first_name="Amina", last_name="Warsame")
    make_client(first_name="Ahmed", last_name="Warsan")
    assert _found("warsa") == ["Warsame", "Warsan"]

    services.update_client(counsellor, amina, first_name="Amina", last_name="Yusuf", birth_date=date(1990, 5, 1))
    db.session.commit()
    assert _found("warsa") == ["Warsan"] and _found("yusu") == ["Yusuf"]

    services.erase_client(counsellor, amina)
    db.session.commit()
    assert _found("yusu") == []


def test_typed_quotes_and_search_syntax_are_only_characters(app, make_client):
    make_client(first_name='Nur "Ali"', last_name="O'Hara")
    assert _found('"ali"') == ["O'Hara"] and _found("o'ha") == ["O'Hara"]
    assert _found("ali OR x") == [] and _found("nur*") == []


def test_the_index_answers_a_search_of_three_characters_or_more(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner picks the trigram index by itself once the table is large enough")
    plan = " ".join(
        str(row)
        for row in db.session.execute(
            text(
                "EXPLAIN QUERY PLAN "
                + str(
                    select(Client.id)
                    .where(name_contains("warsame"))
                    .compile(db.engine, compile_kwargs={"literal_binds": True})
                )
            )
        )
    )
    assert "client_name_fts" in plan and "VIRTUAL TABLE INDEX" in plan
