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
-- and, for the fixed-rate (open-loop) run of a scenario:
--   BENCH_RATE    requests a second, all threads together: each request has
--                 a slot on a fixed schedule (1 / rate apart), is sent at its
--                 slot (wrk's timers have 1 ms steps) or, when every
--                 connection is busy, as soon as one is free; its latency
--                 counts from the slot, so waiting for a connection is
--                 counted (no coordinated omission). The id of each request
--                 (X-Request-Id, which the service and the gateway echo)
--                 pairs an answer with its slot.
local M = {}

M.data = os.getenv("BENCH_DATA") or "."
M.strict = os.getenv("BENCH_STRICT") == "1"
M.rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0
M.paced = M.rate > 0

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

-- ---------------------------------------------------------------- pacing

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]])
local ts = ffi.new("bench_timespec")
-- Monotonic clock, in microseconds.
local function now_us()
    ffi.C.clock_gettime(1, ts)
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

-- Per thread: the next slot, the slots handed out by delay() and not yet
-- sent (in order), the start of each request in flight by its id, and the
-- latencies (us) of the answered ones (paced_lat, read by done()).
local next_slot, interval_us = nil, 0
local slots, s_head, s_tail = {}, 1, 0
local started, seq = {}, 0
paced_lat = {}

local function paced_delay()
    local now = now_us()
    if not next_slot then
        interval_us = 1e6 * (tonumber(os.getenv("BENCH_THREADS") or "1") or 1) / M.rate
        next_slot = now
    end
    local slot = next_slot
    next_slot = next_slot + interval_us
    s_tail = s_tail + 1
    slots[s_tail] = slot
    local wait = (slot - now) / 1000
    if wait < 1 then
        return 0
    end
    return math.floor(wait)
end

-- The request the script made, with its id after the request line.
local function paced_request(make)
    return function()
        local r = make()
        local now = now_us()
        local slot = now
        if s_head <= s_tail then
            slot = slots[s_head]
            slots[s_head] = nil
            s_head = s_head + 1
        end
        seq = seq + 1
        -- Sent early (the timer's millisecond step): count from the send.
        started[seq] = slot < now and slot or now
        local eol = r:find("\r\n", 1, true)
        return r:sub(1, eol + 1) .. "X-Request-Id: bench-" .. seq .. "\r\n" .. r:sub(eol + 2)
    end
end

local function paced_response(handle)
    return function(status, headers, body)
        local id = headers["X-Client-Request-Id"] or headers["X-Request-Id"]
            or headers["x-client-request-id"] or headers["x-request-id"]
        local n = id and tonumber(id:match("^bench%-(%d+)$"))
        local t0 = n and started[n]
        if t0 then
            started[n] = nil
            paced_lat[#paced_lat + 1] = math.floor(now_us() - t0)
        end
        if handle then
            handle(status, headers, body)
        else
            M.count_status(status)
        end
    end
end

-- Percentile p (0-100) of a sorted list.
local function pct(sorted, p)
    if #sorted == 0 then
        return 0
    end
    local k = math.max(1, math.floor(#sorted * p / 100))
    return sorted[k]
end

-- ---------------------------------------------------------------- install

function M.install(env)
    env.setup = function(thread)
        thread:set("thread_no", next_thread)
        next_thread = next_thread + 1
        threads[#threads + 1] = thread
    end
    env.done = function(summary, latency, requests)
        local non2xx, units, has_units = 0, 0, false
        local lat = {}
        for _, th in ipairs(threads) do
            non2xx = non2xx + (th:get("non2xx") or 0)
            local u = th:get("units")
            if u then
                units, has_units = units + u, true
            end
            if M.paced then
                for _, v in ipairs(th:get("paced_lat") or {}) do
                    lat[#lat + 1] = v
                end
            end
        end
        local paced = ""
        if M.paced then
            table.sort(lat)
            paced = string.format(" paced_n=%d paced_p50_us=%d paced_p99_us=%d", #lat,
                pct(lat, 50), pct(lat, 99))
        end
        local e = summary.errors
        io.write(string.format(
            "wrk-result requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d status=%d timeout=%d non2xx=%d%s%s\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
            e.connect, e.read, e.write, e.status, e.timeout, non2xx,
            has_units and string.format(" units=%d", units) or "", paced))
    end
    if M.paced then
        -- request() and response(), however the script defines them, are
        -- wrapped as they are defined; delay() hands out the slots.
        env.delay = paced_delay
        -- The script's own functions are kept aside; wrk reads the
        -- wrapped ones through __index.
        local wrapped = { response = paced_response(nil) }
        setmetatable(env, {
            __newindex = function(t, k, v)
                if k == "request" then
                    wrapped.request = v and paced_request(v)
                elseif k == "response" then
                    wrapped.response = paced_response(v)
                else
                    rawset(t, k, v)
                end
            end,
            __index = function(_, k)
                return wrapped[k]
            end,
        })
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
        if not (always_check or M.strict or M.paced) then
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
