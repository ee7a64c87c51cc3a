-- Create -> approve -> complete: bench staff ask for a large print job on
-- their section's printer (POST /api/v1/print-jobs, over the configured
-- sheet count, so it needs a signature, R-PRN-3), a signer the answer names
-- (the section's supervising deputy director) approves it, and the
-- requester, office staff of the section that runs it (R-PRN-1, R-PRN-6),
-- completes it with the real figures, which enter the copy register. A unit
-- is one completed job; every answer that is not 2xx is counted.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local users, auth_of, signers = {}, {}, {}
local queue, qhead, qtail = {}, 1, 0
local created = 0
-- 10 pages x 30 copies = 300 sheets, over the default 200 (PRINT_LARGE_JOB_SHEETS).
local COPIES = 30

function init(args)
    bench.seed()
    units = 0
    users = bench.tokens()
    for _, t in ipairs(users) do
        auth_of[t.id] = t.auth
    end
    for _, t in ipairs(bench.tokens("deputies.tsv")) do
        signers[t.id] = t.auth
    end
end

local function push(id, action, auth, body)
    qtail = qtail + 1
    queue[qtail] = { id = id, action = action, auth = auth, body = body }
end

function request()
    if qhead <= qtail then
        local job = queue[qhead]
        queue[qhead] = nil
        qhead = qhead + 1
        return wrk.format("POST", "/api/v1/print-jobs/" .. job.id .. "/" .. job.action,
            { Authorization = job.auth, ["Content-Type"] = "application/json" }, job.body)
    end
    created = created + 1
    local body = string.format(
        '{"kind":"print","title":"压测：会议材料 %d-%d","pages":10,"copies":%d}',
        thread_no or 1, created, COPIES)
    return wrk.format("POST", "/api/v1/print-jobs",
        { Authorization = bench.pick(users).auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
    if status ~= 200 and status ~= 201 then
        non2xx = non2xx + 1
        return
    end
    local id = body:match('"id"%s*:%s*(%d+)')
    local state = body:match('"state"%s*:%s*"(%a+)"')
    if state == "pending" then
        local ids = body:match('"approver_ids"%s*:%s*%[([%d,%s]*)%]')
        local signer
        for a in (ids or ""):gmatch("%d+") do
            signer = signer or signers[tonumber(a)]
        end
        if id and signer then
            push(id, "approve", signer, '{"comment":"同意"}')
        else
            non2xx = non2xx + 1
        end
    elseif state == "ready" then
        local owner = auth_of[tonumber(body:match('"requester_id"%s*:%s*(%d+)') or "0")]
        if id and owner then
            push(id, "complete", owner,
                string.format('{"actual_pages":10,"actual_copies":%d}', COPIES))
        else
            non2xx = non2xx + 1
        end
    elseif state == "completed" then
        units = units + 1
    else
        non2xx = non2xx + 1
    end
end
