"""Demo experts: a believable pool of about thirty in Vantaa and the rest of Uusimaa.

Every status is there; most experts are active and certified, some in training; some have an
alias, an earnings cap or a tax card; a few lack consent to the current privacy notice, and some
documents have expired or expire soon, so the coordinator's work queue has something in it.
Dates are relative to today, so the demo stays current. The first three are the bookings demo's
experts and are always bookable. Identity codes have a valid check character but are made up.
"""

from experts.demo.people import EXPERTS, DemoExpert
from experts.demo.profiles import seed

__all__ = ["EXPERTS", "DemoExpert", "seed"]
