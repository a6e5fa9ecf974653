"""Consultation pages: request (clinicians), answer (external specialists)."""

from hms.web.guard import guarded_router

router = guarded_router(prefix="/consultations")
