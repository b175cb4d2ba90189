-- The W3C `traceparent` of the traced work that enqueued a job (a request, another
-- job), so the job's run continues that trace. NULL when traces are not exported.
ALTER TABLE jobs ADD COLUMN trace_context TEXT;
