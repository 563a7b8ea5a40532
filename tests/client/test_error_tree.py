"""``client/errors.py`` draws the whole ``ClientError`` tree, and the drawing is complete.

Every module of ``client`` is imported, then ``ClientError.__subclasses__()`` is walked
recursively; each class must appear in the docstring's tree under its real parent and with
its module. A failure says exactly which lines to add, change or remove.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import client
import client.errors
from client.errors import ClientError

#: One line of the drawing: four spaces of literal block, two more per level.
_LINE = re.compile(r"^    (?P<indent>(?:  )*)(?P<name>\w+) \((?P<module>client(?:\.\w+)*)\)$")

Key = tuple[str, str]  # (module, class name)


def _import_every_client_module() -> None:
    for info in pkgutil.walk_packages(client.__path__, "client."):
        if info.name.rpartition(".")[2] == "__main__":
            continue  # running it is the command line itself
        importlib.import_module(info.name)


def _line(key: Key, depth: int) -> str:
    module, name = key
    return f"    {'  ' * depth}{name} ({module})"


def _actual() -> dict[Key, tuple[Key | None, int]]:
    """Every client error class -> (its parent, its depth), in a pre-order walk."""
    found: dict[Key, tuple[Key | None, int]] = {}

    def walk(cls: type[BaseException], parent: Key | None, depth: int) -> None:
        key = (cls.__module__, cls.__name__)
        found[key] = (parent, depth)
        subclasses = [s for s in cls.__subclasses__() if s.__module__.split(".")[0] == "client"]
        for sub in sorted(subclasses, key=lambda s: (s.__module__, s.__name__.lstrip("_"))):
            walk(sub, key, depth + 1)

    walk(ClientError, None, 0)
    return found


def _drawn() -> dict[Key, tuple[Key | None, int]]:
    """The docstring's tree: class -> (parent, depth)."""
    drawn: dict[Key, tuple[Key | None, int]] = {}
    stack: list[Key] = []
    for text in (client.errors.__doc__ or "").splitlines():
        match = _LINE.match(text)
        if match is None:
            continue
        depth = len(match["indent"]) // 2
        key = (match["module"], match["name"])
        del stack[depth:]
        drawn[key] = (stack[-1] if stack else None, depth)
        stack.append(key)
    return drawn


def test_the_drawing_is_read_back() -> None:
    drawn = _drawn()
    assert drawn[("client.errors", "ClientError")] == (None, 0)
    assert drawn[("client.mail.errors", "MailError")] == (("client.errors", "ClientError"), 1)


def test_every_client_error_is_drawn_under_its_parent_in_client_errors() -> None:
    _import_every_client_module()
    actual, drawn = _actual(), _drawn()
    assert len(actual) > 50, "too few client errors found: were the modules imported?"
    problems = []
    for key, (parent, depth) in actual.items():
        parent_line = _line(parent, depth - 1) if parent else "(the root)"
        if key not in drawn:
            problems.append(f"add, under {parent_line.strip()!r}, the line:\n{_line(key, depth)}")
        elif drawn[key] != (parent, depth):
            problems.append(f"move {_line(key, drawn[key][1]).strip()!r} under "
                            f"{parent_line.strip()!r}, as:\n{_line(key, depth)}")
    for key, (_, depth) in drawn.items():
        if key not in actual:
            problems.append(f"remove the line (no such class in that module):\n"
                            f"{_line(key, depth)}")
    assert not problems, (
        "The ClientError tree in client/errors.py's docstring is out of date:\n\n"
        + "\n\n".join(problems)
    )
