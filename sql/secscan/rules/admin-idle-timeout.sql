-- Rule admin-idle-timeout: administrator without a session idle timeout <= 15 min.
-- Parameters and result: secscan_rules.h.
WITH pol AS (SELECT r.ref_entity_domain AS domain, r.ref_entity_name AS entity, p.name,
		p.session_idle_timeout_mins AS idle, p.session_ui_idle_timeout_mins AS ui_idle
	FROM sec_policy_references r
	JOIN sec_session_policies p ON p.connector = r.connector AND p.name = r.policy_name
	WHERE r.connector = :connector AND r.policy_kind = 'SESSION_POLICY'
		AND r.ref_entity_domain IN ('USER', 'ACCOUNT'))
SELECT u.name, jsonb_build_object('admin_roles', a.admin_roles, 'session_policy', e.name,
		'policy_level', e.domain, 'session_idle_timeout_mins', e.idle,
		'session_ui_idle_timeout_mins', e.ui_idle, 'required_max_mins', 15), NULL
FROM sec_users u
-- users holding an admin role, with the roles and the shortest chain
JOIN (SELECT user_name, jsonb_agg(DISTINCT admin_role) AS admin_roles,
		jsonb_agg(jsonb_build_object('role', admin_role, 'via', via)) AS chains
	FROM sec_admin_holders(:connector)
	GROUP BY user_name) a ON a.user_name = u.name
LEFT JOIN LATERAL (SELECT *
	FROM pol
	WHERE (pol.domain = 'USER' AND pol.entity = u.name) OR pol.domain = 'ACCOUNT'
	ORDER BY pol.domain = 'USER' DESC, pol.idle DESC NULLS FIRST LIMIT 1) e ON true
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND NOT coalesce(e.idle <= 15, false)
