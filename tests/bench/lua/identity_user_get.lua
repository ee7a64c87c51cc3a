-- GET /api/v1/users/{id}: a random bench user's token reads a random user
-- (ids BENCH_USER_MIN..BENCH_USER_MAX). Requests are built in init(), so
-- that wrk spends its CPU sending, not formatting.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local reqs, n, i = {}, 0, 0

function init(args)
    bench.seed()
    local tokens = bench.tokens()
    local lo = tonumber(os.getenv("BENCH_USER_MIN"))
    local hi = tonumber(os.getenv("BENCH_USER_MAX"))
    for k = 1, 20000 do
        reqs[k] = wrk.format("GET", "/api/v1/users/" .. math.random(lo, hi),
            { Authorization = bench.pick(tokens).auth })
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
