-- GET /api/v1/leave-requests?to_approve=true: a random bench section
-- chief reads the first page of the requests waiting for them (each has
-- 40; tests/bench/sql/attendance.sql).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local reqs, n, i = {}, 0, 0

function init(args)
    bench.seed()
    local chiefs = bench.tokens("chiefs.tsv")
    for k = 1, 20000 do
        reqs[k] = wrk.format("GET", "/api/v1/leave-requests?to_approve=true",
            { Authorization = bench.pick(chiefs).auth })
    end
    n = #reqs
    if not bench.strict then
        response = nil
    end
end

function request()
    i = i % n + 1
    return reqs[i]
end

function response(status)
    bench.count_status(status)
end
