-- POST /api/v1/documents/{id}/assign-number: the secretariat numbers signed,
-- proofread documents of this year (R-DOC-5), every connection its own
-- documents, the number taken in the transaction that stores it. Each
-- answer is checked: a 2xx with a number counts as a unit.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local ids, auth, i, step = {}, nil, 0, 1

function init(args)
    bench.seed()
    units = 0
    ids = bench.lines("numbering_ids.txt")
    auth = bench.tokens("doc_secretariat.tsv")[1].auth
    -- Thread k takes ids k, k + T, k + 2T, ... of its run's share: a
    -- sixteenth of the ids (25 000), for the runs 0..15 of a scenario
    -- (run.sh uses 0..RUNS + 2 + 2 x BENCH_TWO_PAIRS + 1, 12 by default);
    -- a run that numbered past its share would meet numbered documents.
    step = tonumber(os.getenv("BENCH_THREADS") or "1")
    local run = tonumber(os.getenv("BENCH_RUN") or "0")
    i = run * math.floor(#ids / 16) + (thread_no or 1) - step
end

function request()
    i = i + step
    local id = ids[(i % #ids) + 1]
    return wrk.format("POST", "/api/v1/documents/" .. id .. "/assign-number",
        { Authorization = auth, ["Content-Type"] = "application/json" }, "{}")
end

function response(status, headers, body)
    if status == 200 and body:find('"doc_number"%s*:%s*"') then
        units = units + 1
    else
        non2xx = non2xx + 1
    end
end
