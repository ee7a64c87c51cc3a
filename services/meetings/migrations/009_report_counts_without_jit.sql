-- The supervision report's kept totals (report_counts() of migration 003,
-- R-MTG-9) without JIT compilation. Its last statement joins report_counted,
-- one row never analyzed (estimated 2 200), with the ~600 counted groups:
-- an estimate of 3.5 million rows and a cost over jit_above_cost, so every
-- count compiled three functions first (212 ms of one count on a loaded
-- machine, seen with auto_explain); the count itself is a pass over an
-- index that JIT does not shorten.
ALTER FUNCTION report_counts(interval) SET jit = off;
