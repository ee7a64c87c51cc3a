-- Draft -> number: bench staff draft an office document (POST
-- /api/v1/documents) and submit it; the secretariat (wenmi1) forwards it to
-- the director, who signs; the secretariat finishes proofreading and
-- assigns the number (R-DOC-1 .. R-DOC-5). A unit is one numbered document;
-- every answer that is not 2xx is counted.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local staff, by_id = {}, {}
local secretariat, director, director_id
local queue, qhead, qtail = {}, 1, 0
local created = 0

function init(args)
    bench.seed()
    units = 0
    staff = bench.tokens()
    for _, t in ipairs(staff) do
        by_id[t.id] = t.auth
    end
    secretariat = bench.tokens("doc_secretariat.tsv")[1].auth
    local d = bench.tokens("doc_director.tsv")[1]
    director, director_id = d.auth, d.id
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
        return wrk.format("POST", "/api/v1/documents/" .. job.id .. "/" .. job.action,
            { Authorization = job.auth, ["Content-Type"] = "application/json" }, job.body)
    end
    created = created + 1
    local body = string.format(
        '{"issuer":"government_office","doc_type":"notice","title":"关于压测第%d-%d号事项的通知","body":"各科室：\\n现将有关事项通知如下。","main_recipients":"各科室","print_count":3}',
        thread_no or 1, created)
    return wrk.format("POST", "/api/v1/documents",
        { Authorization = bench.pick(staff).auth, ["Content-Type"] = "application/json" }, body)
end

local next_step = {
    draft = function(id, body)
        local creator = tonumber(body:match('"creator_id"%s*:%s*(%d+)'))
        return "submit", by_id[creator], "{}"
    end,
    secretariat_review = function()
        return "forward", secretariat, string.format('{"signer_id":%d}', director_id)
    end,
    awaiting_signoff = function()
        return "sign", director, "{}"
    end,
    proofreading = function()
        return "approve-proof", secretariat, "{}"
    end,
    proofread = function()
        return "assign-number", secretariat, "{}"
    end,
}

function response(status, headers, body)
    if status ~= 200 and status ~= 201 then
        non2xx = non2xx + 1
        return
    end
    local id = body:match('"id"%s*:%s*(%d+)')
    local state = body:match('"state"%s*:%s*"([%a_]+)"')
    if state == "numbered" then
        units = units + 1
        return
    end
    local step = next_step[state or ""]
    if not (id and step) then
        non2xx = non2xx + 1
        return
    end
    local action, auth, b = step(id, body)
    if not auth then
        non2xx = non2xx + 1
        return
    end
    push(id, action, auth, b)
end
