-- GET /api/v1/incoming?overdue=true: the secretariat's list of open items
-- past their deadline (R-DOC-9), the first page or one further on.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 5000, function()
    local auth = bench.tokens("doc_secretariat.tsv")[1].auth
    return function()
        return wrk.format("GET", "/api/v1/incoming?overdue=true&limit=20", { Authorization = auth })
    end
end)
