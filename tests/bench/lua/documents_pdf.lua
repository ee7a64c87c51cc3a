-- GET /api/v1/documents/{id}/pdf: the official PDF of an issued document
-- (GB/T 9704-2012 layout), one page each; req/s is pages per second.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 2000, function()
    local auth = bench.tokens("doc_secretariat.tsv")[1].auth
    local ids = bench.lines("pdf_ids.txt")
    return function()
        return wrk.format("GET", "/api/v1/documents/" .. bench.pick(ids) .. "/pdf",
            { Authorization = auth })
    end
end)
