"""Audit review pages for administrators."""

from hms.web.guard import guarded_router

router = guarded_router(prefix="/admin/audit")
