"""Rights check (rechtencheck): entitlements as dated rules, three-valued, and where to apply.

Pure Python: imports only the standard library, yaml and directory.gazetteer; never flask or whoosh.
"""

from __future__ import annotations

from rights.engine import evaluate
from rights.model import (
    STATUS_LABELS_NL,
    STATUSES,
    EntitlementResult,
    Evaluation,
    Figure,
    OfficeKind,
    OfficeMatch,
    Option,
    Question,
    Range,
    RuleFileError,
    RuleProblem,
)
from rights.offices import match_offices, where_to_apply
from rights.rules import Entitlement, RuleBook, default_rulebook, load_rulebook
from rights.situation import Situation, SituationError
from rights.vocabulary import Fact, Parameter

__all__ = [
    "Entitlement",
    "EntitlementResult",
    "Evaluation",
    "Fact",
    "Figure",
    "OfficeKind",
    "OfficeMatch",
    "Option",
    "Parameter",
    "Question",
    "Range",
    "RuleBook",
    "RuleFileError",
    "RuleProblem",
    "STATUSES",
    "STATUS_LABELS_NL",
    "Situation",
    "SituationError",
    "default_rulebook",
    "evaluate",
    "load_rulebook",
    "match_offices",
    "where_to_apply",
]
