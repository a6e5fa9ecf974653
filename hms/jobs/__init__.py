"""Timed background work, run by ``hms jobs run`` (from cron, every few
minutes) as the hms_worker role, which never acts as a user and reaches the
data only through the functions granted to it by name."""
