-- GET /api/v1/copy-register?department_id=&from=&to=: an office leader (a
-- bench deputy director) reads the first page of one department's copy
-- register (R-PRN-3) for a random year of 2021-2025: 综合科 holds half of
-- the register (100 000 entries a year at full scale), the bench sections
-- the rest.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

bench.replay(_G, 20000, function()
    local readers = bench.tokens("deputies.tsv")
    local depts = bench.lines("register_departments.txt")
    return function()
        local y = math.random(2021, 2025)
        -- Half of the reads are of the large department (the first line).
        local d = math.random(2) == 1 and depts[1] or bench.pick(depts)
        local path = string.format(
            "/api/v1/copy-register?department_id=%s&from=%04d-01-01&to=%04d-12-31", d, y, y)
        return wrk.format("GET", path, { Authorization = bench.pick(readers).auth })
    end
end)
