-- What every scenario script shares: loading the tokens and parameters that
-- run.sh prepared, seeding each wrk thread differently, and reporting the
-- run in one line that run.sh reads.
--
-- run.sh sets, for every scenario:
--   BENCH_DATA    directory with tokens.tsv ("user_id<TAB>token" lines) and
--                 the scenario's own files
--   BENCH_STRICT  1: count every answer that is not 2xx (a response()
--                 callback, which costs wrk some CPU); 0: rely on wrk's own
--                 count of statuses >= 400 (the API sends no 1xx or 3xx)
local M = {}

M.data = os.getenv("BENCH_DATA") or "."
M.strict = os.getenv("BENCH_STRICT") == "1"

-- Lines of a file, as a table (empty when the file is missing).
function M.lines(name)
    local t = {}
    local f = io.open(M.data .. "/" .. name, "r")
    if not f then
        return t
    end
    for line in f:lines() do
        if line ~= "" then
            t[#t + 1] = line
        end
    end
    f:close()
    return t
end

-- { {id = n, auth = "Bearer ..."}, ... } from a "user_id<TAB>token" file.
function M.tokens(name)
    local t = {}
    for _, line in ipairs(M.lines(name or "tokens.tsv")) do
        local id, tok = line:match("^(%d+)\t(%S+)$")
        if id then
            t[#t + 1] = { id = tonumber(id), auth = "Bearer " .. tok }
        end
    end
    return t
end

function M.pick(t)
    return t[math.random(#t)]
end

-- Installs setup() and done() in the calling script's globals. Each thread
-- gets its own number (its random seed); done() prints
--   wrk-result requests=N duration_us=N p50_us=N p99_us=N connect=N read=N
--   write=N status=N timeout=N non2xx=N [units=N]
-- where non2xx counts the answers outside 200..299 that the script saw
-- (wrk's own `status` counts those >= 400), and units, for scripts that set
-- the global `units`, what the scenario counts as done (a whole flow, say).
local threads = {}
local next_thread = 1

function M.install(env)
    env.setup = function(thread)
        thread:set("thread_no", next_thread)
        next_thread = next_thread + 1
        threads[#threads + 1] = thread
    end
    env.done = function(summary, latency, requests)
        local non2xx, units, has_units = 0, 0, false
        for _, th in ipairs(threads) do
            non2xx = non2xx + (th:get("non2xx") or 0)
            local u = th:get("units")
            if u then
                units, has_units = units + u, true
            end
        end
        local e = summary.errors
        io.write(string.format(
            "wrk-result requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d status=%d timeout=%d non2xx=%d%s\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
            e.connect, e.read, e.write, e.status, e.timeout, non2xx,
            has_units and string.format(" units=%d", units) or ""))
    end
end

-- Per-thread start: a distinct random sequence per thread and per run.
function M.seed()
    local no = thread_no or 1
    math.randomseed(os.time() * 1000 + no * 7919)
    for _ = 1, 10 do
        math.random()
    end
    non2xx = 0
end

-- A scenario of pre-built requests, replayed in turn: installs init(),
-- request() and response() in env. In init(), after seed(), make() reads
-- what it needs (tokens, ids) and returns build, and build() is called
-- count times for the requests (wrk.format() strings), so that wrk spends
-- its CPU sending, not formatting. Every answer is checked in Lua when
-- always_check is set, otherwise only with BENCH_STRICT (for the reads,
-- wrk's own count of statuses >= 400 is enough).
function M.replay(env, count, make, always_check)
    local reqs, n, i = {}, 0, 0
    env.init = function(args)
        M.seed()
        local build = make()
        for k = 1, count do
            reqs[k] = build()
        end
        n = #reqs
        if not (always_check or M.strict) then
            env.response = nil
        end
    end
    env.request = function()
        i = i % n + 1
        return reqs[i]
    end
    env.response = function(status)
        M.count_status(status)
    end
end

-- The strict check, for scripts that need no response() of their own.
function M.count_status(status)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
    end
end

return M
