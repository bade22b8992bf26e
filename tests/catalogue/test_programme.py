"""The counsellor and teacher training programme: trainings are courses marked `programme`, and their participants
are the ESF's training participants (each person once, entering at their first training)."""

from datetime import date, timedelta

import pytest

from cases.models import Gender
from isok.catalogue import queries, services
from isok.catalogue.models import TraineeRole
from isok.catalogue.services import CatalogueError, Person

TOMORROW = date.today() + timedelta(days=1)


def refused(field):
    return pytest.raises(CatalogueError, check=lambda error: error.field == field)


def test_only_the_projects_managers_mark_a_course_as_a_training_of_the_programme(app, make_course, publisher):
    with refused("programme"):
        make_course(programme=True)
    course = make_course()
    assert not course.programme


def test_the_same_person_cannot_be_entered_twice_in_one_training(app, make_training, make_participant, manager):
    training = make_training()
    first = make_participant(training, name="Anna Korhonen")
    with refused("name"):
        services.record_participant(
            manager,
            training,
            Person(
                name="  anna   KORHONEN ",
                organisation=first.organisation,
                role=TraineeRole.TEACHER,
                gender=Gender.FEMALE,
            ),
        )


def test_completion_must_fall_after_the_start_and_not_in_the_future(app, make_training, make_participant):
    training = make_training(starts_on=date(2025, 4, 1))
    with refused("completed_on"):
        make_participant(training, name="Mikko", completed_on=date(2025, 3, 31))
    with refused("completed_on"):
        make_participant(training, name="Mikko", completed_on=TOMORROW)


def test_an_unknown_role_or_gender_is_refused_on_its_field(app, make_training, make_organisation, manager):
    training = make_training()
    with refused("role"):
        services.record_participant(
            manager, training, Person(name="X", organisation=make_organisation(), role="boss", gender="female")
        )
    with refused("gender"):
        services.record_participant(
            manager, training, Person(name="X", organisation=make_organisation(), role="teacher", gender="unknown")
        )


def test_a_person_in_two_trainings_is_one_participant_entering_at_the_first(
    app, make_training, make_participant, make_organisation
):
    savonia, guidance = make_organisation(), make_organisation()
    spring = make_training(title="Spring", starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 12))
    autumn = make_training(title="Autumn", starts_on=date(2025, 9, 15), ends_on=date(2025, 9, 16))
    make_participant(spring, name="Anna Korhonen", organisation=savonia, completed_on=date(2025, 3, 12))
    make_participant(autumn, name="Anna Korhonen", organisation=savonia)
    make_participant(autumn, name="Mikko Virtanen", organisation=guidance, gender=Gender.MALE)

    first_half = queries.training_figures(date(2025, 1, 1), date(2025, 6, 30))
    second_half = queries.training_figures(date(2025, 7, 1), date(2025, 12, 31))
    whole = queries.training_figures()
    assert (first_half.participants, first_half.women, first_half.completed) == (1, 1, 1)
    assert (second_half.participants, second_half.men) == (1, 1)
    assert (whole.participants, whole.organisations) == (2, 2)
    counts = {training.text("title"): (n, done) for training, n, done in queries.trainings_with_counts()}
    assert counts == {"Spring": (1, 1), "Autumn": (2, 0)}


def test_cancelled_seats_waiting_places_and_other_courses_are_not_training_participants(
    app, make_training, make_participant, make_course, manager, counsellor
):
    training = make_training()
    make_participant(training, name="Anna Korhonen")
    gone = make_participant(training, name="Mikko Virtanen", gender=Gender.MALE)
    services.cancel_enrolment(manager, gone, by_provider=True)
    course = make_course()  # not a training of the programme
    services.enrol(
        counsellor,
        course,
        Person(name=counsellor.name, user=counsellor),
        services.Payer(contact="L", email="l@example.org", business_id="2345670-5"),
        accept_terms=True,
    )
    assert queries.training_figures().participants == 1


def test_the_network_counts_the_programmes_participants_for_its_targets(app, make_training, make_participant):
    from isok.network import queries as network

    make_participant(make_training(), name="Anna Korhonen")
    values = network.indicator_values()
    assert (values["training_participants"], values["training_organisations"]) == (1, 1)
