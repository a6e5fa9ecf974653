"""Referrals (remisser): a doctor asks another care unit of the hospital to take a patient into its care."""
