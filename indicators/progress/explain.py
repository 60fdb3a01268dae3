"""The progress engine's verdicts in words, in each language of the message catalogue.

Every sentence is written once, in English, as a gettext message with named placeholders
(locale/zh_Hans/LC_MESSAGES/django.po translates it), and `explain()` words a verdict in a
language with those messages as rendered under `translation.override(language)`: an
`Evaluation`'s `explanation_en` and `explanation_zh` are the same sentence in two languages.
The pieces of a sentence (the years a figure covers, the target's wording, the notes) are
messages of their own, each placed by a placeholder of the sentence around it, so a
translation can reorder them. Figures are written with `gzplan.lib.numbers.fmt` in every
language.

The engine imports this module (for `Note` and to word its `Evaluation`s), so this one reads
the engine's values without importing it; no ORM, no model either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.core.signals import setting_changed
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from gzplan.lib.numbers import fmt

if TYPE_CHECKING:  # the engine imports this module: its names are only for the type checker here
    from indicators.progress.engine import Evaluation, TargetSpec


class Messages:
    """Lazy messages rendered once per language, under `translation.override`, and kept.

    A message through gettext costs microseconds (the active language is looked up at every
    call), and a page, an export or an API response words hundreds of verdicts.
    """

    _every: ClassVar[list[Messages]] = []

    def __init__(self, messages: Mapping[str, Promise]) -> None:
        self._messages = dict(messages)
        self._rendered: dict[str, dict[str, str]] = {}
        Messages._every.append(self)

    def rendered(self, language: str) -> dict[str, str]:
        """Each message in `language` (a Django language code: "en", "zh-hans")."""
        rendered = self._rendered.get(language)
        if rendered is None:
            with translation.override(language):
                rendered = self._rendered[language] = {key: str(text) for key, text in self._messages.items()}
        return rendered

    @classmethod
    def forget(cls, *, setting: str, **kwargs: Any) -> None:
        """Render again after a change of the settings that choose the catalogues (as Django does)."""
        if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
            for messages in cls._every:
                messages._rendered.clear()
            _years_covered.clear()


setting_changed.connect(Messages.forget)


class NoteKind(StrEnum):
    """What a note on a verdict says: the engine attaches notes, this module words them."""

    ALREADY_MET = "already_met"  # mid-period, the figure already meets the target
    NO_TREND = "no_trend"  # one figure and no baseline: no trend yet
    BASELINE_MET = "baseline_met"  # the baseline met the target; the latest figure no longer does
    MOVING_AWAY = "moving_away"  # the figures move away from the target (a negative ratio)
    TOTAL_REACHED = "total_reached"  # a `[ ]` period total already reached mid-period
    FROM_LEVELS = "from_levels"  # growth computed from the reported levels (nominal)
    YEARS_COVERED = "years_covered"  # `covered` of the period's `years` years have figures
    MET_EARLY = "met_early"  # a figure of `year` (`value`) reached a target to reach before its last figure
    PERIOD_ENDED = "period_ended"  # the period is closed with no figure for its end `year`: judged on the latest


class Note(NamedTuple):
    """A note on a verdict, as what it says and its numbers: worded in a language when shown."""

    kind: NoteKind
    covered: int = 0
    years: int = 0
    year: int = 0  # MET_EARLY: the year the target was reached; PERIOD_ENDED: the year without a figure
    value: float | None = None  # MET_EARLY: the figure that reached it


# The notes without numbers (YEARS_COVERED has a plural: see _note()), uncapitalised as the API serves them.
NOTES = Messages(
    {
        NoteKind.ALREADY_MET: gettext_lazy("already meets the target"),
        NoteKind.NO_TREND: gettext_lazy("one figure, no trend yet"),
        NoteKind.BASELINE_MET: gettext_lazy("the baseline met the target; the latest figure no longer does"),
        NoteKind.MOVING_AWAY: gettext_lazy("moving away from the target"),
        NoteKind.TOTAL_REACHED: gettext_lazy("the period total is already reached"),
        NoteKind.FROM_LEVELS: gettext_lazy("growth computed from the reported levels (nominal)"),
        # Translators: 提前完成: the year and the figure that reached the target before the last figure.
        NoteKind.MET_EARLY: gettext_lazy("met early: reached in %(year)s (%(value)s)"),
        # Translators: the period is over and no figure for its end year was reported: judged on the latest.
        NoteKind.PERIOD_ENDED: gettext_lazy("the period has ended with no figure for %(year)s: judged on the latest"),
    }
)
_NUMBERED = {NoteKind.MET_EARLY, NoteKind.PERIOD_ENDED}
_years_covered: dict[tuple[str, int], str] = {}

# The sentences and their pieces, each placed by the placeholders of the one around it.
SENTENCES = Messages(
    {
        # A target the reviewing body judged (完成省/市下达目标).
        "judged_met": gettext_lazy("Judged met by %(source)s."),
        "judged_not_met": gettext_lazy("Judged not met by %(source)s."),
        "reviewing_body": gettext_lazy("the reviewing body"),
        "pending": gettext_lazy("Target to be assigned by the higher level; no figure recorded yet."),
        # The same, naming the level that assigns it (完成国家/省/市下达目标): a whole sentence each, for word order.
        "pending_nation": gettext_lazy("Target to be assigned by the nation; no figure recorded yet."),
        "pending_province": gettext_lazy("Target to be assigned by the province; no figure recorded yet."),
        "pending_city": gettext_lazy("Target to be assigned by the city; no figure recorded yet."),
        # Translators: a target in words with no number (保持在合理区间), then those words as printed.
        "qualitative": gettext_lazy("Not assessed: qualitative target “%(text)s”."),
        "qualitative_no_text": gettext_lazy("Not assessed: qualitative target."),
        "no_common_years": gettext_lazy("No figures for the same years as the linked indicator yet."),
        "no_figure": gettext_lazy("No figure for %(start)s–%(end)s yet; target %(target)s in %(end)s."),
        # Final: the figure for the target year (or the whole period) against the target.
        "final": gettext_lazy("%(when)s: %(value)s against %(target)s: %(label)s."),
        # Translators: mid-period, the progress so far (%(progress)s below), then the ratio of observed to
        # required progress and the pace when known, then the status.
        "on_the_way": gettext_lazy("%(when)s: %(value)s vs expected %(expected)s on the way to %(target)s in %(year)s"),
        "against": gettext_lazy("%(when)s: %(value)s against %(target)s in %(year)s"),
        "ratio": gettext_lazy("%(progress)s (ratio of observed to required progress %(ratio)s)"),
        "pace": gettext_lazy("%(progress)s; at this pace %(anticipated)s in %(year)s"),
        "mid_period": gettext_lazy("%(progress)s: %(label)s."),
        # Translators: the notes after a sentence, joined one by one (%(notes)s, the notes so far).
        "notes": gettext_lazy("%(explanation)s %(notes)s."),
        "more_notes": gettext_lazy("%(notes)s; %(note)s"),
        # Translators: the years a figure covers, and the year it is reported for when that differs.
        "years": pgettext_lazy("years", "%(start)s–%(end)s"),
        "year": pgettext_lazy("a year", "%(year)s"),
        "reported_for": gettext_lazy("%(when)s (reported for %(year)s)"),
        # The target as the plan words it; "in step with" or "above" GDP growth for a linked target.
        "linked": gettext_lazy("in step with %(rate)s"),
        "linked_above": gettext_lazy("above %(rate)s"),
        "at_least": gettext_lazy("at least %(target)s"),
        "at_most": gettext_lazy("at most %(target)s"),
        "about": gettext_lazy("about %(target)s"),
        # Translators: a planning scale (常住人口 1550万), a projection rather than a goal.
        "scale": gettext_lazy("the planned scale of %(target)s"),
    }
)


def note_texts(notes: Iterable[Note], language: str) -> list[str]:
    """Each note as a phrase in `language`, uncapitalised: "3 of 5 years"."""
    return [_note(note, language) for note in notes]


def explain(result: Evaluation, language: str) -> str:
    """The verdict in `language`: a sentence with its figures, then its notes.

    "" for an evaluation that does not carry the target it judged (made by hand, not by
    `evaluate()`): there is nothing to quote.
    """
    if result.spec is None:
        return ""
    words = SENTENCES.rendered(language)
    sentence = _sentence(result.spec, result, words, language)
    if not result.note_items:
        return sentence
    notes = ""
    for note in result.note_items:
        text = _note(note, language)
        # The first note starts a sentence; the next ones follow a semicolon in it.
        notes = words["more_notes"] % {"notes": notes, "note": text} if notes else text[:1].upper() + text[1:]
    return words["notes"] % {"explanation": sentence, "notes": notes}


def _note(note: Note, language: str) -> str:
    if note.kind in _NUMBERED:
        return NOTES.rendered(language)[note.kind] % {"year": note.year, "value": fmt(note.value)}
    if note.kind is not NoteKind.YEARS_COVERED:
        return NOTES.rendered(language)[note.kind]
    template = _years_covered.get((language, note.years))
    if template is None:
        with translation.override(language):
            template = ngettext("%(covered)d of %(years)d year", "%(covered)d of %(years)d years", note.years)
        _years_covered[(language, note.years)] = template
    return template % {"covered": note.covered, "years": note.years}


def _sentence(spec: TargetSpec, result: Evaluation, words: dict[str, str], language: str) -> str:
    """The explanation without its notes; `result.method` tells which rule gave the verdict."""
    if result.method == "assessment":
        source = spec.assessment_source or words["reviewing_body"]
        return words["judged_met" if spec.assessment == "met" else "judged_not_met"] % {"source": source}
    if result.method == "assigned":
        return words.get(f"pending_{spec.assigned_by}", words["pending"])
    if result.method == "qualitative":
        text = spec.notation.strip()
        return words["qualitative"] % {"text": text} if text else words["qualitative_no_text"]
    if result.value is None:  # no figure to judge yet
        if result.method == "linked":
            return words["no_common_years"]
        return words["no_figure"] % {"start": spec.period_start, "end": spec.target_year, "target": fmt(result.target)}
    values: dict[str, object] = {
        "when": _when(result, words),
        "value": fmt(result.value),
        "target": _target(spec, result, words),
        "label": result.label(language),
    }
    if result.final:
        return words["final"] % values
    values.update(expected=fmt(result.expected), year=spec.target_year)
    if result.expected is not None and result.method != "linked":
        text = words["on_the_way"] % values
    else:
        text = words["against"] % values
    if result.ratio is not None:
        text = words["ratio"] % {"progress": text, "ratio": fmt(result.ratio)}
    if result.anticipated is not None and result.method in ("level", "cumulative"):
        text = words["pace"] % {"progress": text, "anticipated": fmt(result.anticipated), "year": spec.target_year}
    return words["mid_period"] % {"progress": text, "label": values["label"]}


def _when(result: Evaluation, words: dict[str, str]) -> str:
    end = result.reference_year or result.year
    start = result.first_year if result.first_year is not None else end
    if start != end:
        when = words["years"] % {"start": start, "end": end}
    else:
        when = words["year"] % {"year": end}
    if end != result.year:
        when = words["reported_for"] % {"when": when, "year": result.year}
    return when


def _target(spec: TargetSpec, result: Evaluation, words: dict[str, str]) -> str:
    target = fmt(result.target)
    if result.method == "linked":
        return words["linked_above" if spec.linked_relation == "above" else "linked"] % {"rate": target}
    if result.method == "scale":
        return words["scale"] % {"target": target}
    if spec.comparator in ("at_least", "at_most", "about"):
        return words[spec.comparator] % {"target": target}
    return target
