-- GET /api/v1/supervision-report: a bench deputy director reads the first
-- page of the supervision report (督办, R-MTG-9) over 100 000 decisions,
-- with its totals per light: unfiltered, by light, by department, or both.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 20000, function()
    local readers = bench.tokens("deputies.tsv")
    local depts = bench.lines("report_departments.txt")
    local lights = { "red", "yellow", "green", "done" }
    return function()
        local q = {}
        local r = math.random(4)
        if r == 2 or r == 4 then
            q[#q + 1] = "light=" .. bench.pick(lights)
        end
        if r >= 3 then
            q[#q + 1] = "department_id=" .. bench.pick(depts)
        end
        local path = "/api/v1/supervision-report"
        if #q > 0 then
            path = path .. "?" .. table.concat(q, "&")
        end
        return wrk.format("GET", path, { Authorization = bench.pick(readers).auth })
    end
end)
