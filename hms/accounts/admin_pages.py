"""Staff administration pages (administrators only)."""

from hms.web.guard import guarded_router

router = guarded_router(prefix="/admin/staff")
