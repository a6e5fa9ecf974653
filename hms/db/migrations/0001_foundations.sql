-- Extensions, the application's database role, and small immutable helpers
-- that the rest of the schema builds on.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- The app logs in as hms_app, which owns nothing: the tables belong to the
-- migration role, so row-level security applies to the app and privileges
-- below are the whole of what it may do. Roles are cluster-wide, so several
-- HMS databases on one server share it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hms_app') THEN
        CREATE ROLE hms_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO hms_app;

-- Folds text for searching: lower case, accents removed (Jönsson = jonsson).
-- unaccent() is only STABLE because its dictionary could change; naming the
-- dictionary explicitly makes this wrapper safe to mark IMMUTABLE, which a
-- generated column and its trigram index need.
CREATE FUNCTION hms_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));

-- LIKE patterns built from what a user typed, with their own wildcards
-- escaped: a search for "50%" means the characters, not "50 and anything".
CREATE FUNCTION hms_like_contains(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN '%' || replace(replace(replace(value, '\', '\\'), '%', '\%'), '_', '\_') || '%';

CREATE FUNCTION hms_like_prefix(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN replace(replace(replace(value, '\', '\\'), '%', '\%'), '_', '\_') || '%';

-- Swedish personal identity number (personnummer) or coordination number
-- (samordningsnummer, day + 60), stored canonically as 12 digits YYYYMMDDNNNN.
-- Valid when the date exists, the serial is not 000, and the Luhn check
-- digit over the last 10 digits holds.
CREATE FUNCTION pnr_birth_date(pnr text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    day integer;
BEGIN
    IF pnr !~ '^[0-9]{12}$' THEN
        RETURN NULL;
    END IF;
    day := substr(pnr, 7, 2)::integer;
    IF day > 60 THEN
        day := day - 60;
    END IF;
    RETURN make_date(substr(pnr, 1, 4)::integer, substr(pnr, 5, 2)::integer, day);
EXCEPTION
    WHEN datetime_field_overflow OR invalid_datetime_format OR data_exception THEN
        RETURN NULL;
END
$$;

CREATE FUNCTION pnr_is_valid(pnr text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    digits text := substr(pnr, 3, 10);
    total integer := 0;
    d integer;
BEGIN
    -- Serial 000 is never issued.
    IF pnr_birth_date(pnr) IS NULL OR substr(pnr, 9, 3) = '000' THEN
        RETURN false;
    END IF;
    FOR i IN 1..9 LOOP
        d := substr(digits, i, 1)::integer * (2 - (i + 1) % 2);
        total := total + d / 10 + d % 10;
    END LOOP;
    RETURN (10 - total % 10) % 10 = substr(digits, 10, 1)::integer;
END
$$;

-- The user the current transaction acts for, declared by the app with
-- set_config('hms.user_id', …, true). NULL outside a request (migrations, seeding).
CREATE FUNCTION hms_current_user_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN nullif(current_setting('hms.user_id', true), '')::bigint;

-- Keeps updated_at honest without trusting every UPDATE to set it.
CREATE FUNCTION hms_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
