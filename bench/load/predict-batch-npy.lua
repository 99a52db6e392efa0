-- wrk script: POST /predict-batch with 1,000 random 3-feature vectors as a NumPy .npy file (float32,
-- little-endian; the same body every request), asking for a .npy answer.
local ffi = require("ffi")
math.randomseed(42)
local rows = 1000
local values = ffi.new("float[?]", rows * 3)
for i = 0, rows * 3 - 1 do
  values[i] = math.random()
end
-- The header as NumPy writes it: magic, version 1.0, its length, the dictionary padded with spaces
-- and a newline so that the values start at a multiple of 64 bytes.
local dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" .. rows .. ", 3), }"
local length = 64 * math.ceil((10 + #dict + 1) / 64) - 10
local header = dict .. string.rep(" ", length - #dict - 1) .. "\n"
wrk.method = "POST"
wrk.body = "\147NUMPY\1\0" .. string.char(length % 256, math.floor(length / 256)) .. header
  .. ffi.string(values, rows * 3 * 4)
wrk.headers["Content-Type"] = "application/x-npy"
wrk.headers["Accept"] = "application/x-npy"

-- Count non-2xx answers, so a failing server cannot look fast.
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
