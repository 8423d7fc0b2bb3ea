"""``manage.py sms_reply +358401234567 "KYLLÄ 4821"``: take a text message as if the SMS
provider had posted it to the inbound webhook (the console backend's way to answer; the demo and
tests use it). Prints the reply, which is also in the message log."""

from django.core.management.base import BaseCommand

from expertbank.sms import get_sms_backend


class Command(BaseCommand):
    help = "Receive a text message from a phone number as if the SMS provider had posted it."

    def add_arguments(self, parser):
        parser.add_argument("sender", help="The sender's phone number, e.g. +358401234567")
        parser.add_argument("text", help='The text, e.g. "KYLLÄ 4821"')

    def handle(self, *args, sender: str, text: str, **options):
        reply = get_sms_backend().receive(sender=sender, text=text)
        self.stdout.write(reply or "(no reply: the sender is not a phone number)")
