-- Create and approve: bench staff ask for half a day of leave (POST
-- /api/v1/leave-requests), and each request is then approved by the
-- approver its answer names (their section chief), from the next free
-- connection of the same wrk thread. A unit is one approved request; every
-- answer that is not 2xx is counted.
--
-- Each thread has its own users, and each user's next request takes the
-- next working day, from a base that differs per run (BENCH_RUN), so no two
-- requests of one person overlap (which the service refuses, 409).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local mine, chiefs = {}, {}
local queue, qhead, qtail = {}, 1, 0
local created = 0
local base_days = 0
-- 2030-01-07, a Monday, at noon UTC.
local MONDAY = 1894017600

local function working_day(w)
    local week, dow = math.floor(w / 5), w % 5
    return os.date("!%Y-%m-%d", MONDAY + (week * 7 + dow) * 86400)
end

function init(args)
    bench.seed()
    units = 0
    local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
    local no = thread_no or 1
    for k, t in ipairs(bench.tokens()) do
        if k % nthreads == no - 1 then
            mine[#mine + 1] = t
        end
    end
    for _, t in ipairs(bench.tokens("chiefs.tsv")) do
        chiefs[t.id] = t.auth
    end
    base_days = tonumber(os.getenv("BENCH_RUN") or "0") * 500
end

function request()
    if qhead <= qtail then
        local job = queue[qhead]
        queue[qhead] = nil
        qhead = qhead + 1
        return wrk.format("POST", "/api/v1/leave-requests/" .. job.id .. "/approve",
            { Authorization = chiefs[job.approver], ["Content-Type"] = "application/json" },
            '{"comment":"同意"}')
    end
    local user = mine[created % #mine + 1]
    local day = working_day(base_days + math.floor(created / #mine))
    created = created + 1
    local body = string.format(
        '{"kind":"private","reason":"压测：家中有事","start_date":"%s","start_half":"am","end_date":"%s","end_half":"am"}',
        day, day)
    return wrk.format("POST", "/api/v1/leave-requests",
        { Authorization = user.auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
    if status == 201 then
        local id = body:match('"id"%s*:%s*(%d+)')
        local approver = body:match('"current_approver_id"%s*:%s*(%d+)')
        if id and approver and chiefs[tonumber(approver)] then
            qtail = qtail + 1
            queue[qtail] = { id = id, approver = tonumber(approver) }
        else
            non2xx = non2xx + 1 -- an answer this scenario cannot follow
        end
    elseif status == 200 then
        units = units + 1
    else
        non2xx = non2xx + 1
    end
end
