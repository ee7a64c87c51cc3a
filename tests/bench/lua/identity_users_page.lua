-- GET /api/v1/users?limit=20: a page of the directory, as random bench
-- users; one request in ten asks for the first page, the others for the page
-- after a random user (cursors in users_cursors.txt, made by run.sh).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local reqs, n, i = {}, 0, 0

function init(args)
    bench.seed()
    local tokens = bench.tokens()
    local cursors = bench.lines("users_cursors.txt")
    for k = 1, 20000 do
        local path = "/api/v1/users?limit=20"
        if #cursors > 0 and math.random(10) > 1 then
            path = path .. "&cursor=" .. bench.pick(cursors)
        end
        reqs[k] = wrk.format("GET", path, { Authorization = bench.pick(tokens).auth })
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
