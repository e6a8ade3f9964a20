"""envelope.Windows: the lazily built intercept windows read the same as the eager list."""

import numpy as np

from thaadsim.defense.envelope import Intercept, Opportunity, Windows


def _pair():
    rng = np.random.default_rng(7)
    n = 40
    rows = rng.normal(size=(n, 8)) * 100.0
    rows[:, 1] = np.sin(np.arange(n)) * 50.0  # launch times not monotone in window order
    pips = rng.normal(size=(n, 3)) * 1e6
    eager = [Intercept(*r[:3].tolist(), pips[k], *r[3:].tolist()) for k, r in enumerate(rows)]
    return Windows(rows, pips), eager


def _fields(w: Intercept):
    return (w.t_intercept_s, w.t_launch_s, w.flyout_s, tuple(w.pip_ecef_m), w.alt_m, w.range_m, w.azimuth_deg,
            w.kick_deg, w.threat_speed_m_s)


def test_windows_read_as_the_eager_list():
    """Authority: the eager list of Intercepts the envelope built before (same floats, same pip rows)."""
    lazy, eager = _pair()
    assert len(lazy) == len(eager)
    assert [_fields(w) for w in lazy] == [_fields(w) for w in eager]
    assert _fields(lazy[-1]) == _fields(eager[-1]) and _fields(lazy[3]) == _fields(eager[3])
    assert [_fields(w) for w in lazy[2:9:3]] == [_fields(w) for w in eager[2:9:3]]
    assert all(type(x) is float for x in _fields(lazy[0])[:3])


def test_first_launched_from_is_the_linear_search():
    """Authority: fire control's former linear search, the first window in order launched at or after t."""
    lazy, eager = _pair()
    o_lazy = Opportunity(True, None, lazy[0], lazy[-1], lazy)
    o_list = Opportunity(True, None, eager[0], eager[-1], eager)
    for t in [-np.inf, -60.0, -49.0, 0.0, 12.5, 49.9, 50.0, np.inf]:
        ref = next((x for x in eager if x.t_launch_s >= t), None)
        got, via_list = o_lazy.first_launched_from(t), o_list.first_launched_from(t)
        assert (got is None) == (ref is None) == (via_list is None), t
        if ref is not None:
            assert _fields(got) == _fields(ref) == _fields(via_list), t
    assert Windows(np.zeros((0, 8)), np.zeros((0, 3))).first_launched_from(0.0) is None
