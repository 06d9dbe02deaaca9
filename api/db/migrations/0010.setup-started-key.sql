-- depends: 0009.setup-generation
-- The setup key whose Job the watcher last started. A Job of another key started under the current
-- setup generation means the next setup must run under a new generation (a new Job name), so that a
-- change back to earlier setup inputs never takes a Job that ran before a later one. NULL: no Job was
-- recorded (stores older than this column): the current generation's Job is the current key's.
ALTER TABLE stores ADD COLUMN setup_started_key text;
