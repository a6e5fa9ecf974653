"""Reports for the people who run the hospital: aggregates of the database's
report_* views (migration 0038), never a patient's record."""
