"""Every event, field and coded value the product records is worded in the security log.

The product's own calls are read from its source (``audit_record(...)`` and the spool's
``batch.audit_record(...)`` in ``client/``, ``ui/`` and ``cps/``), so a new event, a new
field or a new literal value without words fails here instead of showing its raw key to
a French user.
"""

from __future__ import annotations

import ast

from client.audit import EVENTS
from client.mail import receipts
from tests.helpers.data import REPO
from ui.audit_view import _field_label, _value_words, event_label
from ui.i18n import install_language

#: Fields whose values are data (an address, a message id, a count), not codes.
_DATA_FIELDS = {"address", "message_id", "recipients", "to", "refused", "count", "sources",
                "attempts_left", "through_seq"}


def _calls() -> list[ast.Call]:
    calls: list[ast.Call] = []
    for package in ("client", "ui", "cps"):
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            # audit_record(...), and AuditBatch.audit_record(...) (the spool's batches).
            calls += [node for node in ast.walk(tree) if isinstance(node, ast.Call) and (
                (isinstance(node.func, ast.Name) and node.func.id == "audit_record")
                or (isinstance(node.func, ast.Attribute)
                    and node.func.attr == "audit_record"))]
    return calls


def _recorded() -> tuple[set[str], set[str], set[tuple[str, str]]]:
    events: set[str] = set()
    fields: set[str] = set()
    values: set[tuple[str, str]] = set()
    for call in _calls():
        if call.args and isinstance(call.args[0], ast.Constant):
            events.add(str(call.args[0].value))
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            fields.add(keyword.arg)
            if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                values.add((keyword.arg, keyword.value.value))
    return events, fields, values


def _refusal_rules() -> set[str]:
    """The rules ``RecipientRefused`` is raised with (recorded as ``rule``)."""
    tree = ast.parse((REPO / "client" / "mail" / "policy.py").read_text(encoding="utf-8"))
    return {str(node.args[1].value) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "RecipientRefused" and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)}


def test_the_source_is_read() -> None:
    events, fields, values = _recorded()
    assert {"sign-in", "send", "pin-refused", "card-removed"} <= events
    assert {"address", "where", "refused"} <= fields
    assert ("where", "desktop") in values
    assert {"outside-trust-space", "no-trust-list"} <= _refusal_rules()


def test_every_recorded_event_field_and_code_has_words(qapp: object) -> None:
    # In French, where no word coincides with an English code; that every French word
    # has its English is test_i18n's check of the catalog.
    install_language("fr")
    events, fields, values = _recorded()
    assert sorted(events - EVENTS) == []  # the trail's own list of events is complete
    assert [e for e in sorted(events) if event_label(e) == e] == []
    assert [f for f in sorted(fields) if _field_label(f) == f] == []
    coded = {(name, value) for name, value in values if name not in _DATA_FIELDS}
    coded |= {("rule", rule) for rule in _refusal_rules()}
    coded |= {("kind", kind.__name__) for kind in (receipts.Mdn, receipts.DeliveryFailure)}
    assert sorted((n, v) for n, v in coded if _value_words(n, v) == v) == []
