#!/usr/bin/env bash
# Retention removes exactly what is older than the limits, in batches,
# and nothing else, each limit measured on the clock its column was
# stamped with (the database's for attempts, notifications and job runs;
# FLAKEGUARD_NOW's business time for resolved findings), whatever
# FLAKEGUARD_NOW says; the daily cost summary equals the raw facts.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
cfg=$(fg_config r.conf <<'C'
[database]
conninfo =
[retention]
attempts_days = 30
notifications_days = 90
job_runs_days = 10
batch_size = 7
C
)
snapshot -c "$cfg" --no-prune --date 2026-03-14 || fg_fail "first run"
# 50 sent notifications 100 days old (to prune), 20 sent 80 days old (keep),
# 5 dead 200 days old (keep: users requeue them), 5 pending old (keep).
# Attempts sit half a day off the 30-day cut-off, so the second the
# run starts in cannot move one across it.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key, status, sent_at, created_at)
 SELECT 'c', 'generic', 'info', 't', 'old' || i, 'sent', now() - interval '100 days', now() - interval '400 days'
 FROM generate_series(1, 50) i;
 INSERT INTO notifications (channel, kind, severity, title, dedup_key, status, sent_at)
 SELECT 'c', 'generic', 'info', 't', 'new' || i, 'sent', now() - interval '80 days'
 FROM generate_series(1, 20) i;
 INSERT INTO notifications (channel, kind, severity, title, dedup_key, status, created_at)
 SELECT 'c', 'generic', 'info', 't', 'dead' || i, 'dead', '2025-01-01' FROM generate_series(1, 5) i;
 INSERT INTO notifications (channel, kind, severity, title, dedup_key, status, created_at)
 SELECT 'c', 'generic', 'info', 't', 'pend' || i, 'pending', '2025-01-01' FROM generate_series(1, 5) i;
 INSERT INTO delivery_attempts (notification_id, channel, attempted_at, duration_ms, outcome)
 SELECT n.id, 'c', now() - (d || ' days')::interval - interval '12 hours', 5, 'retry'
 FROM notifications n, generate_series(25, 34) d WHERE n.dedup_key LIKE 'pend%';
 INSERT INTO job_runs (job, started_at, finished_at, status, host, pid)
 SELECT 'costsync', now() - (d || ' days')::interval + interval '1 hour', now(), 'success', 'h', 1
 FROM generate_series(1, 20) d;
 INSERT INTO job_runs (job, started_at, status, host, pid) VALUES ('secscan', '2025-01-01', 'running', 'h', 2);"
# Findings: 3 resolved 400 days ago (prune), 2 resolved 100 days ago and
# 2 open since long ago (keep).
fg_sql "INSERT INTO findings (connector, rule, subject, severity, status, first_seen, last_seen, opened_at, resolved_at)
 SELECT 'prod', 'stale-user', 'U' || i, 'medium', 'resolved', '2024-01-01', '2024-01-01', '2024-01-01',
        '2026-03-15 10:00+00'::timestamptz - (CASE WHEN i <= 3 THEN 400 ELSE 100 END || ' days')::interval
 FROM generate_series(1, 5) i;
 INSERT INTO findings (connector, rule, subject, severity, status, first_seen, last_seen, opened_at)
 SELECT 'prod', 'admin-count', 'O' || i, 'high', 'open', '2024-01-01', '2026-03-15', '2024-01-01' FROM generate_series(1, 2) i;"
attempts_before=$(fg_sql "SELECT count(*) FROM delivery_attempts WHERE attempted_at >= now() - interval '30 days'")

# A business clock far from the database's changes nothing for rows the
# database stamped: set years in the past, nothing would ever be pruned;
# years ahead, everything would be.
for clock in 2023-01-01T00:00:00Z 2030-01-01T00:00:00Z; do
	FLAKEGUARD_NOW=$clock fg_run snapshot -c "$cfg" --dry-run --json --date 2026-03-14
	fg_eq "FLAKEGUARD_NOW=$clock: notifications to prune measured on the database clock" 50 \
		"$(printf '%s' "$FG_OUT" | jq .counts.notifications_pruned)"
	fg_eq "FLAKEGUARD_NOW=$clock: job runs to prune measured on the database clock" 10 \
		"$(printf '%s' "$FG_OUT" | jq .counts.job_runs_pruned)"
done
FLAKEGUARD_NOW=2030-01-01T00:00:00Z fg_run snapshot -c "$cfg" --dry-run --json --date 2026-03-14
fg_eq "resolved findings are measured on business time" 5 "$(printf '%s' "$FG_OUT" | jq .counts.findings_pruned)"

fg_run snapshot -c "$cfg" --dry-run --json --date 2026-03-14
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_eq "dry run counts notifications to prune" 50 "$(printf '%s' "$FG_OUT" | jq .counts.notifications_pruned)"
fg_eq "dry run deletes nothing" 80 "$(fg_sql "SELECT count(*) FROM notifications")"

fg_run snapshot -c "$cfg" -vv --date 2026-03-14
fg_eq "prune run exits 0" 0 "$FG_RC"
fg_eq "old sent notifications pruned, the rest kept" "20|5|5" \
	"$(fg_sql "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'dead'), count(*) FILTER (WHERE status = 'pending') FROM notifications")"
fg_eq "pruned in batches of 7 (8 batches for 50)" 8 "$(printf '%s\n' "$FG_ERR" | grep -c 'pruned a batch of [0-9]* notifications')"
fg_eq "attempts older than 30 days pruned, newer kept" "$attempts_before" "$(fg_sql "SELECT count(*) FROM delivery_attempts")"
fg_eq "no attempt older than 30 days left" 0 "$(fg_sql "SELECT count(*) FROM delivery_attempts WHERE attempted_at < now() - interval '30 days'")"
fg_eq "job runs older than 10 days pruned; running rows kept" "10|1" \
	"$(fg_sql "SELECT count(*) FILTER (WHERE job = 'costsync' AND started_at < now()), count(*) FILTER (WHERE status = 'running') FROM job_runs WHERE job IN ('costsync', 'secscan')")"

fg_eq "resolved findings older than 365 days pruned, others kept" "2|2" \
	"$(fg_sql "SELECT count(*) FILTER (WHERE status = 'resolved'), count(*) FILTER (WHERE status = 'open') FROM findings")"

# The old opening of an incident still open stays (its resolution and
# reminders need the channels it went to); a resolved one goes.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, fields, dedup_key, status, sent_at)
 SELECT 'c', 'budget', 'critical', 't', jsonb_build_object('incident', 'budget:y:' || i, 'event', e),
	e || i, 'sent', now() - interval '200 days'
 FROM generate_series(1, 2) i, unnest(ARRAY['trigger', 'resolve']) e WHERE e = 'trigger' OR i = 2"
fg_run snapshot -c "$cfg" --date 2026-03-14
fg_eq "openings of open incidents kept, resolved ones pruned" "budget:y:1|trigger" \
	"$(fg_sql "SELECT incident, event FROM notifications WHERE incident IS NOT NULL")"

# Cost summary: equals sums of the raw facts; rerun idempotent; vanished facts removed.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, credits, quantity, cost, currency)
 SELECT 'prod', '2026-03-01'::date + d, 'WAREHOUSE_METERING', 'WH' || w, w * 1.25 + d, NULL, (w * 1.25 + d) * 3, 'USD'
 FROM generate_series(0, 13) d, generate_series(1, 4) w;
 INSERT INTO daily_costs (connector, day, service_type, entity, credits, quantity, cost, currency)
 SELECT 'prod', '2026-03-01'::date + d, 'STORAGE', '', NULL, 1099511627776 * 2, 1.5, 'USD' FROM generate_series(0, 13) d;"
fg_run snapshot -c "$cfg" --since 2026-03-01 --until 2026-03-14 --no-prune --json
fg_eq "backfill exits 0" 0 "$FG_RC"
fg_eq "summary rows: 14 days x 2 services" 28 "$(fg_sql "SELECT count(*) FROM cost_summary")"
fg_eq "summary equals raw sums" "" "$(fg_sql "SELECT s.day FROM cost_summary s JOIN (SELECT day, service_type, sum(cost) c, count(*) n FROM daily_costs GROUP BY 1, 2) d USING (day, service_type) WHERE s.cost <> d.c OR s.entities <> d.n")"
fg_eq "compute cost on 2026-03-05 (3 x sum of 1.25w+4)" "85.50" "$(fg_sql "SELECT cost FROM cost_summary WHERE day = '2026-03-05' AND service_type = 'WAREHOUSE_METERING'")"
snapshot -c "$cfg" --since 2026-03-01 --until 2026-03-14 --no-prune
fg_eq "rerun does not duplicate" 28 "$(fg_sql "SELECT count(*) FROM cost_summary")"
fg_sql "DELETE FROM daily_costs WHERE day = '2026-03-10' AND service_type = 'STORAGE'"
snapshot -c "$cfg" --date 2026-03-10 --no-prune
fg_eq "vanished facts leave the summary" 27 "$(fg_sql "SELECT count(*) FROM cost_summary")"
fg_run snapshot -c "$cfg" --since 2026-03-14 --until 2026-03-01
fg_eq "--until before --since is a usage error" 64 "$FG_RC"
fg_run snapshot -c "$cfg" --date 2026-02-30
fg_eq "bad --date is a usage error" 64 "$FG_RC"
fg_match "bad date named" "invalid --date '2026-02-30'" "$FG_ERR"
fg_done
