"""Durations fitted by maximum likelihood (scipy.stats), the family picked by AIC, the fit
judged by a Kolmogorov-Smirnov test; a sample no family fits is kept as it is (empirical)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.domain.distributions import Dist, DistKind

FAMILIES = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}
POOR_FIT = 0.001  # KS p-value under which the best family is refused for the sample itself
EMPIRICAL_POINTS = 200  # an empirical distribution keeps this many quantiles of the sample


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
        return f"fitted from {self.n:,} durations: {self.family}, KS D={self.ks:.3f} (p={self.p:.2g})"


def fit(sample: np.ndarray) -> Fit:
    """The best of exponential, lognormal and gamma for ``sample`` (hours, zeros kept out of
    the likelihood: they are instants, such as a pickup), or the sample's quantiles."""
    x = np.asarray(sample, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        raise ValueError("no durations to fit")
    positive = x[x > 0]
    if len(positive) < 2 or np.ptp(positive) == 0:
        value = float(positive[0]) if len(positive) else 0.0
        return Fit(Dist(dist=DistKind.deterministic, value=value), len(x), {}, 0.0, 1.0)
    aic, params = {}, {}
    for name, family in FAMILIES.items():
        p = family.fit(positive, floc=0)
        params[name] = p
        aic[name] = 2 * (len(p) - 1) - 2 * float(np.sum(family.logpdf(positive, *p)))
    best = min(aic, key=aic.get)
    ks = stats.kstest(positive, FAMILIES[best].cdf, args=params[best])
    if ks.pvalue < POOR_FIT:
        quantiles = np.quantile(x, np.linspace(0, 1, min(EMPIRICAL_POINTS, len(x))))
        dist = Dist(dist=DistKind.empirical, values=[float(v) for v in quantiles])
        return Fit(dist, len(x), aic, float(ks.statistic), float(ks.pvalue))  # the refused family's KS
    return Fit(_dist(best, params[best]), len(x), aic, float(ks.statistic), float(ks.pvalue))


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
