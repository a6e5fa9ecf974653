-- The vocabulary of names holds only the words some patient has now.
--
-- Since 0036 the words only grew: a patient given protected identity and a
-- new name left the old name's words readable to every role that searches,
-- and reception could tell that a "Zetterqvist" had been registered. Now a
-- word goes with the last key that names it, in the transaction of the
-- rename, and the view the search reads shows a word only while some
-- patient's key names it, in the reader's own snapshot.
--
-- Removing a word races a registration of the same word: the rename looks,
-- finds no other patient named so, and deletes the word, while a
-- registration not yet committed has just added its key and found the word
-- there. So both sides take the word's row lock: a registration locks each
-- word it names (its upsert locks an existing row), and the removal locks
-- the word first and only then looks for keys, in a statement of its own and
-- so with a new snapshot, in which a registration it waited for has
-- committed. If the removal locks first, the registration's upsert waits,
-- finds the row gone, and adds the word again.
-- depends: 0043_reports_no_show_rule

-- Removes those of the given words that no patient's key names any more.
-- Only at READ COMMITTED, where each statement sees what committed before
-- it; in a transaction of one snapshot the words are left for the pruning
-- (and the view hides them meanwhile). Called by the trigger below and by
-- patient_name_words_prune(); granted to no role.
CREATE FUNCTION patient_name_words_forget(candidates text[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    candidate text;
    forgotten integer := 0;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN 0;
    END IF;
    FOR candidate IN SELECT DISTINCT c.word FROM unnest(candidates) AS c (word) ORDER BY c.word LOOP
        PERFORM 1 FROM patient_name_word AS w WHERE w.word = candidate FOR UPDATE;
        DELETE FROM patient_name_word AS w
        WHERE w.word = candidate
            AND NOT EXISTS (SELECT FROM patient_name_key AS k WHERE k.key = candidate);
        IF FOUND THEN
            forgotten := forgotten + 1;
        END IF;
    END LOOP;
    RETURN forgotten;
END
$$;
COMMENT ON FUNCTION patient_name_words_forget IS
'Deletes those of the given name words that no patient''s key names, each under its row lock.';

-- The words follow the names. A registered patient adds theirs; a renamed
-- one swaps the keys of the old name for the new and takes away the old
-- name's words that no one else has. Per statement, so that loading a
-- registry (COPY) writes each word once; an update that changes no name
-- (a new address) touches neither table and locks no word.
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

-- The pruning, for `hms jobs run`: the words no key names, left by a rename
-- in a transaction of one snapshot, or by anything before this migration.
-- Under its own row locks, so it cannot take a word a registration is adding.
CREATE FUNCTION patient_name_words_prune() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'patient_name_words_prune() runs at READ COMMITTED only'
            USING ERRCODE = 'invalid_transaction_state';
    END IF;
    RETURN patient_name_words_forget(ARRAY(
        SELECT w.word FROM patient_name_word AS w
        WHERE NOT EXISTS (SELECT FROM patient_name_key AS k WHERE k.key = w.word)
    ));
END
$$;
COMMENT ON FUNCTION patient_name_words_prune IS
'Deletes the name words no patient''s key names; returns how many. Run by hms jobs run.';
GRANT EXECUTE ON FUNCTION patient_name_words_prune TO hms_worker;

-- The search's words: only those some patient's key names in the reader's
-- snapshot, so a word no one has is not shown even before it is pruned.
-- Every role the view answers sees every patient's name in
-- patient_search_directory (a protected patient's too, marked), so a word
-- that only protected patients have tells it nothing the directory does not;
-- the other roles get no word at all.
CREATE OR REPLACE VIEW patient_search_word AS
SELECT w.word
FROM patient_name_word AS w
WHERE
    hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator')
    AND EXISTS (
        SELECT FROM patient_name_key AS k
        WHERE k.key = w.word
    );
COMMENT ON VIEW patient_search_word IS
'The words of patients'' present names, to the roles that may search the registry.';

COMMENT ON TABLE patient_name_word IS
'One word that occurs in some patient''s folded name now: the vocabulary the name search ranks.';

-- The words the renames before this migration left behind.
DO $$ BEGIN PERFORM patient_name_words_prune(); END $$;
