"""Generated news articles for scale benchmarks: varied, of realistic lengths, never copies.

Each article mixes reported figures (with "according to", reporting verbs, qualifiers, ranges),
direct quotes with speakers, and background prose, drawn from a seeded random generator, so that N
articles are N different texts with the shapes the extractors meet.

Like a real feed, the articles cover many stories at once: each story (20 to 200 articles) has its
own town, officials and local bodies, who originate most of its figures, while national bodies,
wire outlets and the regions recur across stories. A story's articles are spread over the feed, a
few dozen stories running at any time.
"""
from __future__ import annotations

import random
from typing import Iterator

FIRST = ["Anna", "Oleh", "Min-jun", "Sarah", "David", "Yulia", "Kenji", "Fatima", "Pavel", "Laura", "Tomas",
         "Ines", "Ji-woo", "Marco", "Hanna", "Ibrahim", "Clara", "Viktor", "Sofia", "Daniel"]
LAST = ["Kovalenko", "Park", "Lee", "Brennan", "Novak", "Tanaka", "Haddad", "Petrov", "Moreau", "Silva",
        "Kim", "Schmidt", "Rossi", "Nowak", "Hughes", "Cho", "Ivanova", "Larsen", "Okafor", "Duarte"]
ORGS = ["the Defence Ministry", "the National Intelligence Service", "the Institute for the Study of War",
        "the General Staff", "the Red Cross", "the United Nations", "the regional governor's office",
        "the State Emergency Service", "the Interior Ministry", "the border guard service"]
PLACES = ["Kursk", "Kharkiv", "Donetsk", "Belgorod", "Zaporizhzhia", "Sumy", "Odesa", "Kherson", "Bryansk", "Dnipro"]
OUTLETS = ["Reuters", "the Associated Press", "Radio Free Asia", "the Kyiv Independent", "Yonhap", "Meduza"]
SUBJECTS = ["soldiers", "troops", "civilians", "residents", "fighters", "prisoners", "people"]
OUTCOMES = [("killed", "were killed"), ("wounded", "were wounded"), ("captured", "were captured"),
            ("deployed", "were sent to the front"), ("casualties", "were killed or wounded"),
            ("displaced", "fled their homes")]
QUALIFIERS = ["", "about ", "more than ", "at least ", "as many as ", "nearly ", "some ", "up to "]
VERBS = ["said", "told reporters", "estimated", "reported", "announced", "wrote on Telegram", "claimed"]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "last week", "in the past 24 hours", "since January",
        "at the end of last month", "overnight"]
FILLER = ["The situation along the front line remained tense as both sides moved reserves closer to the border.",
          "Local officials said power had been restored to most districts after repairs to the grid.",
          "Humanitarian groups have warned that access to the area remains limited.",
          "The claims could not be independently verified.",
          "Analysts said the fighting was likely to continue through the winter.",
          "Schools in the district moved classes online after air raid alerts.",
          "Satellite images published by private companies showed new defensive positions.",
          "Prices for food and fuel in the region have risen sharply since the spring.",
          "Neither side has commented on the reports of new reinforcements.",
          "Rescue teams worked through the night to clear debris from damaged buildings."]
QUOTES = ["We are doing everything we can to protect the people who stayed", "The numbers are much higher than "
          "what has been admitted", "Nobody told them where they were going", "We need more air defence, and "
          "we need it now", "The families have not been informed", "This is a deliberate attempt to hide the losses",
          "Our teams reached the village only this morning", "It is too early to say how many are missing"]


SYLLABLES = ["va", "lo", "kri", "ne", "dro", "mi", "sta", "po", "hor", "lyu", "be", "za", "ty", "ro", "che",
             "vo", "da", "shi", "ku", "le", "mar", "os", "ten", "bu"]
TOWN_ENDINGS = ["ivka", "ske", "ovo", "yne", "ino", "hrad", "pil", "ka"]
SURNAME_ENDINGS = ["enko", "ov", "ska", "uk", "ez", "son", "ani", "berg"]
LOCAL_BODIES = ["District Council", "Military Administration", "Rescue Service", "City Hospital", "Police Department"]
NATIONAL_SHARE = 0.2  # of figures, originated by a national body rather than the story's own people


def coined(rng: random.Random, ending: list[str]) -> str:
    return ("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))) + rng.choice(ending)).capitalize()


class Story:
    """One event followed by several articles: a town, its officials and local bodies."""

    def __init__(self, rng: random.Random):
        self.town = coined(rng, TOWN_ENDINGS)
        self.region = rng.choice(PLACES)
        self.people = [f"{rng.choice(FIRST)} {coined(rng, SURNAME_ENDINGS)}" for _ in range(3)]
        self.bodies = [f"the {self.town} {body}" for body in rng.sample(LOCAL_BODIES, 2)]
        self.left = rng.randint(20, 200)

    def source(self, rng: random.Random) -> str:
        return rng.choice(ORGS) if rng.random() < NATIONAL_SHARE else rng.choice(self.people + self.bodies)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def number(rng: random.Random) -> str:
    value = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1, 40) * 500])
    if rng.random() < 0.15:
        return f"{value:,} to {value + rng.randint(1, 10) * 100:,}"
    return rng.choice(QUALIFIERS) + f"{value:,}"


def figure_sentence(rng: random.Random, story: Story) -> str:
    subject, outcome = rng.choice(SUBJECTS), rng.choice(OUTCOMES)[1]
    place, when = story.town, rng.choice(WHEN)
    source = story.source(rng)
    shape = rng.randrange(4)
    if shape == 0:
        return f"According to {source}, {number(rng)} {subject} {outcome} near {place} {when}."
    if shape == 1:
        return f"{source[0].upper() + source[1:]} {rng.choice(VERBS)} {when} that {number(rng)} {subject} {outcome} in {place}."
    if shape == 2:
        return f"{number(rng).capitalize()} {subject} {outcome} in the {place} region {when}, {source} {rng.choice(VERBS)}."
    return f"{number(rng).capitalize()} {subject} {outcome} around {place} {when}."


def quote_paragraph(rng: random.Random, story: Story) -> str:
    speaker, role = rng.choice(story.people), rng.choice(["a local official", "a military analyst",
                                                          "a spokesman for " + rng.choice(story.bodies),
                                                          "a resident of " + story.town, "a volunteer"])
    quote = rng.choice(QUOTES)
    if rng.random() < 0.5:
        return f'"{quote}," said {speaker}, {role}.'
    return f"{speaker}, {role}, told {rng.choice(OUTLETS)} that the count was incomplete. \u201c{quote}.\u201d"


def article(rng: random.Random, index: int, story: Story) -> str:
    place = story.town
    paragraphs = [f"Fighting near {place} in the {story.region} region: report {index} on losses and displacement"]
    for _ in range(rng.randint(4, 28)):
        kind = rng.random()
        if kind < 0.4:
            paragraphs.append(" ".join(figure_sentence(rng, story) for _ in range(rng.randint(1, 3))))
        elif kind < 0.6:
            paragraphs.append(quote_paragraph(rng, story))
        else:
            paragraphs.append(" ".join(rng.sample(FILLER, rng.randint(1, 4))))
    paragraphs.append(f"Additional reporting from {place} by {person(rng)} (item {index}).")
    return "\n\n".join(paragraphs)


def articles(n: int, seed: int = 7, running: int = 30) -> Iterator[tuple[str, str]]:
    """N articles over stories of which `running` are followed at any time."""
    rng = random.Random(seed)
    stories = [Story(rng) for _ in range(running)]
    for i in range(n):
        slot = rng.randrange(running)
        yield f"generated-{i:06d}.txt", article(rng, i, stories[slot])
        stories[slot].left -= 1
        if stories[slot].left <= 0:
            stories[slot] = Story(rng)
