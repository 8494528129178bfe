-- 009_job_config: which configuration file each job run read.
--
-- config_sha256 is the SHA-256 of the file's bytes (hex), recorded by the
-- run skeleton with the run.  Hosts that share the database should run
-- the same file; snapshot --status warns when their latest runs differ.
-- NULL for runs recorded before this migration.
ALTER TABLE job_runs ADD COLUMN config_sha256 text;
