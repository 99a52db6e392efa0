#!/usr/bin/env python3
"""The first Python original (jaeyow/kohonen-som, app/algorithm/kohonen.py, Kohonen.fit) re-implemented.

Our own code, same maths and the same numpy work per sample:
  * codebook nodes ~ U[0,1)^(W x H x D)
  * sigma0 = max(W, H) / 2 ; lambda = iterations / ln(sigma0) ; alpha0 = 0.1
  * iteration k (0-based) uses sigma_k = sigma0 * exp(-k / lambda),
    alpha_k = alpha0 * exp(-k / lambda)  (the original updates them after each pass)
  * each iteration visits every input in stored order (online updates):
      dist   = sqrt(sum((nodes - x)^2, -1))          over the whole grid
      bmu    = unravel(argmin(dist))
      r      = sqrt(sum((grid_coords - bmu)^2, -1))   grid distance of every node
      infl   = exp(-r^2 / (2 sigma^2))                full Gaussian, no cut-off
      nodes  = nodes + alpha * infl[..., None] * (x - nodes)   (a new array, as in the original)
Not reproduced: the original's progress printing / matplotlib figures at 0, 25%,
50%, 75% and the last iteration (its 9.3 s headline includes that overhead).

Usage:
  lambda_som_numpy.py --workload colors --data colors --grid 100 100 --iterations 1000
  lambda_som_numpy.py --workload batch-100k --data blobs_100k_64 --grid 40 40 \
                 --iterations 10 --run-iterations 1      # time 1 of 10, extrapolate
Prints one JSON line.
"""
import argparse
import math

import numpy as np

import common


def train_lambda_som(data, width, height, iterations, run_iterations=None, seed=0, alpha0=0.1,
                init=None):
    dim = data.shape[1]
    if init is None:
        nodes = np.random.default_rng(seed).random((width, height, dim))
    else:
        nodes = np.array(init, dtype=np.float64).reshape(width, height, dim)
    grid = np.indices((width, height)).transpose((1, 2, 0))  # (W, H, 2) node coordinates

    sigma0 = max(width, height) / 2.0
    lam = iterations / np.log(sigma0)
    n_run = iterations if run_iterations is None else run_iterations

    for k in range(n_run):
        sigma = sigma0 * np.exp(-k / lam)
        alpha = alpha0 * np.exp(-k / lam)
        two_sigma_sq = 2.0 * sigma ** 2
        for x in data:
            dist = np.sqrt(np.sum((nodes - x) ** 2, axis=-1))
            bmu = np.array(np.unravel_index(np.argmin(dist), dist.shape))
            r = np.sqrt(np.sum((grid - bmu) ** 2, axis=-1))
            infl = np.exp(-(r ** 2) / two_sigma_sq)
            nodes = nodes + alpha * np.expand_dims(infl, -1) * (x - nodes)
    return nodes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True)
    ap.add_argument("--data", required=True, help="dataset name in /tmp/peerdata (no extension)")
    ap.add_argument("--grid", type=int, nargs=2, required=True, metavar=("W", "H"))
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--run-iterations", type=int, default=None,
                    help="run only this many of the iterations (schedule of the full run) "
                         "and extrapolate the time linearly")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", default=None,
                    help="initial codebook name in /tmp/peerdata (else U[0,1) from --seed)")
    a = ap.parse_args()

    data = common.load(a.data)
    w, h = a.grid
    partial = a.run_iterations is not None and a.run_iterations < a.iterations
    with common.Timer() as t:
        nodes = train_lambda_som(data, w, h, a.iterations, a.run_iterations if partial else None, a.seed,
                            init=None if a.init is None else common.load(a.init))
    rss = common.peak_rss_mb()   # training peak (evaluation below allocates more)
    qe, te = common.qe_te(data, nodes)
    rec = {
        "peer": "lambda_som_numpy",
        "workload": a.workload,
        "grid": f"{w}x{h}",
        "n_samples": int(data.shape[0]),
        "dim": int(data.shape[1]),
        "iterations": a.iterations,
        "updates": int(data.shape[0]) * a.iterations,
    }
    if partial:
        scale = a.iterations / a.run_iterations
        rec.update({
            "seconds": t.wall * scale,
            "extrapolated": True,
            "measured_seconds": t.wall,
            "measured_iterations": a.run_iterations,
            "qe": None, "te": None,
            "qe_after_measured": qe, "te_after_measured": te,
        })
    else:
        rec.update({"seconds": t.wall, "extrapolated": False, "qe": qe, "te": te})
    rec.update({
        "cpu_seconds": t.cpu if not partial else t.cpu * a.iterations / a.run_iterations,
        "threads": 1,
        "peak_rss_mb": rss,
        "init": a.init or f"U[0,1) seed {a.seed}",
        "dtype": "float64",
    })
    common.emit(rec)


if __name__ == "__main__":
    main()
