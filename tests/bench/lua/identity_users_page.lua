-- GET /api/v1/users?limit=20: a page of the directory, as random bench
-- users; one request in ten asks for the first page, the others for the page
-- after a random user (cursors in users_cursors.txt, made by run.sh).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 20000, function()
    local tokens = bench.tokens()
    local cursors = bench.lines("users_cursors.txt")
    return function()
        local path = "/api/v1/users?limit=20"
        if #cursors > 0 and math.random(10) > 1 then
            path = path .. "&cursor=" .. bench.pick(cursors)
        end
        return wrk.format("GET", path, { Authorization = bench.pick(tokens).auth })
    end
end)
