-- Rule data-protection-params: data-protection account parameter not set.
-- Parameters and result: secscan_rules.h.
SELECT p.key, jsonb_build_object('value', p.value, 'level', p.level, 'expected',
		CASE WHEN p.key = 'MIN_DATA_RETENTION_TIME_IN_DAYS' THEN '>= 7' ELSE 'true' END),
	NULL
FROM sec_parameters p
WHERE p.connector = :connector
	AND CASE WHEN p.key IN ('PREVENT_UNLOAD_TO_INLINE_URL',
		'REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_CREATION',
		'REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION', 'PERIODIC_DATA_REKEYING')
	THEN lower(coalesce(p.value, '')) <> 'true' WHEN p.key = 'MIN_DATA_RETENTION_TIME_IN_DAYS'
	THEN CASE WHEN p.value ~ '^\s*[0-9]{1,9}\s*$' THEN trim(p.value)::int < 7 ELSE true END
	ELSE false END
