-- GET /api/v1/documents?q=: the secretariat finds documents by a piece of
-- the title (two words of the vocabulary) or of the number (a year and a
-- sequence), through the trigram index.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local function escape(s)
    return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

bench.replay(_G, 20000, function()
    local auth = bench.tokens("doc_secretariat.tsv")[1].auth
    local terms = bench.lines("search_terms.txt")
    return function()
        local q
        if math.random(2) == 1 then
            q = string.format("〔%d〕%d号", math.random(2021, 2025), math.random(1, 1500))
        else
            q = bench.pick(terms) .. "和" .. bench.pick(terms)
        end
        return wrk.format("GET", "/api/v1/documents?q=" .. escape(q),
            { Authorization = auth })
    end
end)
