-- (a) Durable run creations: POST /automations/{id}/run with a JSON body. The URL given to wrk
-- is the run endpoint; the API key comes after `--`. wrk counts answers >= 400 as non-2xx; the
-- API answers 201, so any other status shows up there.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
local report = require("report")

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"url": "https://example.com/bench/input.mp4", "metadata": {"bench": "api"}}'
end

done = report.done
