-- The database as the last wall, part 5: policies ask who acts once per
-- statement, not once per row.
--
-- hms_current_user_id() and hms_current_role() read the verified identity's
-- row each time they are called (migration 0010). Written bare in a policy,
-- they run for every row the policy looks at; written as a scalar subquery,
-- (SELECT hms_current_user_id()), the planner makes them an InitPlan that
-- runs once per statement. (The same idiom Supabase recommends for
-- auth.uid().) Likewise a journal row's visibility: the patients whose every
-- row the user may see (hms_wholly_visible, once per statement) pass without
-- a call per row, and only the others ask hms_row_visible.
--
-- This migration rewrites every existing policy that way; new policies are
-- written so from the start.
-- depends: 0013_function_grants

DO $$
DECLARE
    p record;
    v_using text;
    v_check text;
BEGIN
    FOR p IN
        SELECT pol.polname, c.relname, pg_get_expr(pol.polqual, pol.polrelid) AS qual,
            pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
        FROM pg_policy AS pol
        INNER JOIN pg_class AS c ON pol.polrelid = c.oid
        INNER JOIN pg_namespace AS n ON c.relnamespace = n.oid
        WHERE n.nspname = 'public'
    LOOP
        v_using := replace(replace(p.qual, 'hms_current_user_id()', '(SELECT hms_current_user_id())'),
            'hms_current_role()', '(SELECT hms_current_role())');
        -- (A call that leaves the area to its default is stored without it.)
        v_using := replace(v_using, 'hms_row_visible(patient_id, care_unit_id)',
            'hms_row_visible(patient_id, care_unit_id, ''clinical''::text)');
        v_using := regexp_replace(v_using,
            'hms_row_visible\(patient_id, care_unit_id, ''(\w+)''::text\)',
            '(patient_id = ANY ((SELECT hms_wholly_visible(''\1''))::bigint[]) OR hms_row_visible(patient_id, care_unit_id, ''\1''))',
            'g');
        v_check := replace(replace(p.with_check, 'hms_current_user_id()', '(SELECT hms_current_user_id())'),
            'hms_current_role()', '(SELECT hms_current_role())');
        IF v_using IS DISTINCT FROM p.qual THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (%s)', p.polname, p.relname, v_using);
        END IF;
        IF v_check IS DISTINCT FROM p.with_check THEN
            EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', p.polname, p.relname, v_check);
        END IF;
    END LOOP;
END
$$;
