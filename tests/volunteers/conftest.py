from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from meetings.models import Attendance, Region
from tests.factories import make_location, make_meeting, make_program, make_region
from volunteers.models import Role, VolunteerScope


def make_volunteer(username, *, role=Role.EDITOR, regions=(), programs=()):
    user = User.objects.create_user(username, password="a long volunteer passphrase", is_staff=True)
    scope = VolunteerScope.objects.create(user=user, role=role)
    scope.regions.set(regions)
    scope.programs.set(programs)
    return user


def melbourne_location(region):
    return make_location(
        name="Fitzroy Hall",
        address="10 Brunswick St",
        city="Melbourne",
        state="VIC",
        postal_code="3065",
        country="AU",
        latitude=-37.80,
        longitude=144.98,
        timezone="Australia/Melbourne",
        region=region,
    )


@pytest.fixture
def world(db):
    """Pennsylvania and Victoria (Australia); NA and MARA meetings in each, and online ones."""
    us = make_region(name="United States", slug="us", kind=Region.Kind.COUNTRY)
    pa = make_region(name="Pennsylvania", slug="us-pa", kind=Region.Kind.STATE, parent=us)
    philly = make_region(name="Philadelphia", slug="us-pa-philadelphia", parent=pa)
    australia = make_region(name="Australia", slug="au", kind=Region.Kind.COUNTRY, timezone="Australia/Sydney")
    victoria = make_region(
        name="Victoria", slug="au-vic", kind=Region.Kind.STATE, parent=australia, timezone="Australia/Melbourne"
    )
    na = make_program(name="Narcotics Anonymous", short_name="NA", slug="na")
    mara = make_program(name="Medication-Assisted Recovery Anonymous", short_name="MARA", slug="mara")
    philly_hall = make_location(name="Philly Hall", region=philly)
    vic_hall = melbourne_location(victoria)
    return SimpleNamespace(
        us=us,
        pa=pa,
        philly=philly,
        victoria=victoria,
        na=na,
        mara=mara,
        philly_hall=philly_hall,
        vic_hall=vic_hall,
        pa_na=make_meeting(program=na, name="Philly NA", location=philly_hall),
        pa_mara=make_meeting(program=mara, name="Philly MARA", location=make_location(region=philly)),
        vic_mara=make_meeting(program=mara, name="Melbourne MARA", location=vic_hall, timezone="Australia/Melbourne"),
        vic_na=make_meeting(
            program=na, name="Melbourne NA", location=melbourne_location(victoria), timezone="Australia/Melbourne"
        ),
        online_na=make_meeting(program=na, name="Online NA", attendance=Attendance.ONLINE),
        online_mara=make_meeting(program=mara, name="Online MARA", attendance=Attendance.ONLINE),
    )


@pytest.fixture
def pa_na_editor(world):
    return make_volunteer("pa-na", regions=[world.pa], programs=[world.na])


@pytest.fixture
def editor_client(client, pa_na_editor):
    client.force_login(pa_na_editor)
    return client
