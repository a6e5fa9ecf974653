-- Two small differences red-team round four found.
--
-- 1. A rename in a transaction of one snapshot (REPEATABLE READ or
--    SERIALIZABLE, any client's to ask for) left the former name's words in
--    patient_name_word for the pruning (0044), hidden by the search view's
--    EXISTS. That view is no security barrier (a barrier would keep the
--    trigram index from LIKE and <%, which are not leakproof), so a
--    receptionist's condition that fails on one word only
--    (CASE WHEN word = 'zetterqvist' THEN word::integer …) ran on the table
--    before the EXISTS and told by its error that the protected patient's
--    former name had been here. Now a name changes at READ COMMITTED only,
--    where the rename takes its words with it in the same transaction, so
--    no word outlives its last patient; the app renames at READ COMMITTED,
--    as every transaction of it runs. The pruning stays for words left
--    before 0044.
-- 2. Discharges per unit and month are withheld when the ward days shown
--    beside them would give a suppressed day away (0041); the readmissions
--    beside them were still shown when 5 or more and no 1 to 4 short of the
--    discharges, and 6 readmissions of a month that is 5 shown days plus
--    one suppressed day (so 6 to 9 discharges) pinned the discharges at 6
--    and the suppressed day at 1. Readmissions are now shown only beside
--    discharges that are shown.
-- depends: 0046_reports_flow_period

CREATE OR REPLACE FUNCTION patient_name_keys_keep() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    former text [] := '{}';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT FROM named_before AS o INNER JOIN named AS n ON o.id = n.id
            WHERE n.search_name IS DISTINCT FROM o.search_name
        ) THEN
            RETURN NULL;
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'A patient''s name is changed at READ COMMITTED only, so that the former name''s words go with it.'
                USING ERRCODE = 'HM292', CONSTRAINT = 'patient_rename_read_committed';
        END IF;
        SELECT coalesce(array_agg(DISTINCT w.word), '{}') INTO former
        FROM named_before AS o
        INNER JOIN named AS n ON o.id = n.id
        CROSS JOIN unnest(hms_name_words(o.search_name)) AS w (word)
        WHERE n.search_name IS DISTINCT FROM o.search_name;
        DELETE FROM patient_name_key AS k
        USING named_before AS o
        INNER JOIN named AS n ON o.id = n.id
        WHERE
            n.search_name IS DISTINCT FROM o.search_name
            AND k.patient_id = o.id AND k.key = ANY(hms_name_keys(o.search_name));
        INSERT INTO patient_name_key (key, patient_id)
        SELECT unnest(hms_name_keys(n.search_name)), n.id
        FROM named AS n INNER JOIN named_before AS o ON o.id = n.id
        WHERE n.search_name IS DISTINCT FROM o.search_name
        ON CONFLICT (key, patient_id) DO NOTHING;
        -- The new name's words, added or locked (see the top), in one order.
        INSERT INTO patient_name_word (word)
        SELECT DISTINCT w.word
        FROM named AS n
        INNER JOIN named_before AS o ON o.id = n.id
        CROSS JOIN unnest(hms_name_words(n.search_name)) AS w (word)
        WHERE n.search_name IS DISTINCT FROM o.search_name
        ORDER BY w.word
        ON CONFLICT (word) DO UPDATE SET word = excluded.word WHERE false;
        PERFORM patient_name_words_forget(former);
    ELSE
        INSERT INTO patient_name_key (key, patient_id)
        SELECT unnest(hms_name_keys(n.search_name)), n.id FROM named AS n
        ON CONFLICT (key, patient_id) DO NOTHING;
        INSERT INTO patient_name_word (word)
        SELECT DISTINCT w.word
        FROM named AS n CROSS JOIN unnest(hms_name_words(n.search_name)) AS w (word)
        ORDER BY w.word
        ON CONFLICT (word) DO UPDATE SET word = excluded.word WHERE false;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE VIEW report_flow_unit_month WITH (security_barrier) AS
WITH month_shown AS (
    SELECT
        f.care_unit_id,
        f.month,
        f.discharges,
        f.mean_stay_days,
        f.readmissions,
        CASE
            WHEN f.discharges < 5 THEN NULL
            WHEN f.discharges = d.shown THEN f.discharges
            WHEN
                d.hidden_days >= 2 AND f.discharges - d.shown > d.hidden_days
                AND f.discharges - d.shown < 4 * d.hidden_days
                THEN f.discharges
        END AS discharges_shown
    FROM reporting.flow_unit_month AS f
    CROSS JOIN
        LATERAL (
            SELECT
                coalesce(sum(w.discharged) FILTER (WHERE w.discharged >= 5), 0) AS shown,
                count(*) FILTER (WHERE w.discharged BETWEEN 1 AND 4) AS hidden_days
            FROM reporting.flow_ward_day AS w
            WHERE w.care_unit_id = f.care_unit_id AND w.day >= f.month AND w.day < f.month + interval '1 month'
        ) AS d
    WHERE f.care_unit_id = any((SELECT hms_report_units())::bigint[])
)

SELECT
    m.care_unit_id,
    u.name AS care_unit,
    m.month,
    m.discharges_shown AS discharges,
    CASE WHEN m.discharges >= 5 THEN m.mean_stay_days END AS mean_stay_days,
    CASE
        WHEN
            m.discharges_shown IS NOT NULL AND m.readmissions >= 5
            AND m.discharges - m.readmissions NOT BETWEEN 1 AND 4
            THEN m.readmissions
    END AS readmissions
FROM month_shown AS m
INNER JOIN care_unit AS u ON m.care_unit_id = u.id;
