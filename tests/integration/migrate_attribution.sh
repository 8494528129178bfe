#!/usr/bin/env bash
# Migration 015 (attribution priced as it is stored): attributed costs and
# query hashes stored before it keep their cost exactly, and their rate is
# the one they were priced at.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup

cfg=$(fg_config m.conf <<C
[database]
conninfo =
C
)
fg_run budgetcheck -c "$cfg" --allow-empty -q
fg_eq "schema created" 0 "$FG_RC"
# The tables as they were before 015, holding rows priced then.
fg_sql "DELETE FROM schema_migrations WHERE version = 15;
	ALTER TABLE attributed_costs DROP COLUMN cost, DROP COLUMN qas_cost, DROP COLUMN rate, DROP COLUMN qas_rate,
		ADD COLUMN cost numeric NOT NULL, ADD COLUMN qas_cost numeric NOT NULL;
	ALTER TABLE attributed_queries DROP COLUMN cost, DROP COLUMN qas_cost, DROP COLUMN rate, DROP COLUMN qas_rate,
		ADD COLUMN cost numeric NOT NULL, ADD COLUMN qas_cost numeric NOT NULL"
fg_sql "CREATE TABLE public.priced AS SELECT * FROM (VALUES
		('USER_A', 1.500000000000::numeric, 2.85::numeric, 0.000000000000::numeric, 3.10::numeric),
		('USER_B', 3.333333333333, 2.123456789, 0.250000000000, 4.987654321012),
		('USER_C', 0.000000000000, 2.85, 0.000000000000, 3.10),
		('USER_D', 123456789.123456789012, 0.000001, 7.000000000001, 1234.5)) AS v(u, credits, rate, qas, qas_rate)"
fg_sql "INSERT INTO attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries, credits,
		credits_qas, cost, qas_cost, currency)
	SELECT 'prod', '2026-03-01', 'WH', u, 'R', '', 1, credits, qas, credits * rate, qas * qas_rate, 'USD'
	FROM public.priced;
	INSERT INTO attributed_queries (connector, day, warehouse, query_hash, queries, sample_query_id, credits,
		credits_qas, cost, qas_cost, currency)
	SELECT 'prod', '2026-03-01', 'WH', u, 1, NULL, credits, qas, credits * rate, qas * qas_rate, 'USD'
	FROM public.priced"
fg_run budgetcheck -c "$cfg" --allow-empty -q
fg_eq "015 applied" "0 1" "$FG_RC $(fg_sql "SELECT count(*) FROM schema_migrations WHERE version = 15")"
for t in attributed_costs:user_name attributed_queries:query_hash; do
	fg_eq "${t%%:*}: every cost kept exactly, rates recovered" "" \
		"$(fg_sql "SELECT a.${t#*:} FROM ${t%%:*} a JOIN public.priced p ON p.u = a.${t#*:}
			WHERE a.cost <> p.credits * p.rate OR a.qas_cost <> p.qas * p.qas_rate
			OR (p.credits <> 0 AND a.rate <> p.rate) OR (p.qas <> 0 AND a.qas_rate <> p.qas_rate)")"
	fg_eq "${t%%:*}: all rows there" 4 "$(fg_sql "SELECT count(*) FROM ${t%%:*}")"
done
fg_eq "cost is computed from the rate now" "2.00" \
	"$(fg_sql "UPDATE attributed_costs SET rate = 2 WHERE user_name = 'USER_A' RETURNING round(cost / 1.5, 2)")"
fg_done
