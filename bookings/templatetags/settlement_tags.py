"""``{% booking_money_note booking as note %}``: what is true about a booking's money, from the
app that keeps the records (``bookings.settlement``), for pages whose view does not ask."""

from django import template

from bookings.settlement import money_note

register = template.Library()

register.simple_tag(money_note, name="booking_money_note")
