"""The calendar feed: a member of staff's appointments as iCalendar, for their
calendar program, which has no session. The private token in the address is
the only key; the database checks it, audits the fetch, and gives times,
type, unit and room only: the feed leaves the hospital's systems, so it
names no patient."""

from datetime import UTC, datetime

from fastapi import Depends
from fastapi.responses import Response
from icalendar import Calendar, Event

from hms.core.context import RequestContext
from hms.scheduling import read
from hms.web.guard import current, guarded_router, public

router = guarded_router(prefix="/calendar")

SUMMARY = {"in_person": "", "phone": " (phone)", "video": " (video)"}


@router.get("/feed.ics")
@public
def calendar_feed(token: str = "", ctx: RequestContext = Depends(current)) -> Response:
    events = read.feed_events(ctx, token=token)
    cal = Calendar()
    cal.add("prodid", "-//HMS//Scheduling//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "HMS")
    stamp = datetime.now(UTC)
    for row in events:
        event = Event()
        event.add("uid", f"appointment-{row['appointment_id']}@hms")
        event.add("dtstamp", stamp)
        event.add("dtstart", row["starts_at"].astimezone(UTC))
        event.add("dtend", row["ends_at"].astimezone(UTC))
        event.add("summary", f"{row['type_name']}{SUMMARY.get(row['mode'], '')}")
        event.add("location", ", ".join(p for p in (row["unit_name"], row["room_name"]) if p))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8")
