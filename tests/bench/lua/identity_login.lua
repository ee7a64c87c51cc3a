-- POST /api/v1/auth/login as random bench users (password demo123): the
-- cost is the argon2id verification, bounded by LOGIN_HASH_CONCURRENCY.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

-- Logins are few per second: every answer is checked.
bench.replay(_G, 2000, function()
    local names = bench.lines("login_users.txt")
    return function()
        local body = string.format('{"username":"%s","password":"demo123"}', bench.pick(names))
        return wrk.format("POST", "/api/v1/auth/login",
            { ["Content-Type"] = "application/json" }, body)
    end
end, true)
