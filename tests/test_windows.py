"""The window at closing time: the applicant is present only for the check of the dossier, a
clerk calls no number that closing would cut, and the clerk's own work follows after the
applicant has left. Cases submitted at set times into an otherwise empty office."""

from builders import det
from test_back_office import WEEKDAYS_9_TO_17, item, office, scripted, steps_of

from sim import Department, Dist, DistKind, Scenario
from sim.domain.scenario import AtClosing, Hours, Step

WINDOWS_9_TO_17 = Hours(windows="office", back_office="office")


def at_the_window(at_closing: AtClosing, **kw) -> Scenario:
    """One clerk, 2 h of checking with the applicant, the windows open 09:00-17:00 on weekdays."""
    return office(
        {"w": item(**{"intake": det(2), **kw})},
        Department(clerks=1, reviewers=9),
        calendars={"office": WEEKDAYS_9_TO_17},
        hours=WINDOWS_9_TO_17,
        at_closing=at_closing,
    )


def test_a_clerk_calls_no_number_that_closing_would_cut_and_it_is_first_in_line_next_morning():
    """Monday 15:30, 2 h of checking expected, 1.5 h left before 17:00: the clerk does not call
    the number. Under `serve` it stays good: first at Tuesday's opening, 09:00-11:00, one trip,
    and no one at the window overnight; under `send_home` the applicant comes back, a trip more."""
    r = scripted(at_the_window(AtClosing.serve), [(15.5, "w")])
    assert steps_of(r, 0) == [("intake", 15.5, 33, 35)]
    case = r.cases.iloc[0]
    assert case["trips"] == 1 and case["window_service"] == 2 and case["window_queue"] == 33 - 15.5
    sent = scripted(at_the_window(AtClosing.send_home), [(15.5, "w")])
    assert steps_of(sent, 0) == [("intake", 33, 33, 35)] and sent.cases.iloc[0]["trips"] == 2


def test_an_applicant_called_in_time_is_finished_past_closing_not_kept_overnight():
    """Called at 14:30 (2.5 h left, 2 h expected on average), each check takes its drawn 1 or
    3 h straight through: one drawn 3 h ends at 17:30, the clerk staying on, instead of pausing
    at 17:00 until the next morning."""
    two_point = Dist(dist=DistKind.empirical, values=[1.0, 3.0])
    script = [(24 * day + 14.5, "w") for day in range(5)]  # Monday to Friday
    r = scripted(at_the_window(AtClosing.serve, intake=two_point), script)
    intake = r.steps[r.steps["activity"] == "intake"]
    took = (intake["end"] - intake["start"]).round(9)
    assert (intake["start"] % 24 == 14.5).all() and set(took) <= {1.0, 3.0}
    assert (took == 3.0).any()  # one went past closing


def test_the_clerks_own_work_comes_after_the_applicant_has_left():
    """Entry (1 h, data entry) by the window's clerk after the 2 h check, in open hours, before
    the back office: the applicant's visit ends at the check."""
    r = scripted(
        at_the_window(AtClosing.serve, entry=det(1), steps=[Step(name="review", work=det(1))]), [(9, "w")]
    )
    assert steps_of(r, 0) == [("intake", 9, 9, 11), ("entry", 11, 11, 12), ("review", 12, 12, 13)]
    case = r.cases.iloc[0]
    assert case["window_service"] == 2 and case["office_work"] == 2
