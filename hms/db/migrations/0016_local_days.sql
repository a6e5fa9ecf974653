-- One time zone for people: a "day" is a day in Stockholm.
--
-- A date compared with a timestamptz is read as midnight in the session's
-- time zone, which is the server's, not the hospital's: a note signed at
-- 00:30 in Stockholm on 2 March fell on 1 March in UTC. Every day filter goes
-- through these two functions instead, so a day begins at Stockholm midnight,
-- daylight-saving days included (23 or 25 hours long).
-- depends: 0015_policy_initplans

-- The instant a Stockholm day begins. Immutable: the zone is named, not taken
-- from the session (the tz database can change, as for any zone rule).
CREATE FUNCTION hms_day_start(p_day date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN p_day::timestamp AT TIME ZONE 'Europe/Stockholm';
COMMENT ON FUNCTION hms_day_start IS 'The instant a day begins in Stockholm (the hospital''s days).';

-- Today in Stockholm.
CREATE FUNCTION hms_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (now() AT TIME ZONE 'Europe/Stockholm')::date;
COMMENT ON FUNCTION hms_today IS 'Today''s date in Stockholm.';

GRANT EXECUTE ON FUNCTION hms_day_start, hms_today TO hms_app;
