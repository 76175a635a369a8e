"""Small fictional sets of mentions with known parties, for the linkage tests."""

from __future__ import annotations

import random

from harbour.networks.linkage import Mention

SURNAMES = [
    "Tremblay",
    "Côté",
    "García",
    "Santos",
    "Singh",
    "Campbell",
    "Nguyen",
    "Reyes",
    "Bouchard",
    "López",
    "Gagnon",
    "Patel",
    "Morales",
    "Clarke",
    "Roy",
    "Dubé",
]
NOUNS = [
    "Farms",
    "Greenhouses",
    "Orchards",
    "Packers",
    "Poultry",
    "Nurseries",
    "Produce",
    "Berries",
    "Vineyards",
    "Mushrooms",
]
STREETS = ["Talbot", "Erie", "Principale", "Notre-Dame", "King", "Queen", "Mill", "Oak"]


def employers(
    parties: int, mentions_each: int, seed: int = 3
) -> tuple[list[Mention], dict[str, str]]:
    """`parties` employers, each named `mentions_each` times in different spellings.

    Returns the mentions and the truth (mention id -> party)."""
    rng = random.Random(seed)
    mentions: list[Mention] = []
    truth: dict[str, str] = {}
    for party in range(parties):
        name = f"{SURNAMES[party % len(SURNAMES)]} {NOUNS[(party // len(SURNAMES)) % len(NOUNS)]}"
        if party % 5 == 0:
            name = f"{1000000 + 7919 * party} Ontario"
        phone = f"519{200 + party:03d}{rng.randint(1000, 9999)}"
        civic = 10 + party
        street = STREETS[party % len(STREETS)]
        for copy in range(mentions_each):
            spelled = [
                f"{name} Inc.",
                f"{name.upper()} LTÉE",
                f"{name} Limited",
                f"{name}, inc",
                f"{name} Ltd./Ltée",
            ][copy % 5]
            dialled = [
                f"({phone[:3]}) {phone[3:6]}-{phone[6:]}",
                f"1-{phone[:3]}-{phone[3:6]}-{phone[6:]}",
                f"+1 {phone[:3]} {phone[3:6]} {phone[6:]}",
                f"{phone[:3]}.{phone[3:6]}.{phone[6:]}",
                "",
            ][(copy + party) % 5]
            written = [
                f"{civic} {street} St, Leamington, ON N8H 1A{party % 10}",
                f"{civic} {street} Street Leamington Ontario n8h1a{party % 10}",
                "",
                f"{civic} rue {street}, Leamington (Ont.)",
            ][(copy + 2 * party) % 4]
            mention_id = f"p{party:03d}-{copy}"
            truth[mention_id] = f"party-{party}"
            mentions.append(
                Mention(
                    mention_id,
                    "employer",
                    spelled,
                    dialled,
                    written,
                    case_id=f"c{party}-{copy}",
                    org="org-a",
                )
            )
    rng.shuffle(mentions)
    return mentions, truth


def pairwise_f1(assigned: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    from collections import Counter

    def pairs(counts: Counter[object]) -> int:
        return sum(count * (count - 1) // 2 for count in counts.values())

    together = pairs(Counter((assigned[m], truth[m]) for m in truth))
    predicted = pairs(Counter(assigned[m] for m in truth))
    actual = pairs(Counter(truth.values()))
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
