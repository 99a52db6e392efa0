#!/usr/bin/env python3
"""The second Python original (ezprogramming/kohonen, src/kohonen/som.py, SelfOrganizingMap.train) re-implemented.

Our own code, same maths and the same numpy work as the original's default path
(batch_size=None, "fully vectorised"):
  * weights ~ U[0,1)^(W x H x D); learning_rate0 = 0.1; sigma0 = max(W, H) / 2
  * lambda = n_iterations / ln(sigma0); iteration t (0-based):
      sigma_t = sigma0 exp(-t/lambda), alpha_t = alpha0 exp(-t/lambda)
  * per iteration: BMUs of ALL samples against the current weights, computed
    once with one (N, W*H, D) broadcast array; then for every sample in order
      infl = exp(-((gx-bx)^2 + (gy-by)^2) / (2 sigma_t^2))   (full grid)
      weights += alpha_t * infl[..., None] * (x - weights)   (in place)
    i.e. the BMUs are stale within an iteration (computed before its updates).
  * quantization error (mean Euclidean distance to BMU, BMUs again via the
    (N, W*H, D) broadcast, then a Python loop over samples) is evaluated at
    t % max(1, n_iterations // 10) == 0 and once at the end, as the original's
    train() does; these evaluations are part of the timed call, as in the
    original's published timings.
With --batch-size B the original's other path is used instead: samples are walked
in chunks of B and each sample's BMU is found just before its own update
(plain online SOM); the periodic QE is unchanged.

Memory note: the (N, W*H, D) float64 temporary is N*W*H*D*8 bytes; for
100000 x 1600 x 64 that is ~82 GB, so the original cannot run W3 on this machine.

Prints one JSON line: qe/te from the common evaluator, seed_qe = the original's own
final quantization error.
"""
import argparse

import numpy as np

import common


def _bmus_all(data, weights):
    w_flat = weights.reshape(-1, weights.shape[-1])
    diff_sq = (data[:, None, :] - w_flat[None, :, :]) ** 2     # (N, W*H, D)
    return np.argmin(diff_sq.sum(axis=2), axis=1)


def _seed_qe(data, weights, width, height):
    idx = _bmus_all(data, weights)
    coords = np.array(np.unravel_index(idx, (width, height))).T
    errs = np.zeros(data.shape[0])
    for i, (x, y) in enumerate(coords):
        errs[i] = np.sqrt(np.sum((data[i] - weights[x, y]) ** 2))
    return float(np.mean(errs))


def train_mlflow_som(data, width, height, n_iter, seed=0, alpha0=0.1, batch_size=None,
                run_iterations=None, init=None):
    dim = data.shape[1]
    if init is None:
        weights = np.random.default_rng(seed).random((width, height, dim))
    else:
        weights = np.array(init, dtype=np.float64).reshape(width, height, dim)
    sigma0 = max(width, height) / 2.0
    lam = n_iter / np.log(sigma0)
    gx, gy = np.meshgrid(np.arange(width), np.arange(height), indexing="ij")
    n = data.shape[0]
    qe_history = []
    every = max(1, n_iter // 10)
    n_run = n_iter if run_iterations is None else run_iterations

    for t in range(n_run):
        sig = sigma0 * np.exp(-t / lam)
        alpha = alpha0 * np.exp(-t / lam)
        if batch_size is None or batch_size >= n:
            bmu = _bmus_all(data, weights)
            bx, by = np.unravel_index(bmu, (width, height))
            for i in range(n):
                d_sq = (gx - bx[i]) ** 2 + (gy - by[i]) ** 2
                infl = np.exp(-d_sq / (2 * sig ** 2)).reshape(width, height, 1)
                weights += alpha * infl * (data[i] - weights)
        else:
            w_flat = weights.reshape(-1, dim)   # view: sees the in-place updates
            for s in range(0, n, batch_size):
                for v in data[s:s + batch_size]:
                    k = np.argmin(np.sum((w_flat - v) ** 2, axis=1))
                    bx1, by1 = np.unravel_index(k, (width, height))
                    d_sq = (gx - bx1) ** 2 + (gy - by1) ** 2
                    infl = np.exp(-d_sq / (2 * sig ** 2)).reshape(width, height, 1)
                    weights += alpha * infl * (v - weights)
        if t % every == 0:
            qe_history.append(_seed_qe(data, weights, width, height))
    final_qe = _seed_qe(data, weights, width, height)
    qe_history.append(final_qe)
    return weights, final_qe, qe_history


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--grid", type=int, nargs=2, required=True, metavar=("W", "H"))
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--run-iterations", type=int, default=None,
                    help="run only this many iterations and extrapolate time linearly")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", default=None,
                    help="initial codebook name in /tmp/peerdata (else U[0,1) from --seed)")
    a = ap.parse_args()

    data = common.load(a.data)
    w, h = a.grid
    partial = a.run_iterations is not None and a.run_iterations < a.iterations
    rec = {
        "peer": "mlflow_som_numpy" + ("" if a.batch_size is None else f"_bs{a.batch_size}"),
        "workload": a.workload,
        "grid": f"{w}x{h}",
        "n_samples": int(data.shape[0]),
        "dim": int(data.shape[1]),
        "iterations": a.iterations,
        "updates": int(data.shape[0]) * a.iterations,
        "bmu_temp_bytes": int(data.shape[0]) * w * h * int(data.shape[1]) * 8,
    }
    try:
        with common.Timer() as t:
            weights, seed_qe, _ = train_mlflow_som(data, w, h, a.iterations, a.seed,
                                              batch_size=a.batch_size,
                                              run_iterations=a.run_iterations if partial else None,
                                              init=None if a.init is None else common.load(a.init))
    except MemoryError as e:
        rec.update({"seconds": None, "qe": None, "te": None, "threads": 1,
                    "error": f"MemoryError: {e}", "peak_rss_mb": common.peak_rss_mb()})
        common.emit(rec)
        return
    rss = common.peak_rss_mb()   # training peak (evaluation below allocates more)
    qe, te = common.qe_te(data, weights)
    if partial:
        scale = a.iterations / a.run_iterations
        rec.update({"seconds": t.wall * scale, "extrapolated": True,
                    "measured_seconds": t.wall, "measured_iterations": a.run_iterations,
                    "qe": None, "te": None, "qe_after_measured": qe, "te_after_measured": te,
                    "cpu_seconds": t.cpu * scale})
    else:
        rec.update({"seconds": t.wall, "extrapolated": False, "qe": qe, "te": te,
                    "seed_qe": seed_qe, "cpu_seconds": t.cpu})
    rec.update({"threads": 1, "peak_rss_mb": rss, "dtype": "float64",
                "init": a.init or f"U[0,1) seed {a.seed}"})
    common.emit(rec)


if __name__ == "__main__":
    main()
