-- Every submission is appended before it is sent, a row per transfer, so what each row costs to
-- insert is the load generator's share of a benchmark. Measured on the bench machine (300,000 rows in
-- one statement): 3.2 µs a row with the run's B-tree index and ON CONFLICT, 2.2 without the
-- ON CONFLICT (the log now takes it only when it retries a chunk), 1.6 with a block range index on
-- the run instead of the B-tree. Run ids grow with time and a run's submissions are appended
-- together, so a block range index finds them as well as the B-tree did, in far less space.
DROP INDEX submissions_run;
CREATE INDEX submitted_run ON submitted USING brin (run_id);
