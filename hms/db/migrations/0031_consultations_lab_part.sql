-- A sixth part of the record a doctor may show an outside specialist: lab
-- and imaging results. Until now the lab and radiology tables (0029), read
-- through the clinical area, showed every result to the specialist of an open
-- consultation whatever parts were chosen. The value is added here, and the
-- restrictive policies that use it in 0032: a new enum value cannot be used
-- in the transaction that adds it.
-- depends: 0030_journal_icd10_swedish

ALTER TYPE consultation_part ADD VALUE IF NOT EXISTS 'lab' AFTER 'medication';
