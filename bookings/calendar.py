"""An expert's calendar feed (iCalendar): their planned gigs with the place and the contact."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.selectors import calendar_gigs
from experts.models import Expert


def discreet_title(place: str, start) -> str:
    """What a discreet expert's calendar and messages say of a gig (the same words as
    ``notifications/_discreet.txt``)."""
    return _("Gig – %(place)s, %(time)s") % {
        "place": place or "–",
        "time": date_format(timezone.localtime(start), "SHORT_DATETIME_FORMAT"),
    }


def calendar_feed(expert: Expert) -> bytes:
    """The expert's planned gigs from 90 days back, in the expert's language; in discreet mode
    (``User.discreet``) only "Gig – place, time" and the link to the gig behind the login."""
    discreet = expert.user.discreet
    host = urlsplit(settings.SITE_URL).hostname or "expertbank"
    with translation.override(expert.user.language):
        calendar = Calendar()
        calendar.add("prodid", "-//Expert bank//Gigs//FI")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("My gigs"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add("refresh-interval;value=duration", "PT1H")
        for gig in calendar_gigs(expert):
            booking = gig.assignment.booking
            event = Event()
            event.add("uid", f"gig-{gig.pk}@{host}")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", gig.start)
            event.add("dtend", gig.end)
            place = gig.occurrence.place or booking.place
            if discreet:
                event.add("summary", discreet_title(place, gig.start))
                if place:
                    event.add("location", place)
                link = settings.SITE_URL + reverse("bookings_expert:gig", args=[gig.pk])
                event.add("description", link)
                event.add("status", "CONFIRMED")
                calendar.add_component(event)
                continue
            event.add("summary", f"{booking.title} ({booking.work_kind.name})")
            event.add("location", place or booking.remote_link)
            lines = [f"{booking.unit.organisation.name} / {booking.unit.name}"]
            contact = ", ".join(filter(None, [booking.contact_name, booking.contact_phone]))
            if contact:
                lines.append(_("Contact: %(contact)s") % {"contact": contact})
            if booking.remote_link:
                lines.append(booking.remote_link)
            if not gig.time_confirmed:
                lines.append(_("The time has changed: confirm it on your gigs page."))
            event.add("description", "\n".join(lines))
            event.add("status", "CONFIRMED")
            calendar.add_component(event)
        return calendar.to_ical()
