"""Prediction-powered inference (PPI++): few human labels plus many judge labels, with valid intervals.

Setting. ``n`` items carry a human label ``Y`` and the judge's label ``Ŷ``; ``N`` more items carry ``Ŷ``
only. Means first. For any ``λ`` the estimator::

    θ̂_λ = mean_N(λ Ŷ) + mean_n(Y − λ Ŷ)

is unbiased for ``E[Y]`` however wrong the judge is (the human sample measures and removes the judge's
bias), with variance ``Var(Y − λŶ)/n + λ² Var(Ŷ)/N``. ``λ = 0`` is the human-only mean, ``λ = 1`` classic
PPI (Angelopoulos et al. 2023). PPI++ picks the ``λ`` that minimises the variance::

    λ̂ = Cov(Y, Ŷ) / ((1 + n/N) Var(Ŷ))           clipped to [0, 1],

and the variance becomes ``(σ²_Y / n)(1 − ρ² N/(n + N))`` with ``ρ`` the judge–human correlation: an
effective human sample ``n / (1 − ρ² N/(n + N))``, which tends to ``n / (1 − ρ²)`` when the judge labels
many more items than people do. A judge no better than chance (``ρ = 0``) costs nothing but cannot help.

The interval is the normal one, ``θ̂ ± z_{1−α/2} · se``; the variances use ``ddof = 0`` for the two means
and the pooled ``ddof = 1`` variance of all judge labels in ``λ̂``, exactly as ``ppi-python`` computes them,
so the two agree to rounding.

Small human samples (``n < CROSS_FIT_BELOW``): ``λ̂`` estimated on the same items it is applied to makes the
estimate slightly biased. Cross-fitting splits the human items into ``K`` folds and gives the items of fold
``k`` the ``λ̂_{−k}`` estimated without them, and the judge-only term their weighted mean ``λ̄`` (Zrnic &
Candès 2024); each fold's estimate is then exactly unbiased given ``λ̂_{−k}``.

Weak judges: when the human sample's correlation ``ρ̂`` between ``Y`` and ``Ŷ`` is below ``min_correlation``
the estimate falls back to human-only (``λ = 0``): the gain would be below ``1/(1 − 0.1²) ≈ 1 %`` while
estimating ``λ`` adds noise.

Regressions (logistic, Bradley–Terry). The same rectification applies to the loss of an M-estimator: with
the logistic loss ``ℓ(θ; x, y) = −y xᵀθ + log(1 + exp(xᵀθ))``, PPI++ minimises::

    L_λ(θ) = λ mean_N ℓ(θ; x, Ŷ) + mean_n [ℓ(θ; x, Y) − λ ℓ(θ; x, Ŷ)]

(convex for ``λ ∈ [0, 1]``; Newton's method with a backtracking line search, stopping when the largest
gradient component is below ``tol``), with sandwich covariance ``H⁻¹ (n/N · Cov(λ ĝ_N) + Cov(g − λ ĝ)) H⁻¹``
over ``n``, where ``g = x(σ(xᵀθ) − y)`` are per-item gradients and ``H`` the Hessian of the log-loss on all
items. ``λ̂`` minimises the trace of the covariance at the ``λ = 1`` fit (Angelopoulos, Duchi & Zrnic 2023,
eq. 7) and is re-estimated once at the fit it gives, as ``ppi-python`` does. A Bradley–Terry leaderboard is
the logistic model with ``x = e_a − e_b`` (one model as the reference, θ = 0)
and ``y`` the share of votes for ``a``; scores are centred and put on the Elo-like scale.

References: Angelopoulos, Bates, Fannjiang, Jordan & Zrnic (2023), "Prediction-powered inference", Science
382; Angelopoulos, Duchi & Zrnic (2023), "PPI++: Efficient Prediction-Powered Inference", arXiv:2311.01453;
Zrnic & Candès (2024), "Cross-prediction-powered inference", PNAS 121; Boyeau, Angelopoulos, Yosef, Malik &
Jordan (2024), "AutoEval Done Right"; Dorner, Nastl & Hardt (2025), "Limits to scalable evaluation at the
frontier: LLM as Judge won't beat twice the data", ICLR.

Examples:
    >>> y, yhat = np.array([1.0, 0.0, 1.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    >>> est = ppi_mean(y, yhat, np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0]), lam=1.0)
    >>> round(est.ppi.estimate, 4)  # mean of the judge on the 6 items + the judge's error on the 4
    0.9167
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count, as_float, as_index
from .ranking import ELO_PER_LOG

__all__ = [
    "CROSS_FIT_BELOW",
    "Interval",
    "PPIBradleyTerry",
    "PPILogistic",
    "PPIMean",
    "bradley_terry_design",
    "ppi_bradley_terry",
    "ppi_logistic",
    "ppi_mean",
    "ppi_win_rates",
]

#: Human samples smaller than this are cross-fitted (``cross_fit=None``).
CROSS_FIT_BELOW = 100

#: Below this human–judge correlation the estimate falls back to human-only (``λ = 0``).
MIN_CORRELATION = 0.1


@dataclass(frozen=True)
class Interval:
    """A point estimate with its normal interval.

    Attributes:
        estimate: The point estimate.
        lower: Lower end of the interval.
        upper: Upper end.
        se: Standard error.
    """

    estimate: float
    lower: float
    upper: float
    se: float

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return bool(self.lower <= value <= self.upper)


def _z(ci: float) -> float:
    from scipy import stats  # here, not at import: scipy.stats takes most of a second to load

    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci!r}")
    return float(stats.norm.ppf(0.5 + ci / 2.0))


def _interval(estimate: float, se: float, z: float) -> Interval:
    return Interval(float(estimate), float(estimate - z * se), float(estimate + z * se), float(se))


@dataclass(frozen=True)
class PPIMean:
    """A prediction-powered mean beside the human-only and judge-only ones.

    Attributes:
        ppi: The prediction-powered estimate (equal to ``human`` when ``method`` is ``"human-only"``).
        human: Mean of the ``n`` human labels alone.
        judge: Mean of the judge's labels on all ``n + N`` items, with its naive interval (it ignores the
            judge's bias, which is why it so often misses).
        lam: The ``λ`` used (``λ̄`` when cross-fitted).
        correlation: ``ρ̂`` between ``Y`` and ``Ŷ`` on the human sample.
        method: ``"ppi++"``, ``"ppi++ cross-fit"``, ``"human-only"`` (weak judge, or no judge-only items)
            or ``"fixed λ"``.
        n_labeled: ``n``.
        n_unlabeled: ``N``.
        effective_n: Human labels the human-only mean would need for the PPI standard error,
            ``n · (se_human / se_ppi)²``.
        judge_misses: The judge-only interval excludes the prediction-powered estimate.
    """

    ppi: Interval
    human: Interval
    judge: Interval
    lam: float
    correlation: float
    method: str
    n_labeled: int
    n_unlabeled: int
    effective_n: float
    judge_misses: bool


def _correlation(y: FloatArray, yhat: FloatArray) -> float:
    if y.shape[0] < 2 or np.std(y) == 0 or np.std(yhat) == 0:
        return float("nan")
    return float(np.corrcoef(y, yhat)[0, 1])


def _mean_lambda(y: FloatArray, yhat: FloatArray, yhat_unlabeled: FloatArray) -> float:
    """PPI++'s ``λ̂`` for a mean (as ``ppi-python`` computes it), clipped to [0, 1]."""
    n, big_n = y.shape[0], yhat_unlabeled.shape[0]
    cov = float(np.mean((y - y.mean()) * (yhat - yhat.mean())))
    var = float(np.var(np.concatenate([yhat, yhat_unlabeled]), ddof=1))
    if not var > 0:
        return 0.0
    return float(np.clip(cov / ((1.0 + n / big_n) * var), 0.0, 1.0))


def _folds(n: int, n_folds: int, random_state: Any) -> IntArray:
    k = min(as_count(n_folds, "n_folds", 2), n)
    out: IntArray = np.random.default_rng(random_state).permutation(np.arange(n) % k)
    return out


def _check_mean_inputs(y: Any, yhat: Any, yhat_unlabeled: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    yy = as_float(y, "y")
    yh = as_float(yhat, "yhat", length=yy.shape[0])
    yu = as_float(yhat_unlabeled, "yhat_unlabeled")
    if yy.shape[0] < 2:
        raise ValueError(f"a prediction-powered mean needs at least 2 human labels, got {yy.shape[0]}")
    return yy, yh, yu


def ppi_mean(
    y: Any,
    yhat: Any,
    yhat_unlabeled: Any,
    *,
    ci: float = 0.9,
    lam: float | None = None,
    cross_fit: bool | None = None,
    n_folds: int = 5,
    min_correlation: float = MIN_CORRELATION,
    random_state: Any = 0,
) -> PPIMean:
    """PPI++ estimate of ``E[Y]`` (module docstring) next to the human-only and judge-only means.

    Args:
        y: Human labels ``Y`` of the ``n`` human-labelled items (e.g. the share of votes for A).
        yhat: The judge's labels ``Ŷ`` of the same items.
        yhat_unlabeled: The judge's labels of the ``N`` items without human labels.
        ci: Coverage of the intervals (0.9 gives 90 % intervals).
        lam: A fixed ``λ`` in [0, 1]; ``None`` tunes it.
        cross_fit: Cross-fit ``λ̂``; ``None`` does so when ``n < CROSS_FIT_BELOW``.
        n_folds: Folds for cross-fitting.
        min_correlation: Fall back to human-only below this ``ρ̂`` (tuned ``λ`` only).
        random_state: Seed of the fold assignment.

    Raises:
        ValueError: Fewer than 2 human labels, mismatched lengths, non-finite values, ``λ`` outside [0, 1].
    """
    yy, yh, yu = _check_mean_inputs(y, yhat, yhat_unlabeled)
    z = _z(ci)
    n, big_n = yy.shape[0], yu.shape[0]
    human = _interval(yy.mean(), yy.std() / np.sqrt(n), z)
    all_judge = np.concatenate([yh, yu])
    judge = _interval(all_judge.mean(), all_judge.std() / np.sqrt(all_judge.shape[0]), z)
    rho = _correlation(yy, yh)
    lam_i = np.zeros(n)
    method = "human-only"
    if lam is not None:
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {lam!r}")
        lam_i[:] = lam
        method = "fixed λ"
    elif big_n > 0 and np.isfinite(rho) and rho >= min_correlation:
        if cross_fit if cross_fit is not None else n < CROSS_FIT_BELOW:
            fold = _folds(n, n_folds, random_state)
            for k in np.unique(fold):
                out = fold != k
                lam_i[~out] = _mean_lambda(yy[out], yh[out], yu)
            method = "ppi++ cross-fit"
        else:
            lam_i[:] = _mean_lambda(yy, yh, yu)
            method = "ppi++"
    lam_bar = float(lam_i.mean())
    if big_n == 0 or (lam_bar == 0.0 and method != "fixed λ"):
        ppi = human
    else:
        rectifier = yy - lam_i * yh
        se = np.sqrt(np.var(lam_bar * yu) / big_n + np.var(rectifier) / n)
        ppi = _interval(lam_bar * yu.mean() + rectifier.mean(), se, z)
    effective = n * (human.se / ppi.se) ** 2 if ppi.se > 0 else float("inf")
    return PPIMean(
        ppi=ppi,
        human=human,
        judge=judge,
        lam=lam_bar,
        correlation=rho,
        method=method,
        n_labeled=n,
        n_unlabeled=big_n,
        effective_n=float(effective),
        judge_misses=not judge.covers(ppi.estimate),
    )


# --------------------------------------------------------------------------------------------------- logistic
def _sigmoid(t: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * t))
    return out


def _softplus(t: FloatArray) -> FloatArray:
    out: FloatArray = np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))
    return out


@dataclass(frozen=True)
class _Problem:
    """The rectified logistic problem for fixed ``λ``: labelled ``(x, y, ŷ, λ_i)`` and judge-only
    ``(x_u, ŷ_u, λ̄)``."""

    x: FloatArray
    y: FloatArray
    yhat: FloatArray
    lam: FloatArray
    x_u: FloatArray
    yhat_u: FloatArray
    lam_u: float
    ridge: float

    def loss(self, theta: FloatArray) -> float:
        t, t_u = self.x @ theta, self.x_u @ theta
        labelled = -self.y * t + _softplus(t) - self.lam * (-self.yhat * t + _softplus(t))
        value = float(labelled.mean()) + 0.5 * self.ridge * float(theta @ theta)
        if self.x_u.shape[0]:
            value += self.lam_u * float((-self.yhat_u * t_u + _softplus(t_u)).mean())
        return value

    def gradient_hessian(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        mu, mu_u = _sigmoid(self.x @ theta), _sigmoid(self.x_u @ theta)
        n = self.x.shape[0]
        grad = self.x.T @ ((mu - self.y) - self.lam * (mu - self.yhat)) / n + self.ridge * theta
        hess = (self.x.T * ((1.0 - self.lam) * mu * (1.0 - mu))) @ self.x / n
        if self.x_u.shape[0]:
            big_n = self.x_u.shape[0]
            grad = grad + self.lam_u * self.x_u.T @ (mu_u - self.yhat_u) / big_n
            hess = hess + self.lam_u * (self.x_u.T * (mu_u * (1.0 - mu_u))) @ self.x_u / big_n
        return grad, hess + self.ridge * np.eye(theta.shape[0])

    def solve(self, init: FloatArray, tol: float, max_iter: int) -> FloatArray:
        theta = init.copy()
        for _ in range(max_iter):
            grad, hess = self.gradient_hessian(theta)
            if float(np.abs(grad).max(initial=0.0)) < tol:
                return theta
            try:
                step = np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(hess, grad, rcond=None)[0]
            value, slope, t = self.loss(theta), float(grad @ step), 1.0
            while self.loss(theta - t * step) > value - 1e-4 * t * slope + 1e-15 * abs(value) and t > 1e-10:
                t *= 0.5
            theta = theta - t * step
            if float(np.abs(theta).max(initial=0.0)) > 50.0:
                raise ValueError(
                    "the logistic fit diverges (some coefficient passes ±50): a model won or lost every "
                    "labelled comparison; add labels or pass ridge= (e.g. 1e-3)"
                )
        return theta


def _gradients(
    theta: FloatArray, x: FloatArray, y: FloatArray, yhat: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-item gradients with the human and with the judge labels, and the curvature ``μ(1 − μ)``."""
    mu = _sigmoid(x @ theta)
    return x * (mu - y)[:, None], x * (mu - yhat)[:, None], mu * (1.0 - mu)


def _stats(
    theta: FloatArray, p: _Problem, use_unlabeled: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(g, ĝ, ĝ_u, H⁻¹)`` as ``ppi-python``'s ``_logistic_get_stats`` defines them."""
    g, g_hat, curv = _gradients(theta, p.x, p.y, p.yhat)
    _, g_hat_u, curv_u = _gradients(theta, p.x_u, p.yhat_u, p.yhat_u)
    n, big_n = p.x.shape[0], p.x_u.shape[0]
    if use_unlabeled:
        hess = ((p.x.T * curv) @ p.x + (p.x_u.T * curv_u) @ p.x_u) / (n + big_n)
    else:
        hess = (p.x.T * curv) @ p.x / n
    hess = hess + p.ridge * np.eye(theta.shape[0])
    return g, g_hat, g_hat_u, np.linalg.pinv(hess)


def _logistic_lambda(g: FloatArray, g_hat: FloatArray, g_hat_u: FloatArray, inv_h: FloatArray) -> float:
    n, big_n = g.shape[0], g_hat_u.shape[0]
    gc, ghc = g - g.mean(axis=0), g_hat - g_hat.mean(axis=0)
    cov = (gc.T @ ghc + ghc.T @ gc) / n
    var = np.atleast_2d(np.cov(np.concatenate([g_hat, g_hat_u]).T))
    denom = 2.0 * (1.0 + n / big_n) * np.trace(inv_h @ var @ inv_h)
    if not denom > 0:
        return 0.0
    return float(np.clip(np.trace(inv_h @ cov @ inv_h) / denom, 0.0, 1.0))


def _cov(values: FloatArray) -> FloatArray:
    d = values.shape[1]
    if values.shape[0] < 2:
        return np.zeros((d, d))
    out: FloatArray = np.atleast_2d(np.cov(values.T)).reshape(d, d)
    return out


@dataclass(frozen=True)
class PPILogistic:
    """A logistic regression fitted by PPI++.

    Attributes:
        coef: Coefficients ``θ̂``.
        cov: Their sandwich covariance.
        lower: Lower ends of the coordinate-wise intervals.
        upper: Upper ends.
        lam: The ``λ`` used (``λ̄`` when cross-fitted).
        correlation: ``ρ̂`` between ``Y`` and ``Ŷ`` on the human sample.
        method: As in :class:`PPIMean`.
    """

    coef: FloatArray
    cov: FloatArray
    lower: FloatArray
    upper: FloatArray
    lam: float
    correlation: float
    method: str


def _fit_logistic(p: _Problem, init: FloatArray, tol: float, max_iter: int) -> tuple[FloatArray, FloatArray]:
    theta = p.solve(init, tol, max_iter)
    use_unlabeled = bool(p.lam_u != 0.0 or np.any(p.lam != 0.0))
    g, g_hat, g_hat_u, inv_h = _stats(theta, p, use_unlabeled)
    n, big_n = g.shape[0], max(g_hat_u.shape[0], 1)
    var_u = _cov(p.lam_u * g_hat_u) if g_hat_u.shape[0] else np.zeros((theta.shape[0],) * 2)
    var = _cov(g - p.lam[:, None] * g_hat)
    sigma = inv_h @ (n / big_n * var_u + var) @ inv_h / n
    return theta, sigma


def _tuned_lambda(p: _Problem, init: FloatArray, tol: float, max_iter: int) -> float:
    """``λ̂`` from the statistics at the ``λ = 1`` fit, then once more at the fit with that ``λ̂``."""
    lam = 1.0
    for _ in range(2):
        fixed = replace(p, lam=np.full_like(p.lam, lam), lam_u=lam)
        theta = fixed.solve(init, tol, max_iter)
        lam = _logistic_lambda(*_stats(theta, fixed, use_unlabeled=True))
    return lam


def ppi_logistic(
    x: Any,
    y: Any,
    yhat: Any,
    x_unlabeled: Any,
    yhat_unlabeled: Any,
    *,
    ci: float = 0.9,
    lam: float | None = None,
    cross_fit: bool | None = None,
    n_folds: int = 5,
    min_correlation: float = MIN_CORRELATION,
    ridge: float = 0.0,
    tol: float = 1e-10,
    max_iter: int = 100,
    random_state: Any = 0,
) -> PPILogistic:
    """PPI++ logistic regression (module docstring), with coordinate-wise normal intervals.

    Args:
        x: ``[n, d]`` covariates of the human-labelled items (no intercept is added).
        y: Human labels in [0, 1] (fractions allowed: the share of votes).
        yhat: The judge's labels of the same items, in [0, 1].
        x_unlabeled: ``[N, d]`` covariates of the judge-only items.
        yhat_unlabeled: The judge's labels of those.
        ci: Interval coverage.
        lam: A fixed ``λ`` in [0, 1]; ``None`` tunes it.
        cross_fit: Cross-fit ``λ̂``; ``None`` does so when ``n < CROSS_FIT_BELOW``.
        n_folds: Folds for cross-fitting.
        min_correlation: Fall back to human-only below this ``ρ̂`` (tuned ``λ`` only).
        ridge: ``(ridge/2)‖θ‖²`` added to the (per-item) loss; 0 is the plain estimator.
        tol: Newton stops when the largest gradient component is below this.
        max_iter: Maximum Newton steps.
        random_state: Seed of the fold assignment.
    """
    xx = np.asarray(x, dtype=np.float64)
    xu = np.asarray(x_unlabeled, dtype=np.float64)
    if xx.ndim != 2 or xu.ndim != 2 or xx.shape[1] != xu.shape[1]:
        raise ValueError(f"x and x_unlabeled must be 2-D with equal columns, got {xx.shape} and {xu.shape}")
    yy = as_float(y, "y", length=xx.shape[0])
    yh = as_float(yhat, "yhat", length=xx.shape[0])
    yu = as_float(yhat_unlabeled, "yhat_unlabeled", length=xu.shape[0])
    for name, values in (("y", yy), ("yhat", yh), ("yhat_unlabeled", yu)):
        if values.size and (values.min() < 0.0 or values.max() > 1.0):
            raise ValueError(f"{name} must lie in [0, 1]")
    n = xx.shape[0]
    if n < 2:
        raise ValueError(f"a prediction-powered regression needs at least 2 human labels, got {n}")
    z = _z(ci)
    rho = _correlation(yy, yh)
    init = np.zeros(xx.shape[1])
    problem = _Problem(xx, yy, yh, np.zeros(n), xu, yu, 0.0, float(ridge))
    method = "human-only"
    if lam is not None:
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {lam!r}")
        problem = replace(problem, lam=np.full(n, float(lam)), lam_u=float(lam))
        method = "fixed λ"
    elif xu.shape[0] > 0 and np.isfinite(rho) and rho >= min_correlation:
        if cross_fit if cross_fit is not None else n < CROSS_FIT_BELOW:
            fold = _folds(n, n_folds, random_state)
            lam_i = np.zeros(n)
            for k in np.unique(fold):
                out = fold != k
                sub = replace(problem, x=xx[out], y=yy[out], yhat=yh[out], lam=np.zeros(int(out.sum())))
                lam_i[~out] = _tuned_lambda(sub, init, tol, max_iter)
            problem = replace(problem, lam=lam_i, lam_u=float(lam_i.mean()))
            method = "ppi++ cross-fit"
        else:
            tuned = _tuned_lambda(problem, init, tol, max_iter)
            problem = replace(problem, lam=np.full(n, tuned), lam_u=tuned)
            method = "ppi++"
    theta, sigma = _fit_logistic(problem, init, tol, max_iter)
    se = np.sqrt(np.maximum(np.diag(sigma), 0.0))
    return PPILogistic(
        coef=theta,
        cov=sigma,
        lower=theta - z * se,
        upper=theta + z * se,
        lam=float(problem.lam_u),
        correlation=rho,
        method=method,
    )


# --------------------------------------------------------------------------------------------------- BT
def bradley_terry_design(model_a: Any, model_b: Any, n_models: int) -> FloatArray:
    """Rows ``e_a − e_b`` without the last model's column (the reference, θ = 0).

    Examples:
        >>> bradley_terry_design([0, 2], [1, 0], 3).tolist()
        [[1.0, -1.0], [-1.0, 0.0]]
    """
    k = as_count(n_models, "n_models", 2)
    a = as_index(model_a, "model_a", size=k)
    b = as_index(model_b, "model_b", size=k, length=a.shape[0])
    if np.any(a == b):
        raise ValueError("model_a and model_b must differ on every item")
    x = np.zeros((a.shape[0], k))
    rows = np.arange(a.shape[0])
    x[rows, a] += 1.0
    x[rows, b] -= 1.0
    out: FloatArray = x[:, : k - 1]
    return out


@dataclass(frozen=True)
class PPIBradleyTerry:
    """Bradley–Terry scores on the Elo-like scale: prediction-powered, human-only and judge-only.

    Each of ``ppi``, ``human``, ``judge`` is a ``[n_models, 3]`` array of ``(score, lower, upper)``; scores
    are ``1200 + (400 / ln 10)(θ_m − mean θ)``.

    Attributes:
        ppi: PPI++ (human labels plus judge labels).
        human: Human labels alone.
        judge: Judge labels on every item alone (naive interval).
        lam: The ``λ`` of the PPI fit.
        correlation: ``ρ̂`` on the human sample.
        method: As in :class:`PPIMean`.
        effective_n: Per model, human-labelled items the human-only fit would need for the PPI interval width.
    """

    ppi: FloatArray
    human: FloatArray
    judge: FloatArray
    lam: float
    correlation: float
    method: str
    effective_n: FloatArray


def _elo(fit: PPILogistic, k: int, z: float, base: float = 1200.0) -> FloatArray:
    theta = np.concatenate([fit.coef, [0.0]])
    cov = np.zeros((k, k))
    cov[: k - 1, : k - 1] = fit.cov
    centre = np.eye(k) - 1.0 / k
    score = base + ELO_PER_LOG * (centre @ theta)
    se = ELO_PER_LOG * np.sqrt(np.maximum(np.diag(centre @ cov @ centre.T), 0.0))
    return np.column_stack([score, score - z * se, score + z * se])


def ppi_bradley_terry(
    model_a: Any,
    model_b: Any,
    n_models: int,
    y: Any,
    yhat: Any,
    *,
    ci: float = 0.9,
    lam: float | None = None,
    cross_fit: bool | None = None,
    ridge: float = 1e-4,
    random_state: Any = 0,
) -> PPIBradleyTerry:
    """Prediction-powered Bradley–Terry scores of ``n_models`` from per-item outcomes.

    Args:
        model_a: Model code of side A per item.
        model_b: Model code of side B per item.
        n_models: ``K`` (at least 2).
        y: Human share of votes for A per item, NaN where no person labelled the item.
        yhat: The judge's verdict per item: 1 (A), 0 (B), 0.5 (tie), or its probability of A.
        ci: Interval coverage.
        lam: A fixed ``λ``; ``None`` tunes it.
        cross_fit: As in :func:`ppi_logistic`.
        ridge: Ridge of the three fits (keeps a model that won every labelled game finite).
        random_state: Seed of the fold assignment.
    """
    k = as_count(n_models, "n_models", 2)
    x = bradley_terry_design(model_a, model_b, k)
    yy = np.asarray(y, dtype=np.float64).reshape(-1)
    yh = as_float(yhat, "yhat", length=x.shape[0])
    if yy.shape[0] != x.shape[0]:
        raise ValueError(f"y has length {yy.shape[0]}, expected {x.shape[0]}")
    labelled = np.isfinite(yy)
    z = _z(ci)
    fit = ppi_logistic(
        x[labelled],
        yy[labelled],
        yh[labelled],
        x[~labelled],
        yh[~labelled],
        ci=ci,
        lam=lam,
        cross_fit=cross_fit,
        ridge=ridge,
        random_state=random_state,
    )
    human = ppi_logistic(
        x[labelled], yy[labelled], yh[labelled], x[~labelled], yh[~labelled], lam=0.0, ridge=ridge
    )
    judge = ppi_logistic(x, yh, yh, x[:0], yh[:0], lam=0.0, ridge=ridge)
    ppi_elo, human_elo = _elo(fit, k, z), _elo(human, k, z)
    width_ppi = ppi_elo[:, 2] - ppi_elo[:, 1]
    width_human = human_elo[:, 2] - human_elo[:, 1]
    effective = int(labelled.sum()) * np.divide(
        width_human**2, width_ppi**2, out=np.full(k, np.nan), where=width_ppi > 0
    )
    return PPIBradleyTerry(
        ppi=ppi_elo,
        human=human_elo,
        judge=_elo(judge, k, z),
        lam=fit.lam,
        correlation=fit.correlation,
        method=fit.method,
        effective_n=effective,
    )


def ppi_win_rates(
    model_a: Any,
    model_b: Any,
    n_models: int,
    y: Any,
    yhat: Any,
    *,
    ci: float = 0.9,
    cross_fit: bool | None = None,
    random_state: Any = 0,
) -> list[PPIMean | None]:
    """Per model, the prediction-powered mean of its share of the votes over the items it appears in.

    Args:
        model_a: Model code of side A per item.
        model_b: Model code of side B per item.
        n_models: ``K``.
        y: Human share of votes for A per item, NaN where no person labelled the item.
        yhat: The judge's verdict per item (1 = A, 0 = B, 0.5 = tie, or a probability of A).
        ci: Interval coverage.
        cross_fit: As in :func:`ppi_mean`.
        random_state: Seed of the fold assignment.

    Returns:
        One :class:`PPIMean` per model, ``None`` for a model with fewer than 2 human-labelled items.
    """
    k = as_count(n_models, "n_models", 1)
    a = as_index(model_a, "model_a", size=k)
    b = as_index(model_b, "model_b", size=k, length=a.shape[0])
    yy = np.asarray(y, dtype=np.float64).reshape(-1)
    yh = as_float(yhat, "yhat", length=a.shape[0])
    labelled = np.isfinite(yy)
    out: list[PPIMean | None] = []
    for m in range(k):
        as_a, as_b = a == m, b == m
        share = np.where(as_a, yy, 1.0 - yy)
        share_hat = np.where(as_a, yh, 1.0 - yh)
        mine = as_a | as_b
        lab, unl = mine & labelled, mine & ~labelled
        if lab.sum() < 2:
            out.append(None)
            continue
        out.append(
            ppi_mean(
                share[lab],
                share_hat[lab],
                share_hat[unl],
                ci=ci,
                cross_fit=cross_fit,
                random_state=random_state,
            )
        )
    return out
