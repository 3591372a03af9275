"""A repeat's children's logic, applied in each instance (XLSForm/ODK semantics).

Inside a repeat, ``${sibling}`` is the sibling in the same instance (``../sibling``, as pyxform
writes it), ``${top}`` a top-level answer, ``.`` the child's own value; from outside,
``count(${repeat})`` counts the instances and ``sum(${child})`` adds a child over them. A child
that is not relevant in an instance has its value dropped there (its errors too); required_if,
constraints and choice filters give errors at ``/properties/<repeat>/<index>/<child>``, and a
``calculate`` child is computed in each instance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from app.campaigns.expressions import child_paths
from app.campaigns.field_logic import FieldLogic, field_checks, field_logic
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError

VALUELESS = frozenset({"note"})


class RepeatLogic:
    """The compiled logic of one repeat's children, in form order."""

    def __init__(self, spec: FieldSpec, paths: Mapping[str, str]) -> None:
        children = [child for child in spec.fields or [] if child.type not in VALUELESS]
        own = child_paths(paths, spec.name, [child.name for child in spec.fields or []])
        self.name = spec.name
        self.children: list[FieldLogic] = [field_logic(child, own) for child in children]

    def calculate(self, root: ElementTree.Element) -> None:
        """Each instance's calculations, set in the instance (read by what follows)."""
        for group in root.findall(self.name):
            for child in self.children:
                element = group.find(child.name)
                if child.calculation and element is not None:
                    element.text = ""
                    element.text = child.calculation.value(root, element)

    def apply(
        self, root: ElementTree.Element, items: list[Any], errors: list[FieldError], at: str
    ) -> tuple[list[Any], list[FieldError]]:
        """The instances kept (non-relevant children dropped, calculations set) and the
        errors (those of dropped children removed, the logic's own added)."""
        kept_items: list[Any] = []
        dropped: list[str] = []
        added: list[FieldError] = []
        for index, (group, item) in enumerate(zip(root.findall(self.name), items, strict=True)):
            if not isinstance(item, dict):
                kept_items.append(item)
                continue
            kept = dict(item)
            for child in self.children:
                here = f"{at}/{index}/{child.name}"
                element = group.find(child.name)
                assert element is not None  # build_instance gives every child
                if child.relevant and not child.relevant.condition(root, element):
                    kept.pop(child.name, None)
                    element.text = ""
                    dropped.append(here)
                elif child.calculation:
                    element.text = child.calculation.value(root, element)
                    _set_value(kept, child.name, element.text)
                else:
                    added.extend(field_checks(child, kept, root, element, group, here))
            kept_items.append(kept)
        remaining = [e for e in errors if not any(_under(e.path, path) for path in dropped)]
        return kept_items, remaining + added


def _set_value(values: dict[str, Any], name: str, result: str) -> None:
    if result:
        values[name] = result
    else:
        values.pop(name, None)


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")
