"""Portal pages for patients and relatives."""

from hms.web.guard import guarded_router

router = guarded_router(prefix="/my")
