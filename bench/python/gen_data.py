#!/usr/bin/env python3
"""Write the deterministic benchmark datasets into /tmp/peerdata/ (or $PEERDATA_DIR).

For every dataset NAME this writes
  NAME.npy   float64 array (values already rounded to float32 precision, so a
             float32 reader such as Somoclu sees exactly the same numbers)
  NAME.txt   Somoclu dense text format: one sample per line, space separated
Initial codebooks 
are written the same way with shape (rows, cols, dim) in the .npy and
rows*cols lines (row-major: row index outer, column index inner) in the .txt.
manifest.json lists shapes and sha256 of every .npy so another implementation
(e.g. the C# one) can check it is reading identical data.

Usage: /usr/bin/python3 gen_data.py [--skip-text] [--large]

--large also writes two float32 files for the batch-map figures of docs/performance.md (no text
form): blobs_16k_300 (16,000 x 300, 20 clusters) and blobs_10m_16 (10,000,000 x 16, 8 clusters,
640 MB, written a million rows at a time), the data those figures were measured on in kind (the
same sizes and cluster counts), not byte for byte.
"""
import argparse
import hashlib
import json
import os

import numpy as np

OUT = os.environ.get("PEERDATA_DIR", "/tmp/peerdata")


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def save(name, arr, manifest, text=True, note=""):
    arr = f32(arr)
    path = os.path.join(OUT, name + ".npy")
    np.save(path, arr)
    if text:
        flat = arr.reshape(-1, arr.shape[-1])
        np.savetxt(os.path.join(OUT, name + ".txt"), flat, fmt="%.9g", delimiter=" ")
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest[name] = {"shape": list(arr.shape), "sha256_npy": digest, "note": note}
    print(f"wrote {name}: shape {arr.shape}")


def clusters(rng, rows, dim, k, spread):
    """Rows of k Gaussian clusters (centres U(0.2, 0.8), the given sd), clipped to [0, 1], float32."""
    centers = rng.uniform(0.2, 0.8, size=(k, dim))
    labels = rng.integers(0, k, size=rows)
    return np.clip(centers[labels] + rng.normal(0.0, spread, size=(rows, dim)), 0.0, 1.0).astype(np.float32)


def write_large(manifest):
    """The two float32 files of --large; their sha256 in the manifest like the others."""
    path = os.path.join(OUT, "blobs_16k_300.npy")
    np.save(path, clusters(np.random.default_rng(4), 16_000, 300, 20, 0.05))
    record(manifest, "blobs_16k_300", path, [16_000, 300], "16000 x 300 float32, 20 clusters")

    path = os.path.join(OUT, "blobs_10m_16.npy")
    rows, dim, step = 10_000_000, 16, 1_000_000
    rng = np.random.default_rng(5)
    centers = rng.uniform(0.2, 0.8, size=(8, dim))
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, dim))
    for start in range(0, rows, step):
        labels = rng.integers(0, 8, size=step)
        out[start:start + step] = np.clip(centers[labels] + rng.normal(0.0, 0.05, size=(step, dim)), 0.0, 1.0)
    out.flush()
    del out
    record(manifest, "blobs_10m_16", path, [rows, dim], "10000000 x 16 float32, 8 clusters")


def record(manifest, name, path, shape, note):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            digest.update(block)
    manifest[name] = {"shape": shape, "sha256_npy": digest.hexdigest(), "note": note}
    print(f"wrote {name}: shape {tuple(shape)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-text", action="store_true")
    ap.add_argument("--large", action="store_true",
                    help="also write blobs_16k_300 and blobs_10m_16 (float32, 640 MB for the latter)")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    text = not args.skip_text
    m = {}

    # W1 colors: 20 random RGB colours in [0,1)^3
    colors = np.random.default_rng(0).random((20, 3))
    save("colors", colors, m, text, "W1: 20 RGB colours, default_rng(0).random")
    save("init_colors_100x100", np.random.default_rng(100).random((100, 100, 3)), m, text,
         "W1 initial codebook U[0,1) (Somoclu -c)")

    # W2 seed1-table: 1000 uniform samples in [0,1)^3
    s1 = np.random.default_rng(1).random((1000, 3))
    save("seed1_1000x3", s1, m, text, "W2: 1000 x 3 U[0,1), default_rng(1)")
    for g in (10, 30, 50):
        save(f"init_seed1_{g}x{g}", np.random.default_rng(101 + g).random((g, g, 3)), m, text,
             f"W2 initial codebook {g}x{g} U[0,1) (Somoclu -c)")

    # W3 batch-100k: mixture of 10 Gaussian clusters in 64-d, shuffled order
    rng = np.random.default_rng(3)
    centers = rng.uniform(0.2, 0.8, size=(10, 64))
    labels = rng.integers(0, 10, size=100_000)
    blobs = np.clip(centers[labels] + rng.normal(0.0, 0.05, size=(100_000, 64)), 0.0, 1.0)
    save("blobs_100k_64", blobs, m, text,
         "W3: 100000 x 64, 10 clusters, centres U(0.2,0.8), sd 0.05, clipped to [0,1]")
    np.save(os.path.join(OUT, "blobs_100k_64_labels.npy"), labels.astype(np.int64))
    b = f32(blobs)
    pick = np.random.default_rng(102).choice(b.shape[0], 40 * 40, replace=False)
    save("init_blobs_40x40", b[pick].reshape(40, 40, 64), m, text,
         "W3 initial codebook: 1600 distinct random samples (shared by MiniSom and Somoclu)")

    if args.large:
        write_large(m)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(m, f, indent=1)
    print("manifest:", os.path.join(OUT, "manifest.json"))


if __name__ == "__main__":
    main()
