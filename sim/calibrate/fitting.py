"""Durations fitted by maximum likelihood (scipy.stats), the family picked by AIC, the fit
judged by a Kolmogorov-Smirnov test; a sample no family fits is kept as it is (empirical).

An empirical distribution keeps the means of ``EMPIRICAL_POINTS`` equal shares of the sorted
sample, each drawn equally often: its mean is the sample's, and each quantile lies within the
share it falls in (the sample's quantiles themselves, drawn uniformly, would overweight the
tail: the maximum drawn as often as the median). A sample with zeros (more than
``ZERO_SHARE`` of it: instants, such as a waiting that did not happen) is kept empirical, since
no family here has an atom at zero; so is one whose best family would leave the schema's bounds.
A large sample is fitted on ``FIT_SAMPLE`` of its values (a fixed seed), which is as exact as
the KS test needs and keeps a million events under a minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.domain.distributions import MAX_CV, MAX_DURATION, Dist, DistKind

FAMILIES = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}
POOR_FIT = 0.001  # KS p-value under which the best family is refused for the sample itself
EMPIRICAL_POINTS = 200  # an empirical distribution keeps the means of this many equal shares
ZERO_SHARE = 0.01
FIT_SAMPLE = 5000


@dataclass(frozen=True)
class Fit:
    """A fitted duration: the ``Dist`` a scenario takes, the sample size, each family's AIC,
    and the chosen fit's KS statistic and p-value."""

    dist: Dist
    n: int
    aic: dict[str, float]
    ks: float
    p: float

    @property
    def family(self) -> str:
        return self.dist.dist.value

    def note(self) -> str:
        """The provenance a scenario file carries next to the parameter."""
        test = f", KS D={self.ks:.3f} (p={self.p:.2g})" if math.isfinite(self.ks) else ""
        return f"fitted from {self.n:,} durations: {self.family}{test}"


def fit(sample: np.ndarray) -> Fit:
    """The best of exponential, lognormal and gamma for ``sample`` (hours, zeros kept out of
    the likelihood: they are instants, such as a pickup), or the sample's quantiles."""
    x = np.asarray(sample, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        raise ValueError("no durations to fit")
    positive = x[x > 0]
    if len(positive) < 2 or np.ptp(positive) == 0:
        if 0 < len(positive) < len(x):  # some instants, the rest one value
            return Fit(empirical(x), len(x), {}, math.nan, math.nan)
        value = float(positive[0]) if len(positive) else 0.0
        return Fit(Dist(dist=DistKind.deterministic, value=value), len(x), {}, 0.0, 1.0)
    if np.mean(x <= 0) > ZERO_SHARE:  # kept as it is, untested (NaN: no family to test)
        return Fit(empirical(x), len(x), {}, math.nan, math.nan)
    if len(positive) > FIT_SAMPLE:
        positive = np.random.default_rng(0).choice(positive, FIT_SAMPLE, replace=False)
    aic, params = {}, {}
    for name, family in FAMILIES.items():
        try:
            with np.errstate(all="ignore"):
                p = family.fit(positive, floc=0)
                score = 2 * (len(p) - 1) - 2 * float(np.sum(family.logpdf(positive, *p)))
        except (ValueError, RuntimeError, FloatingPointError):  # the optimiser found no maximum
            continue
        if math.isfinite(score):
            params[name], aic[name] = p, score
    if not aic:
        return Fit(empirical(x), len(x), {}, 0.0, 0.0)
    best = min(aic, key=aic.get)
    ks = stats.kstest(positive, FAMILIES[best].cdf, args=params[best])
    dist = _dist(best, params[best])
    bounded = (dist.cv or 0) <= MAX_CV and dist.mean <= MAX_DURATION
    if ks.pvalue < POOR_FIT or not bounded:
        return Fit(empirical(x), len(x), aic, float(ks.statistic), float(ks.pvalue))  # the refused KS
    return Fit(dist, len(x), aic, float(ks.statistic), float(ks.pvalue))


def empirical(x: np.ndarray) -> Dist:
    """The means of ``EMPIRICAL_POINTS`` equal shares of the sorted sample; a sample of at most
    twice as many values, itself."""
    if len(x) <= 2 * EMPIRICAL_POINTS:  # small enough to keep whole
        return Dist(dist=DistKind.empirical, values=[float(v) for v in np.sort(x)])
    shares = np.array_split(np.sort(x), EMPIRICAL_POINTS)
    return Dist(dist=DistKind.empirical, values=[float(np.mean(share)) for share in shares])


def _dist(name: str, p: tuple) -> Dist:
    """scipy's parameters as the scenario's (mean and coefficient of variation)."""
    if name == "exponential":
        return Dist(dist=DistKind.exponential, mean=float(p[-1]))
    if name == "lognormal":
        sigma, scale = p[0], p[-1]
        mean = scale * math.exp(sigma**2 / 2)
        return Dist(dist=DistKind.lognormal, mean=float(mean), cv=float(math.sqrt(math.expm1(sigma**2))))
    shape, scale = p[0], p[-1]
    return Dist(dist=DistKind.gamma, mean=float(shape * scale), cv=float(1 / math.sqrt(shape)))
