"""Scheduling: appointment types, working hours, rooms, bookings, check-in
(which starts care), the waitlist, reminders and the staff calendar feed."""
