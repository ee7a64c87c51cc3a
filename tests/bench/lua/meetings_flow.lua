-- A director's meeting's whole life (R-MTG-1..9): the director convenes it
-- (urgent, so that no overdue decision is proposed into it), the secretariat
-- submits a topic of 综合科, its supervising deputy approves it, the
-- secretariat publishes the agenda, the recorder marks the director, every
-- deputy director, the presenter and himself present, the director starts
-- it (the quorum check), the recorder records a decision and the minutes and
-- closes it (publishing the decision). A unit is one closed meeting; every
-- answer that is not 2xx is counted.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local auth = {}
local conf = {}
local present = {}
local topic_of = {}
local queue, qhead, qtail = {}, 1, 0
local created = 0
local J = { ["Content-Type"] = "application/json" }

function init(args)
    bench.seed()
    units = 0
    -- director, wenmi_chief, wenmi1, deputy2, in this order
    local t = bench.tokens("meeting_people.tsv")
    auth.director, auth.recorder, auth.clerk, auth.deputy = t[1].auth, t[2].auth, t[3].auth, t[4].auth
    for _, line in ipairs(bench.lines("meeting_flow.txt")) do
        local k, v = line:match("^(%w+)=(%S+)$")
        if k then
            conf[k] = v
        end
    end
    for id in conf.present:gmatch("%d+") do
        present[#present + 1] = id
    end
end

local function push(step)
    qtail = qtail + 1
    queue[qtail] = step
end

local function req(who, path, body)
    return wrk.format("POST", path, { Authorization = auth[who], ["Content-Type"] = J["Content-Type"] },
        body or "{}")
end

-- The steps after each answer: what was answered decides what comes next.
function request()
    if qhead <= qtail then
        local s = queue[qhead]
        queue[qhead] = nil
        qhead = qhead + 1
        return req(s.who, s.path, s.body)
    end
    created = created + 1
    return req("director", "/api/v1/meetings", string.format(
        '{"title":"压测：主任会议%d-%d","kind":"urgent","scheduled_at":"2030-01-07T09:00:00+08:00","location":"第一会议室","participant_ids":[]}',
        thread_no or 1, created))
end

function response(status, headers, body)
    if status ~= 200 and status ~= 201 then
        non2xx = non2xx + 1
        return
    end
    local kind = body:match('"kind"%s*:%s*"(%a+)"')
    local state = body:match('"state"%s*:%s*"([%a_]+)"')
    local id = body:match('"id"%s*:%s*(%d+)')
    if body:match('"explanation"') then
        -- a topic: proposed -> approve; approved -> publish the agenda
        local mid = body:match('"meeting_id"%s*:%s*(%d+)')
        topic_of[mid] = id
        if state == "proposed" then
            push({ who = "deputy", path = "/api/v1/topics/" .. id .. "/approve", body = '{"comment":"同意"}' })
        elseif state == "approved" then
            push({ who = "clerk", path = "/api/v1/meetings/" .. mid .. "/publish-agenda" })
        end
    elseif body:match('"requirements"') then
        local mid = body:match('"meeting_id"%s*:%s*(%d+)')
        push({ who = "recorder", path = "/api/v1/meetings/" .. mid .. "/minutes", body = '{"text":"压测：会议纪要"}' })
    elseif kind then
        local version = tonumber(body:match('"version"%s*:%s*(%d+)'))
        if state == "planned" then
            push({ who = "clerk", path = "/api/v1/meetings/" .. id .. "/topics", body = string.format(
                '{"title":"压测议题","category":"general","department_id":%s,"presenter_id":%s,"summary":"s","explanation":"e","recommendation":"r"}',
                conf.department, conf.presenter) })
        elseif state == "agenda_published" then
            -- publish answers at version 2; each mark adds one; then start
            local marked = version - 2
            if marked < #present then
                push({ who = "recorder", path = "/api/v1/meetings/" .. id .. "/attendance",
                    body = string.format('{"user_id":%s,"present":true}', present[marked + 1]) })
            else
                push({ who = "director", path = "/api/v1/meetings/" .. id .. "/start" })
            end
        elseif state == "in_progress" then
            if body:match('"minutes"%s*:%s*"') then
                push({ who = "recorder", path = "/api/v1/meetings/" .. id .. "/close" })
            else
                push({ who = "recorder", path = "/api/v1/meetings/" .. id .. "/decisions", body = string.format(
                    '{"topic_id":%s,"text":"压测：决定","responsible_id":%s,"deadline":"2030-06-30","requirements":"按期办结"}',
                    topic_of[id] or "0", conf.presenter) })
                topic_of[id] = nil
            end
        elseif state == "closed" then
            units = units + 1
        else
            non2xx = non2xx + 1
        end
    else
        non2xx = non2xx + 1
    end
end
