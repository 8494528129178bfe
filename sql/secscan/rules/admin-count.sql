-- Rule admin-count: too many (or too few) administrators.
-- Parameters and result: secscan_rules.h.
SELECT 'account', jsonb_build_object('admins', jsonb_agg(user_name ORDER BY user_name), 'count',
		count(*), 'max_admins', (((:settings::jsonb)->>'max_admins')::int), 'min_admins',
		2), NULL
FROM (SELECT DISTINCT user_name
	FROM sec_admin_holders(:connector)) a
HAVING count(*) > (((:settings::jsonb)->>'max_admins')::int) OR count(*) < 2
