"""Channels: online applicants make no trips; a specialist makes the trips for the firm; the
design decides which channels are offered, and an applicant whose channel is not comes in person."""

import itertools
from dataclasses import replace

import pandas as pd
import pytest
from builders import chain, with_item

from sim import SINGLE, ConfigError, run
from sim.domain.checks import validate
from sim.domain.design import Online
from sim.domain.scenario import ChannelMix, Specialists

WITH_SPECIALISTS = replace(SINGLE, specialists=True)
ONLINE = {"ab": ChannelMix(in_person=0.0, online=1.0)}


def online_items(scenario, *names):
    for name in names:
        scenario = with_item(scenario, name, online=True)
    return scenario


def only(cases, column):
    values = set(cases[column])
    assert len(values) == 1, (column, values)
    return values.pop()


def test_online_applicants_make_no_trips_and_receive_results_by_post():
    r = run(online_items(chain(channels=ONLINE), "a", "b"), SINGLE, seed=1)
    cases = r.cases
    assert only(cases, "channel") == "online"
    assert only(cases, "trips") == 0 and only(cases, "specialist_trips") == 0
    assert only(cases, "documents") == 5  # the same dossiers, uploaded
    # a: intake 0-1, review 1-11, post 2 h -> 13; b: intake 13-15, review 15-20, post -> 22.
    assert only(cases, "lead_time") == 22
    whole = run(chain(channels=ONLINE), replace(SINGLE, online=Online.whole_need), seed=1).cases
    # 一网办理: the whole need online, whatever its items offer
    pd.testing.assert_frame_equal(whole.drop(columns="design"), cases.drop(columns="design"))


def test_an_online_applicant_comes_in_person_for_an_item_not_offered_online():
    cases = run(online_items(chain(channels=ONLINE), "a"), SINGLE, seed=1).cases
    assert only(cases, "channel") == "online"
    assert only(cases, "trips") == 2  # hand in b, collect b
    # a online: 0-1 intake, 1-11 review, post 2 h -> 13; b in person: 13-15 intake, 15-20
    # review, 3 h until the applicant comes for it -> 23.
    assert only(cases, "lead_time") == 23


def test_a_channel_the_design_does_not_offer_is_taken_in_person():
    in_person = run(chain(), SINGLE, seed=1).cases
    not_online = run(chain(channels=ONLINE), SINGLE, seed=1).cases  # no item is offered online
    helpers = {"ab": ChannelMix(in_person=0.0, specialist=1.0)}
    no_specialists = run(chain(channels=helpers, specialists=Specialists(staff=2)), SINGLE, seed=1).cases
    for cases in (not_online, no_specialists):
        assert only(cases, "channel") == "in_person"
        for column in ("trips", "specialist_trips", "documents", "lead_time"):
            assert only(cases, column) == only(in_person, column), column


def test_a_specialist_makes_every_trip_for_the_firm():
    scenario = chain(
        channels={"ab": ChannelMix(in_person=0.0, specialist=1.0)}, specialists=Specialists(staff=2)
    )
    cases = run(scenario, WITH_SPECIALISTS, seed=1).cases
    assert only(cases, "trips") == 0
    assert only(cases, "specialist_trips") == 4  # submit and collect at each department
    assert only(cases, "lead_time") == 24  # the same path as the applicant's own


def test_no_channels_configured_equals_everyone_in_person():
    base = chain(demand={"ab": 0.05}, horizon=5_000)
    plain = run(base, SINGLE, seed=2)
    explicit = run(replace(base, channels={"ab": ChannelMix()}), SINGLE, seed=2)
    pd.testing.assert_frame_equal(plain.cases, explicit.cases)


def test_a_mixed_need_splits_by_its_shares_and_more_specialists_never_add_trips():
    mix = {"ab": ChannelMix(in_person=0.5, online=0.2, specialist=0.3)}
    busy = {"demand": {"ab": 1.0}, "horizon": 2_000, "channels": mix}
    offices = [online_items(chain(**busy, specialists=Specialists(staff=n)), "a", "b") for n in (1, 2, 8)]
    results = [run(office, WITH_SPECIALISTS, seed=3).cases for office in offices]
    shares = results[0]["channel"].value_counts(normalize=True)
    assert shares["in_person"] == pytest.approx(0.5, abs=0.05)
    assert shares["online"] == pytest.approx(0.2, abs=0.05)
    assert shares["specialist"] == pytest.approx(0.3, abs=0.05)
    for fewer, more in itertools.pairwise(results):
        assert (more["trips"] <= fewer["trips"]).all()  # the same applicants in the same channels
    helped = [c[c["channel"] == "specialist"]["waiting"].mean() for c in results]
    assert helped[0] > helped[1] >= helped[2]  # firms wait for a free specialist


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"channels": {"ab": ChannelMix(in_person=0.5, online=0.2)}}, "scenario.channels.ab"),
        ({"channels": {"ab": ChannelMix(in_person=1.5, online=-0.5)}}, "scenario.channels.ab"),
        ({"channels": {"zz": ChannelMix()}}, "scenario.channels.zz"),
        ({"channels": {"ab": ChannelMix(in_person=0.5, specialist=0.5)}}, "scenario.specialists.staff"),
        ({"specialists": Specialists(staff=-1)}, "scenario.specialists.staff"),
    ],
)
def test_bad_channels_are_refused_with_their_key(change, key):
    with pytest.raises(ConfigError) as err:
        validate(replace(chain(), **change))
    assert err.value.key == key
