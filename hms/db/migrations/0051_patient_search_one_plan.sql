-- Name search keeps one plan for every name (the timeline's way, 0037).
--
-- The ranked searches of 0036 took each typed word as hms_fold(:w1), a call
-- on a parameter. With the word a constant, the planner folds the call and
-- inlines patient_name_matches, and the trigram index gives the candidate
-- words; but that is a plan for those words only, so every search was
-- planned anew, which under the views' row-level checks cost 1.0-1.8 ms
-- for 0.3-1.1 ms of work. A plan for any words could not fold the call,
-- and then it did not inline patient_name_matches (whose argument would be
-- an expensive expression used twice): it read every word of the registry.
-- Here the words are folded first, into variables, and the queries, word
-- for word those of 0036, take the folded words as plain parameters: one
-- plan for any words, the index in it, kept for the connection. The rows
-- are read with the caller's rights, through the same views.
-- depends: 0050_clinician_decides_record_and_medication_once

CREATE FUNCTION patient_search_by_name(
    p_word_1 text, p_word_2 text, p_candidates integer, p_limit integer
) RETURNS TABLE (
    id bigint, personal_number text, given_name text, family_name text, date_of_birth date,
    sex patient_sex, protected_identity boolean, city text
)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_word_1 text := hms_fold(p_word_1);
    v_word_2 text := hms_fold(p_word_2);
BEGIN
    IF p_word_2 IS NULL THEN
        -- One word: the patients of the nearest words, best first.
        RETURN QUERY
        SELECT
            id,
            personal_number,
            given_name,
            family_name,
            date_of_birth,
            sex,
            protected_identity,
            city
        FROM (
            SELECT
                p.id,
                p.personal_number,
                p.given_name,
                p.family_name,
                p.date_of_birth,
                p.sex,
                p.protected_identity,
                p.city,
                c.rank
            FROM (
                SELECT
                    ranked.word,
                    ranked.rank,
                    coalesce(
                        array_agg(ranked.word) OVER (
                            ORDER BY ranked.rank ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                        ),
                        '{}'
                    ) AS better
                FROM (
                    SELECT
                        w.word,
                        row_number() OVER (
                            ORDER BY v_word_1 <<-> w.word ASC, v_word_1 <-> w.word ASC, w.word ASC
                        ) AS rank
                    FROM patient_search_word AS w
                    WHERE patient_name_matches(w.word, v_word_1)
                    ORDER BY rank ASC
                    LIMIT p_candidates
                ) AS ranked
                ORDER BY ranked.rank ASC
            ) AS c
            CROSS JOIN
                LATERAL (
                    SELECT
                        d.id,
                        d.personal_number,
                        d.given_name,
                        d.family_name,
                        d.date_of_birth,
                        d.sex,
                        d.protected_identity,
                        d.city
                    FROM patient_search_key AS k
                    INNER JOIN patient_search_directory AS d ON k.patient_id = d.id
                    WHERE k.key = c.word AND NOT hms_name_words(d.search_name) && c.better
                    ORDER BY k.patient_id ASC
                    LIMIT p_limit
                ) AS p
            ORDER BY c.rank ASC
            LIMIT p_limit
        ) AS page
        ORDER BY rank ASC, family_name ASC, given_name ASC, id ASC;
    ELSE
        -- Two words (the two longest typed): both must match, each a different
        -- word of the name; pairs of candidates by their summed distance.
        RETURN QUERY
        SELECT
            id,
            personal_number,
            given_name,
            family_name,
            date_of_birth,
            sex,
            protected_identity,
            city
        FROM (
            SELECT
                p.id,
                p.personal_number,
                p.given_name,
                p.family_name,
                p.date_of_birth,
                p.sex,
                p.protected_identity,
                p.city,
                c.rank
            FROM (
                SELECT
                    pair.rank,
                    least(pair.word_1, pair.word_2) || ' ' || greatest(pair.word_1, pair.word_2) AS key,
                    coalesce(
                        array_agg(pair.word_1) OVER (ORDER BY pair.rank ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                        '{}'
                    ) AS better_1,
                    coalesce(
                        array_agg(pair.word_2) OVER (ORDER BY pair.rank ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                        '{}'
                    ) AS better_2
                FROM (
                    SELECT
                        c1.word AS word_1,
                        c2.word AS word_2,
                        row_number() OVER (
                            ORDER BY
                                c1.distance + c2.distance ASC,
                                c1.whole_distance + c2.whole_distance ASC,
                                c1.word ASC,
                                c2.word ASC
                        ) AS rank
                    FROM (
                        SELECT
                            w.word,
                            v_word_1 <<-> w.word AS distance,
                            v_word_1 <-> w.word AS whole_distance
                        FROM patient_search_word AS w
                        WHERE patient_name_matches(w.word, v_word_1)
                        ORDER BY distance ASC, whole_distance ASC, w.word ASC
                        LIMIT p_candidates
                    ) AS c1
                    INNER JOIN (
                        SELECT
                            w.word,
                            v_word_2 <<-> w.word AS distance,
                            v_word_2 <-> w.word AS whole_distance
                        FROM patient_search_word AS w
                        WHERE patient_name_matches(w.word, v_word_2)
                        ORDER BY distance ASC, whole_distance ASC, w.word ASC
                        LIMIT p_candidates
                    ) AS c2 ON c1.word <> c2.word
                ) AS pair
                ORDER BY pair.rank ASC
            ) AS c
            CROSS JOIN
                LATERAL (
                    SELECT
                        d.id,
                        d.personal_number,
                        d.given_name,
                        d.family_name,
                        d.date_of_birth,
                        d.sex,
                        d.protected_identity,
                        d.city
                    FROM patient_search_key AS k
                    INNER JOIN patient_search_directory AS d ON k.patient_id = d.id
                    WHERE
                        k.key = c.key
                        AND NOT EXISTS (
                            SELECT 1 FROM unnest(c.better_1, c.better_2) AS b (word_1, word_2)
                            WHERE hms_name_words(d.search_name) @> ARRAY[b.word_1, b.word_2]
                        )
                    ORDER BY k.patient_id ASC
                    LIMIT p_limit
                ) AS p
            ORDER BY c.rank ASC
            LIMIT p_limit
        ) AS page
        ORDER BY rank ASC, family_name ASC, given_name ASC, id ASC;
    END IF;
END
$$;

COMMENT ON FUNCTION patient_search_by_name IS
'Patients whose names have the nearest words to one or two typed words, best first: one plan for every name (see migration 0051).';

REVOKE ALL ON FUNCTION patient_search_by_name FROM PUBLIC;
GRANT EXECUTE ON FUNCTION patient_search_by_name TO hms_app;
