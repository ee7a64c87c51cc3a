-- Request -> approve -> stamp: bench staff ask to use a random bench seal
-- (POST /api/v1/seal-requests), the approver the answer names (the chief of
-- the seal's section) approves, and the custodian it names stamps once. A
-- unit is one stamped request; every answer that is not 2xx is counted.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local users, seals, leaders = {}, {}, {}
local queue, qhead, qtail = {}, 1, 0
local created = 0

function init(args)
    bench.seed()
    units = 0
    users = bench.tokens()
    for _, line in ipairs(bench.lines("seals.txt")) do
        seals[#seals + 1] = line
    end
    for _, f in ipairs({ "chiefs.tsv", "custodians.tsv" }) do
        for _, t in ipairs(bench.tokens(f)) do
            leaders[t.id] = t.auth
        end
    end
end

local function push(job)
    qtail = qtail + 1
    queue[qtail] = job
end

function request()
    if qhead <= qtail then
        local job = queue[qhead]
        queue[qhead] = nil
        qhead = qhead + 1
        return wrk.format("POST", "/api/v1/seal-requests/" .. job.id .. "/" .. job.action,
            { Authorization = leaders[job.who], ["Content-Type"] = "application/json" },
            job.body)
    end
    created = created + 1
    local body = string.format(
        '{"seal_id":%s,"matter":"general","document_number":"压测〔2026〕%d-%d号","content":"压测：用印申请","using_unit":"船营区人民政府办公室","copies":2}',
        bench.pick(seals), thread_no or 1, created)
    return wrk.format("POST", "/api/v1/seal-requests",
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
        local approver = tonumber(body:match('"approver_ids"%s*:%s*%[%s*(%d+)'))
        if id and approver and leaders[approver] then
            push({ id = id, action = "approve", who = approver, body = '{"comment":"同意"}' })
        else
            non2xx = non2xx + 1
        end
    elseif state == "approved" then
        local custodian = tonumber(body:match('"custodian_id"%s*:%s*(%d+)'))
        if id and custodian and leaders[custodian] then
            push({ id = id, action = "stamp", who = custodian, body = '{"count":1}' })
        else
            non2xx = non2xx + 1
        end
    elseif state == "stamped" then
        units = units + 1
    else
        non2xx = non2xx + 1
    end
end
