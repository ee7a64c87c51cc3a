-- POST /api/v1/auth/login as random bench users (password demo123): the
-- cost is the argon2id verification, bounded by LOGIN_HASH_CONCURRENCY.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local reqs, n, i = {}, 0, 0

function init(args)
    bench.seed()
    local names = bench.lines("login_users.txt")
    for k = 1, 2000 do
        local body = string.format('{"username":"%s","password":"demo123"}', bench.pick(names))
        reqs[k] = wrk.format("POST", "/api/v1/auth/login",
            { ["Content-Type"] = "application/json" }, body)
    end
    n = #reqs
end

function request()
    i = i % n + 1
    return reqs[i]
end

-- Logins are few per second: always count every non-2xx answer.
function response(status)
    bench.count_status(status)
end
