-- Who blocked what, and who is on which unit's list, are themselves
-- sensitive: a block says which care the patient wants kept apart, and a care
-- assignment's reason is clinical. Doctors and nurses could read every such
-- row; now a block is read by the patient and by administrators (the chart
-- asks hms_blocked_for_me, which says only whether something is hidden), and
-- a care assignment by the staff of its unit and by administrators.
-- depends: 0017_protected_identity

DROP POLICY journal_block_read ON journal_block;
CREATE POLICY journal_block_read ON journal_block FOR SELECT TO hms_app
USING ((SELECT hms_current_role()) = 'administrator' OR hms_access_basis(patient_id, 'demographics') = 'own');

DROP POLICY care_assignment_read ON care_assignment;
CREATE POLICY care_assignment_read ON care_assignment FOR SELECT TO hms_app
USING (
    (SELECT hms_current_role()) = 'administrator'
    OR care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
);
