-- GET /api/v1/leave-requests?to_approve=true: a random bench section
-- chief reads the first page of the requests waiting for them (each has
-- 40; tests/bench/sql/attendance.sql).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 20000, function()
    local chiefs = bench.tokens("chiefs.tsv")
    return function()
        return wrk.format("GET", "/api/v1/leave-requests?to_approve=true",
            { Authorization = bench.pick(chiefs).auth })
    end
end)
