"""The ward board (/ward): the wards of the user's care units, and one page
per ward with every bed, its patient, the latest NEWS2, what is overdue,
today's care-plan items and unacknowledged critical results. The page asks
the database once for the whole ward and refreshes itself every minute."""

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.roles import Permission
from hms.ward import read
from hms.web.guard import current, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/ward")

REFRESH_SECONDS = 60


@router.get("", response_class=HTMLResponse)
@requires(Permission.WARD_BOARD)
def wards(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    rows = read.wards_mine(ctx)
    if len(rows) == 1:
        return RedirectResponse(f"/ward/{rows[0]['ward_id']}", status_code=303)
    return page(request, ctx, "ward/wards.html", wards=rows)


@router.get("/{ward_id}", response_class=HTMLResponse)
@requires(Permission.WARD_BOARD)
def board(request: Request, ward_id: int, ctx: RequestContext = Depends(current)) -> Response:
    response = page(request, ctx, "ward/board.html", board=read.board(ctx, ward_id=ward_id))
    # The board stays open at the nurses' station: the browser asks again.
    response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response
