"""What to ask next: the open questions whose "yes" could change the reading,
a dimension or a legal element, ranked most decisive first."""

from __future__ import annotations

from collections.abc import Mapping

from harbour.screening.engine.compiled import _Compiled, _Masks
from harbour.screening.engine.data import (
    _PRECEDENCE,
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
    positive: int,
    rule_met: Mapping[int, bool],
    subject: str,
    forms: tuple[str, ...],
    means_present: bool,
    exploitation_positive: bool,
    code: ReadingCode,
    element_mask: int,
    open_keys: int,
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

    `positive` has a bit per positive dimension key; `element_mask` holds the
    indicators of the legal elements still unknown with no "yes" (a yes decides
    them), `open_keys` those elements' keys (see `_legal_results`).
    """
    open_mask = c.available_mask & ~(masks.yes | masks.no | masks.declined)
    if not open_mask:
        return ()
    # For each list that applies and is not met: the dimensions still needed, and
    # those whose turning positive alone would complete the rule (bits of their keys).
    needed = 0
    completing: dict[int, int] = {}
    for lst in c.lists:
        if lst.available and lst.subject == subject and not rule_met.get(lst.key, False):
            unmet = [r.mask for r in lst.requirements if not positive & r.mask]
            for dimensions in unmet:
                needed |= dimensions
            if lst.form not in forms:
                common = unmet[0] if unmet else 0
                for dimensions in unmet:
                    common &= dimensions
                completing[lst.key] = common
    # Each row is one int, (tier, precedence, grade, position) in mixed radix, so
    # the sort compares ints; the position is unique, so it keys the effect and text.
    n = len(c.ids)
    keys: list[int] = []
    payload: dict[int, tuple[NextEffect, Text]] = {}

    def add(group: int, base: int, effect: NextEffect, text: Text) -> None:
        pair = (effect, text)
        while group:
            low = group & -group
            i = low.bit_length() - 1
            keys.append(base + i)
            payload[i] = pair
            group ^= low

    # What a yes that turns no dimension positive gives, with and without means:
    # the arguments `_reading_code` gets below in that case, evaluated once.
    plain_codes = (
        _reading_code(forms, means_present, exploitation_positive, False),
        _reading_code(forms, True, exploitation_positive, False),
    )
    means_mask = c.means_mask
    matters = means_mask | element_mask
    flat = c.positive_flat  # covers every count reachable here (see _compile)
    stride_s, stride_m = c.strides
    changes_texts = c.changes_reading_texts
    for dimension in c.dimensions:
        in_dimension = open_mask & dimension.mask
        if not in_dimension:
            continue
        d = dimension.key
        s, m, w = counts[d]
        base = s * stride_s + m * stride_m + w
        reachable = False
        if not positive >> d & 1:
            gm = dimension.grade_masks
            reachable = (
                flat[
                    base
                    + (in_dimension & gm[0]).bit_count() * stride_s
                    + (in_dimension & gm[1]).bit_count() * stride_m
                    + (in_dimension & gm[2]).bit_count()
                ]
                >= 0
            )
        if not reachable and not in_dimension & matters:
            continue  # nothing a yes here could change
        list_key = dimension.list_key
        completes = completing.get(list_key, 0) >> d & 1
        texts = dimension.next_texts
        for grade, means_part, other_part, step in c.next_steps[d]:
            in_means = in_dimension & means_part
            in_other = in_dimension & other_part
            if not (in_means or in_other):
                continue
            flips = reachable and flat[base + step] >= 0
            new_forms = forms
            if flips:
                if completes:
                    new_forms = tuple(sorted((*forms, c.lists[list_key].form)))
                exploitation = exploitation_positive or dimension.kind == "exploitation"
                new_codes = (
                    _reading_code(new_forms, means_present, exploitation, False),
                    _reading_code(new_forms, True, exploitation, False),
                )
            else:
                new_codes = plain_codes
            for means, group in ((1, in_means), (0, in_other)):
                if not group:
                    continue
                new_code = new_codes[means]
                if new_code is not code or new_forms != forms:
                    precedence = 4 - _PRECEDENCE[new_code]  # tier 0: the furthest first
                    add(
                        group,
                        (precedence * 4 + grade) * n,
                        NextEffect.CHANGES_READING,
                        changes_texts[new_code],
                    )
                elif flips:
                    effect = NextEffect.MAKES_DIMENSION_POSITIVE
                    add(group, ((1 * 8) * 4 + grade) * n, effect, texts[effect])
                elif reachable and needed >> d & 1:
                    effect = NextEffect.BUILDS_NEEDED_DIMENSION
                    add(group, ((2 * 8) * 4 + grade) * n, effect, texts[effect])
                else:
                    if reachable:
                        effect = NextEffect.BUILDS_DIMENSION
                        add(group & ~element_mask, ((4 * 8) * 4 + grade) * n, effect, texts[effect])
                    in_elements = group & element_mask
                    while in_elements:
                        low = in_elements & -in_elements
                        in_elements ^= low
                        i = low.bit_length() - 1
                        for element in c.indicator_elements[i]:
                            if open_keys >> element.key & 1:
                                break
                        if element.kind == "element":
                            effect, tier = NextEffect.SUPPORTS_LEGAL_ELEMENT, 3
                        elif reachable:
                            effect, tier = NextEffect.BUILDS_DIMENSION, 4
                        else:
                            effect, tier = NextEffect.SUPPORTS_LEGAL_FACTOR, 5
                        text = texts[effect] if tier == 4 else element.next_text
                        keys.append(((tier * 8) * 4 + grade) * n + i)
                        payload[i] = (effect, text)
    keys.sort()
    ids = c.ids
    infos = c.infos
    out: list[NextQuestion] = []
    for rank, key in enumerate(keys, start=1):
        i = key % n
        effect, text = payload[i]
        out.append(NextQuestion(rank, ids[i], effect, text, infos[i]))
    return tuple(out)
