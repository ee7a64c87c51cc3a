-- GET /api/v1/seal-usages?seal_id=&from=&to=: an office leader (a bench
-- deputy director) reads the first page of one demo seal's use log for a
-- random month of 2021-2025 (500 000 entries per seal at full scale,
-- ~8 000 a month).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("bench")
bench.install(_G)

local function last_day(y, m)
    local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
    if m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) then
        return 29
    end
    return days[m]
end

bench.replay(_G, 20000, function()
    local readers = bench.tokens("deputies.tsv")
    local seals = bench.lines("log_seals.txt")
    return function()
        local y, m = math.random(2021, 2025), math.random(12)
        local path = string.format(
            "/api/v1/seal-usages?seal_id=%s&from=%04d-%02d-01&to=%04d-%02d-%02d",
            bench.pick(seals), y, m, y, m, last_day(y, m))
        return wrk.format("GET", path, { Authorization = bench.pick(readers).auth })
    end
end)
