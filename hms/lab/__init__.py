"""Laboratory orders and results, and imaging examinations with their reports."""
