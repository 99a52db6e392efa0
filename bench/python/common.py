"""Shared helpers for the reference benchmarks (our own code, none of the originals').

- dataset loading from /tmp/peerdata (written by gen_data.py)
- one common quality evaluator (QE, TE) applied to every peer's final codebook
- JSON result line emission with wall time, CPU time and peak RSS

Definitions used for every peer:
  QE = mean over samples of the Euclidean distance to the best matching unit.
  TE = fraction of samples whose best and second-best units are NOT neighbours
       on the rectangular grid, neighbours meaning the 8-neighbourhood
       (Chebyshev grid distance 1), which is what MiniSom's rectangular
       topographic_error counts (grid distance <= 1.42).
"""
import json
import os
import resource
import sys
import time

import numpy as np

DATA_DIR = os.environ.get("PEERDATA_DIR", "/tmp/peerdata")


def load(name):
    """Load /tmp/peerdata/<name>.npy as float64."""
    return np.load(os.path.join(DATA_DIR, name + ".npy")).astype(np.float64)


def best_two_units(data, flat_w, chunk=4096):
    """Return (best, second, best_dist) for each row of data against flat_w (K, D)."""
    n = data.shape[0]
    w_sq = np.einsum("kd,kd->k", flat_w, flat_w)
    best = np.empty(n, dtype=np.int64)
    second = np.empty(n, dtype=np.int64)
    for s in range(0, n, chunk):
        x = data[s:s + chunk]
        # squared distances up to the per-row constant |x|^2 (does not change ranking)
        d2 = w_sq[None, :] - 2.0 * (x @ flat_w.T)
        if flat_w.shape[0] >= 2:
            two = np.argpartition(d2, 1, axis=1)[:, :2]
            rows = np.arange(x.shape[0])[:, None]
            order = np.argsort(d2[rows, two], axis=1)
            two = two[rows, order]
            best[s:s + chunk] = two[:, 0]
            second[s:s + chunk] = two[:, 1]
        else:
            best[s:s + chunk] = 0
            second[s:s + chunk] = 0
    # exact distances to the BMU (avoids cancellation error of the expansion above)
    best_dist = np.sqrt(((data - flat_w[best]) ** 2).sum(axis=1))
    return best, second, best_dist


def qe_te(data, weights):
    """weights: array (rows, cols, D). Returns (qe, te) as Python floats."""
    rows, cols, dim = weights.shape
    flat = weights.reshape(rows * cols, dim).astype(np.float64)
    best, second, dist = best_two_units(np.asarray(data, dtype=np.float64), flat)
    qe = float(dist.mean())
    if rows * cols < 2:
        return qe, None
    br, bc = np.divmod(best, cols)
    sr, sc = np.divmod(second, cols)
    cheb = np.maximum(np.abs(br - sr), np.abs(bc - sc))
    te = float((cheb > 1).mean())
    return qe, te


class Timer:
    """Wall clock and process CPU time around the training call only."""

    def __enter__(self):
        self.w0 = time.perf_counter()
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.c0 = r.ru_utime + r.ru_stime
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w0
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = r.ru_utime + r.ru_stime - self.c0
        return False


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux; this is the process's whole-life peak RSS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def emit(record):
    """Print one JSON line (the contract shared by all peer scripts)."""
    out = {}
    for k, v in record.items():
        if isinstance(v, (np.floating,)):
            v = float(v)
        elif isinstance(v, (np.integer,)):
            v = int(v)
        if isinstance(v, float):
            v = float(f"{v:.7g}")   # 7 significant digits
        out[k] = v
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def machine_info():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model}
