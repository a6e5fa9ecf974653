-- The lab and radiology tables get the restrictive policy of 0027: for an
-- external specialist a row passes only when an open consultation of theirs
-- about the patient includes the part 'lab' (0031). Everyone else passes
-- untouched (the first arm), so their reads cost nothing more.
-- depends: 0031_consultations_lab_part

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'lab_order', 'lab_order_item', 'lab_result', 'lab_result_ack',
        'radiology_order', 'radiology_report', 'radiology_report_ack'
    ] LOOP
        EXECUTE format(
            'CREATE POLICY %I ON %I AS RESTRICTIVE FOR SELECT TO hms_app USING ('
            '(SELECT hms_current_role()) IS DISTINCT FROM ''external_specialist'' '
            'OR patient_id = ANY ((SELECT hms_consultation_patients(''lab''))::bigint[]))',
            t || '_consultation_part', t
        );
    END LOOP;
END
$$;
