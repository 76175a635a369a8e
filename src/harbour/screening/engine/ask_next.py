"""What to ask next: the open questions whose "yes" could change the reading,
a dimension or a legal element, ranked most decisive first."""

from __future__ import annotations

from collections.abc import Mapping

from harbour.screening.engine.compiled import _Compiled, _from_bytes, _Masks
from harbour.screening.engine.data import (
    _PRECEDENCE,
    ElementStatus,
    LegalElementResult,
    NextEffect,
    NextQuestion,
    ReadingCode,
    Text,
    _reading_code,
)


def _next_questions(
    c: _Compiled,
    masks: _Masks,
    counts: list[tuple[int, int, int]],
    met_threshold: list[int],
    rule_met: Mapping[int, bool],
    subject: str,
    forms: tuple[str, ...],
    means_present: bool,
    exploitation_positive: bool,
    code: ReadingCode,
    legal: tuple[LegalElementResult, ...],
) -> tuple[NextQuestion, ...]:
    """Rank the open questions (no answer or "unknown"; never "declined").

    Tiers, most decisive first:
    0. a single yes would change the overall reading (the further the new reading
       goes, the earlier);
    1. a single yes would make its dimension positive;
    2. it builds towards a dimension that the person's rule still needs;
    3. it would support a legal element that is still unknown;
    4. it builds towards another dimension that is not yet positive;
    5. it would support a legal factor (s. 279.04(2)) that is still unknown.
    Within a tier: strong before medium before weak, then catalogue order.
    Questions in none of these tiers (their answer could change nothing) are left out.
    """
    open_mask = c.available_mask & ~(masks.yes | masks.no | masks.declined)
    if not open_mask:
        return ()
    # For each list that applies and is not met: the dimensions still needed, and
    # those whose turning positive alone would complete the rule.
    needed: set[int] = set()
    completing: dict[int, set[int]] = {}
    for lst in c.lists:
        if lst.available and lst.subject == subject and not rule_met.get(lst.key, False):
            unmet = [
                set(r.dimensions)
                for r in lst.requirements
                if not any(met_threshold[d] >= 0 for d in r.dimensions)
            ]
            for dimensions in unmet:
                needed |= dimensions
            if lst.form not in forms:
                completing[lst.key] = set.intersection(*unmet) if unmet else set()
    # Legal elements whose indicators are all still open or "no": a yes decides them.
    # (One already supported and waiting for a fact gains nothing from another yes.)
    open_elements = {
        result.id
        for result in legal
        if result.status is ElementStatus.UNKNOWN and not result.supporting
    }
    element_mask = 0
    for element in c.elements:
        if element.id in open_elements:
            element_mask |= element.mask
    rows: list[tuple[int, int, int, int, NextEffect, Text]] = []
    means_mask = c.means_mask
    positions = c.byte_positions
    table = c.positive_table  # covers every count reachable here (see _compile)
    for dimension in c.dimensions:
        in_dimension = open_mask & dimension.mask
        if not in_dimension:
            continue
        d = dimension.key
        positive = met_threshold[d] >= 0
        s, m, w = counts[d]
        gm = dimension.grade_masks
        reachable = not positive and (
            table[
                (
                    s + (in_dimension & gm[0]).bit_count(),
                    m + (in_dimension & gm[1]).bit_count(),
                    w + (in_dimension & gm[2]).bit_count(),
                )
            ]
            >= 0
        )
        if not reachable and not (in_dimension & (means_mask | element_mask)):
            continue  # nothing a yes here could change
        list_key = dimension.list_key
        for grade in (0, 1, 2):
            in_grade = in_dimension & gm[grade]
            if not in_grade:
                continue
            flips = reachable and (
                table[(s + (grade == 0), m + (grade == 1), w + (grade == 2))] >= 0
            )
            new_forms = forms
            if flips and d in completing.get(list_key, ()):
                new_forms = tuple(sorted((*forms, c.lists[list_key].form)))
            exploitation = exploitation_positive or (flips and dimension.kind == "exploitation")
            for means, group in ((True, in_grade & means_mask), (False, in_grade & ~means_mask)):
                if not group:
                    continue
                new_code = _reading_code(new_forms, means_present or means, exploitation, False)
                if new_code is not code or new_forms != forms:
                    text = c.changes_reading_texts[new_code]
                    precedence = -_PRECEDENCE[new_code]
                    effect = NextEffect.CHANGES_READING
                    rows.extend(
                        [
                            (0, precedence, grade, i, effect, text)
                            for i in _from_bytes(group, positions)
                        ]
                    )
                elif flips:
                    effect = NextEffect.MAKES_DIMENSION_POSITIVE
                    text = dimension.next_texts[effect]
                    rows.extend(
                        [(1, 0, grade, i, effect, text) for i in _from_bytes(group, positions)]
                    )
                elif reachable and d in needed:
                    effect = NextEffect.BUILDS_NEEDED_DIMENSION
                    text = dimension.next_texts[effect]
                    rows.extend(
                        [(2, 0, grade, i, effect, text) for i in _from_bytes(group, positions)]
                    )
                else:
                    if reachable:
                        effect = NextEffect.BUILDS_DIMENSION
                        text = dimension.next_texts[effect]
                        rows.extend(
                            [
                                (4, 0, grade, i, effect, text)
                                for i in _from_bytes(group & ~element_mask, positions)
                            ]
                        )
                    for i in _from_bytes(group & element_mask, positions):
                        element = next(e for e in c.indicator_elements[i] if e.id in open_elements)
                        if element.kind == "element":
                            effect, tier = NextEffect.SUPPORTS_LEGAL_ELEMENT, 3
                        elif reachable:
                            effect, tier = NextEffect.BUILDS_DIMENSION, 4
                        else:
                            effect, tier = NextEffect.SUPPORTS_LEGAL_FACTOR, 5
                        text = dimension.next_texts[effect] if tier == 4 else element.next_text
                        rows.append((tier, 0, grade, i, effect, text))
    rows.sort()  # the indicator position (row[3]) is unique: no tie reaches row[4]
    infos = c.infos
    return tuple(
        [
            NextQuestion(rank, infos[row[3]].id, row[4], row[5], infos[row[3]])
            for rank, row in enumerate(rows, start=1)
        ]
    )
