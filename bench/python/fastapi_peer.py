#!/usr/bin/env python3
"""A stand-in for the first Python original's model server: FastAPI + numpy, same routes and JSON shapes
(POST /predict-bmu {"data":[...]} -> {"bmu_x","bmu_y"}; POST /predict-batch; GET /model-info).
Written here for side-by-side load tests; run: /usr/bin/python3 fastapi_peer.py PORT [W H D]."""
import sys
import numpy as np
from typing import List
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
import uvicorn

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8001
W, H, D = (int(v) for v in sys.argv[2:5]) if len(sys.argv) >= 5 else (50, 50, 3)
rng = np.random.default_rng(42)
weights = rng.random((W, H, D))
flat = weights.reshape(-1, D)

class PredictRequest(BaseModel):
    data: List[float]

class BatchPredictRequest(BaseModel):
    data: List[List[float]]

class PredictResponse(BaseModel):
    bmu_x: int
    bmu_y: int

class BatchPredictResponse(BaseModel):
    results: List[PredictResponse]

app = FastAPI()

@app.get("/health")
async def health():
    return {"status": "healthy"}

@app.get("/model-info")
async def model_info():
    return {"width": W, "height": H, "input_dim": D}

def bmu(v):
    i = int(np.argmin(np.sum((flat - v) ** 2, axis=1)))
    x, y = np.unravel_index(i, (W, H))
    return int(x), int(y)

@app.post("/predict-bmu", response_model=PredictResponse)
async def predict_bmu(req: PredictRequest):
    v = np.array(req.data)
    if v.shape[0] != D:
        raise HTTPException(status_code=400, detail=f"Input dimension mismatch. Expected {D}, got {v.shape[0]}")
    x, y = bmu(v)
    return PredictResponse(bmu_x=x, bmu_y=y)

@app.post("/predict-batch", response_model=BatchPredictResponse)
async def predict_batch(req: BatchPredictRequest):
    data = np.array(req.data)
    if data.ndim != 2 or data.shape[1] != D:
        raise HTTPException(status_code=400, detail="Input dimension mismatch")
    return BatchPredictResponse(results=[PredictResponse(bmu_x=a, bmu_y=b) for a, b in (bmu(v) for v in data)])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
