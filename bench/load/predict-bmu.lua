-- wrk script: POST /predict-bmu with one 3-feature vector (the Python original's request).
wrk.method = "POST"
wrk.body = '{"data":[0.2,0.5,0.8]}'
wrk.headers["Content-Type"] = "application/json"
