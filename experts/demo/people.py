"""The demo pool: who the thirty-odd demo experts are (made-up identity codes with a valid
check character, generated bank accounts, areas, availability, documents, tax cards)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schwifty import IBAN

from expertbank.demo import DEMO_DOMAIN
from experts.models import Expert

A, P, T, R = (
    Expert.Status.ACTIVE,
    Expert.Status.PAUSED,
    Expert.Status.IN_TRAINING,
    Expert.Status.RETIRED,
)
WEEKDAYS = range(5)
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(born: date, individual: int) -> str:
    """A personal identity code with a correct check character (made up, not a real person's)."""
    sign = "-" if born.year < 2000 else "A"
    digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
    return f"{digits[:6]}{sign}{digits[6:]}{HETU_CHECK[int(digits) % 31]}"


def iban(bank: str, account: str) -> str:
    return IBAN.generate("FI", bank_code=bank, account_code=account).compact


@dataclass
class DemoExpert:
    email: str
    name: str
    municipality: str
    status: str = A
    alias: str = ""
    language: str = "fi"
    areas: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["fi"])
    kinds: list[str] = field(default_factory=lambda: ["talk", "customer-panel"])
    certified_days_ago: int | None = 400
    consent: bool = True
    born: date = date(1975, 1, 1)
    individual: int = 200
    bank: tuple[str, str] = ("500", "12345678")
    slots: list[tuple[int, int, int]] = field(default_factory=lambda: [(1, 9, 15), (3, 12, 18)])
    # criminal-record extract: (seen days ago, valid for days); None = not seen
    record: tuple[int, int] | None = (200, 730)
    blackout: tuple[int, int] | None = None  # (starts in days, lasts days)
    cap_monthly: str | None = None
    cap_yearly: str | None = None
    tax_rate: str | None = "20.00"
    prepayment: bool = False
    expenses_only: bool = False
    max_gigs: int | None = None
    rest_days: int = 0
    remote_ok: bool = True
    radius: int | None = 30
    bio: str = ""
    schools: bool = False  # areas also shown to schools


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


EVERY_WEEKDAY = [(day, 8, 18) for day in WEEKDAYS]

EXPERTS = [
    # The bookings demo relies on these three: active, certified, consent, available.
    DemoExpert(
        _email("asiantuntija"),
        "Anna Korhonen",
        "Vantaa",
        alias="Anna K.",
        areas=["substance-use", "mental-health", "family"],
        languages=["fi", "en"],
        kinds=["talk", "training", "customer-panel", "peer-support"],
        certified_days_ago=900,
        born=date(1978, 3, 14),
        individual=246,
        slots=EVERY_WEEKDAY,
        bio="Puhun päihteistä toipumisesta ja perheen tukemisesta.",
        schools=True,
        tax_rate="18.50",
    ),
    DemoExpert(
        _email("mikko.makinen"),
        "Mikko Mäkinen",
        "Helsinki",
        areas=["criminal-sanctions", "substance-use", "homelessness"],
        kinds=["talk", "training", "service-development", "co-teaching"],
        certified_days_ago=700,
        born=date(1969, 11, 2),
        individual=313,
        bank=("100", "1234567"),
        slots=EVERY_WEEKDAY,
        bio="Vankilasta vapautumisen jälkeinen arki ja asunnon löytäminen.",
        tax_rate="22.00",
    ),
    DemoExpert(
        _email("johanna.lindholm"),
        "Johanna Lindholm",
        "Espoo",
        alias="Jossu",
        language="sv",
        areas=["mental-health", "youth", "child-welfare"],
        languages=["sv", "fi", "en"],
        kinds=["talk", "customer-panel", "co-teaching", "media"],
        certified_days_ago=500,
        born=date(1990, 6, 21),
        individual=424,
        bank=("405", "520123"),
        slots=EVERY_WEEKDAY,
        bio="Ungdomens psykiska hälsa och barnskyddet ur egen erfarenhet.",
        schools=True,
        cap_monthly="976.59",
    ),
    DemoExpert(
        _email("pekka.nieminen"),
        "Pekka Nieminen",
        "Vantaa",
        areas=["substance-use", "homelessness"],
        born=date(1966, 2, 9),
        individual=517,
        record=(700, 750),  # expires in about 50 days
        max_gigs=6,
    ),
    DemoExpert(
        _email("sari.heikkinen"),
        "Sari Heikkinen",
        "Helsinki",
        alias="Sari H.",
        areas=["mental-health", "long-term-illness"],
        kinds=["talk", "training", "peer-support"],
        born=date(1982, 8, 30),
        individual=268,
        bank=("800", "2345671"),
        record=(700, 720),  # expires in about 20 days
        blackout=(25, 7),
        cap_monthly="976.59",
        rest_days=2,
    ),
    DemoExpert(
        _email("timo.laine"),
        "Timo Laine",
        "Kerava",
        areas=["gambling", "substance-use"],
        kinds=["talk", "customer-panel", "media"],
        born=date(1974, 4, 17),
        individual=391,
        record=(740, 730),  # expired ten days ago
    ),
    DemoExpert(
        _email("minna.koskinen"),
        "Minna Koskinen",
        "Vantaa",
        status=T,
        areas=["family", "child-welfare"],
        certified_days_ago=None,
        born=date(1988, 12, 5),
        individual=608,
        record=None,
        tax_rate=None,
    ),
    DemoExpert(
        _email("jari.jarvinen"),
        "Jari Järvinen",
        "Tuusula",
        areas=["criminal-sanctions", "violence"],
        kinds=["talk", "training", "co-teaching"],
        born=date(1971, 7, 23),
        individual=455,
        bank=("339", "10001234"),
        rest_days=3,
        radius=50,
    ),
    DemoExpert(
        _email("tiina.lehtonen"),
        "Tiina Lehtonen",
        "Espoo",
        areas=["disability", "long-term-illness", "social-services"],
        languages=["fi", "en", "fi-selko"],
        kinds=["service-development", "customer-panel", "training"],
        born=date(1985, 1, 28),
        individual=642,
        cap_yearly="11000.00",
        remote_ok=True,
        radius=15,
    ),
    DemoExpert(
        _email("henrik.sjoberg"),
        "Henrik Sjöberg",
        "Porvoo",
        language="sv",
        areas=["substance-use", "mental-health"],
        languages=["sv", "fi"],
        kinds=["talk", "training"],
        born=date(1963, 9, 12),
        individual=275,
        bank=("100", "7654321"),
        prepayment=True,
        tax_rate=None,
        radius=80,
    ),
    DemoExpert(
        _email("elina.salonen"),
        "Elina Salonen",
        "Järvenpää",
        alias="Elli",
        areas=["youth", "mental-health"],
        kinds=["talk", "peer-support", "co-teaching"],
        born=date(1996, 5, 3),
        individual=720,
        blackout=(3, 8),
        schools=True,
    ),
    DemoExpert(
        _email("marko.turunen"),
        "Marko Turunen",
        "Vantaa",
        status=P,
        areas=["homelessness", "social-services"],
        born=date(1970, 10, 19),
        individual=333,
    ),
    DemoExpert(
        _email("riikka.hamalainen"),
        "Riikka Hämäläinen",
        "Helsinki",
        areas=["child-welfare", "family", "violence"],
        kinds=["talk", "training", "service-development"],
        born=date(1984, 3, 8),
        individual=586,
        bank=("800", "1200456"),
        record=(680, 730),  # expires in about 50 days
        rest_days=2,
        schools=True,
    ),
    DemoExpert(
        _email("kalle.ahonen"),
        "Kalle Ahonen",
        "Vantaa",
        status=R,
        areas=["substance-use"],
        born=date(1952, 1, 15),
        individual=211,
        expenses_only=True,
        record=None,
        tax_rate=None,
        certified_days_ago=3000,
    ),
    DemoExpert(
        _email("satu.rantanen"),
        "Satu Rantanen",
        "Sipoo",
        areas=["long-term-illness", "disability"],
        kinds=["customer-panel", "service-development"],
        born=date(1979, 11, 11),
        individual=484,
        blackout=(-2, 9),
        cap_monthly="976.59",
    ),
    DemoExpert(
        _email("ville.karjalainen"),
        "Ville Karjalainen",
        "Helsinki",
        status=T,
        areas=["gambling", "youth"],
        certified_days_ago=None,
        consent=False,
        born=date(2001, 2, 20),
        individual=159,
        record=None,
        tax_rate=None,
    ),
    DemoExpert(
        _email("paula.mattila"),
        "Paula Mattila",
        "Nurmijärvi",
        areas=["mental-health", "family"],
        born=date(1976, 6, 6),
        individual=826,
        max_gigs=4,
        remote_ok=True,
        radius=None,
    ),
    DemoExpert(
        _email("juha.savolainen"),
        "Juha Savolainen",
        "Vantaa",
        areas=["criminal-sanctions", "homelessness", "substance-use"],
        kinds=["talk", "co-teaching", "peer-support"],
        born=date(1968, 8, 1),
        individual=377,
        bank=("405", "610555"),
        record=(120, 730),  # a fresh extract; an expired one is on file too
        cap_yearly="6000.00",
    ),
    DemoExpert(
        _email("katja.laaksonen"),
        "Katja Laaksonen",
        "Espoo",
        alias="Katja",
        areas=["social-services", "homelessness"],
        kinds=["service-development", "customer-panel"],
        born=date(1981, 12, 24),
        individual=598,
    ),
    DemoExpert(
        _email("mats.holmstrom"),
        "Mats Holmström",
        "Kirkkonummi",
        language="sv",
        areas=["substance-use", "violence"],
        languages=["sv", "fi", "en"],
        kinds=["talk", "training"],
        born=date(1973, 3, 30),
        individual=239,
        bank=("339", "20004567"),
        radius=60,
    ),
    DemoExpert(
        _email("hanna.leinonen"),
        "Hanna Leinonen",
        "Kerava",
        areas=["mental-health", "child-welfare"],
        kinds=["talk", "peer-support"],
        born=date(1987, 9, 9),
        individual=662,
        rest_days=1,
    ),
    DemoExpert(
        _email("antti.hiltunen"),
        "Antti Hiltunen",
        "Vantaa",
        areas=["gambling", "mental-health"],
        languages=["fi", "en", "ru"],
        kinds=["talk", "media", "customer-panel"],
        born=date(1983, 4, 4),
        individual=551,
        bank=("100", "5550123"),
    ),
    DemoExpert(
        _email("heidi.kinnunen"),
        "Heidi Kinnunen",
        "Helsinki",
        status=T,
        areas=["youth", "social-services"],
        certified_days_ago=None,
        born=date(1999, 7, 17),
        individual=744,
        record=None,
        tax_rate=None,
    ),
    DemoExpert(
        _email("sami.miettinen"),
        "Sami Miettinen",
        "Vantaa",
        alias="Sami M.",
        areas=["substance-use", "criminal-sanctions"],
        kinds=["talk", "peer-support", "co-teaching"],
        born=date(1977, 10, 10),
        individual=399,
        cap_monthly="976.59",
        max_gigs=5,
    ),
    DemoExpert(
        _email("linnea.forsman"),
        "Linnea Forsman",
        "Kauniainen",
        language="sv",
        areas=["disability", "family"],
        languages=["sv", "en"],
        kinds=["customer-panel", "service-development"],
        born=date(1992, 1, 31),
        individual=812,
        bank=("800", "3300778"),
    ),
    DemoExpert(
        _email("jukka-pekka.vaisanen"),
        "Jukka-Pekka Väisänen",
        "Tuusula",
        status=P,
        areas=["homelessness", "substance-use"],
        born=date(1965, 5, 25),
        individual=253,
        record=(800, 730),  # expired, but he is paused: not in the work queue
    ),
    DemoExpert(
        _email("outi.pesonen"),
        "Outi Pesonen",
        "Järvenpää",
        areas=["long-term-illness", "mental-health"],
        kinds=["talk", "training"],
        born=date(1972, 2, 2),
        individual=646,
        expenses_only=True,
        tax_rate=None,
    ),
    DemoExpert(
        _email("reijo.toivonen"),
        "Reijo Toivonen",
        "Vantaa",
        areas=["criminal-sanctions", "violence"],
        consent=False,
        born=date(1960, 12, 12),
        individual=291,
    ),
    DemoExpert(
        _email("noora.laitinen"),
        "Noora Laitinen",
        "Helsinki",
        alias="Noora",
        areas=["youth", "child-welfare", "mental-health"],
        languages=["fi", "en", "so"],
        kinds=["talk", "customer-panel", "media"],
        consent=False,
        born=date(1997, 8, 8),
        individual=768,
        schools=True,
    ),
    DemoExpert(
        _email("aleksi.ojala"),
        "Aleksi Ojala",
        "Espoo",
        status=T,
        areas=["gambling"],
        certified_days_ago=None,
        born=date(1994, 11, 29),
        individual=137,
        record=None,
        tax_rate=None,
    ),
]
