-- depends: 0008.pull-request-branches
-- The setup Job's name carries this number, so it must change with every setup change, not only
-- with a retry: it now also grows when a setup completes, so that a later change back to earlier
-- setup inputs gets a new Job instead of the finished one the cluster still keeps.
ALTER TABLE stores RENAME COLUMN setup_attempt TO setup_generation;
