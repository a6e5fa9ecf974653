"""The hospital's organisation: departments, care units, wards, rooms, beds."""
