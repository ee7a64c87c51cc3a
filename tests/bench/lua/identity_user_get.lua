-- GET /api/v1/users/{id}: a random bench user's token reads a random user
-- (ids BENCH_USER_MIN..BENCH_USER_MAX). Requests are built in init(), so
-- that wrk spends its CPU sending, not formatting.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 20000, function()
    local tokens = bench.tokens()
    local lo = tonumber(os.getenv("BENCH_USER_MIN"))
    local hi = tonumber(os.getenv("BENCH_USER_MAX"))
    return function()
        return wrk.format("GET", "/api/v1/users/" .. math.random(lo, hi),
            { Authorization = bench.pick(tokens).auth })
    end
end)
