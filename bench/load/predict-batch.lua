-- wrk script: POST /predict-batch with 1,000 random 3-feature vectors (the same body every request).
math.randomseed(42)
local rows = {}
for i = 1, 1000 do
  rows[i] = string.format("[%.6f,%.6f,%.6f]", math.random(), math.random(), math.random())
end
wrk.method = "POST"
wrk.body = '{"data":[' .. table.concat(rows, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"

-- Count non-2xx answers, so a failing server cannot look fast.
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
