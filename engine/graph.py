"""A pack's lifecycle and agenda as a Mermaid state diagram: what ``pop packs graph`` prints.

The picture comes from a ``transitions`` machine built for drawing only (its Mermaid backend
needs no Graphviz), separate from the machine that runs plans (:mod:`engine.lifecycle`), but
made from the same list of states (:func:`engine.lifecycle.state_sequence`): each phase a
nested state whose children are its agenda steps, then ``closed``. An arrow is labelled with
the rules that guard it (errors and warnings), as the lifecycle checks them.

transitions' diagram module is imported only when a graph is drawn.
"""

from __future__ import annotations

import re

from .pack import CLOSED, Pack
from .plan import phase_of, step_of

TRIGGER = "next"


def _label(text: str) -> str:
    """A label Mermaid accepts inside ``"…"``: one line, no double quotes or semicolons."""
    text = " ".join(str(text).split())
    return text.replace('"', "'").replace(";", ",").replace("#", "")


def _guards(pack: Pack, source: str, dest: str) -> list[str]:
    """The ids of the rules checked when a plan moves from ``source`` to ``dest``."""
    rules = []
    step = step_of(source)
    if step:
        rules += pack.rules_at(step)
    if phase_of(source) != phase_of(dest):
        rules += pack.rules_at(phase_of(source))
    return [r["id"] for r in rules if r["severity"] in ("error", "warning")]


def drawing_machine(pack: Pack, show_rules: bool = True):  # noqa: ANN201 - a transitions machine
    """A ``transitions`` machine of ``pack`` for drawing only: no model, no guards, no plans."""
    from transitions.extensions.diagrams import HierarchicalGraphMachine
    from transitions.extensions.nesting import NestedState

    from .lifecycle import state_sequence

    class LabelledState(NestedState):  # phases holding their steps, with a label to draw
        separator = "."  # as the runtime machine names its states (phase names contain "_")

        def __init__(self, *args, label: str | None = None, **kwargs):  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            if label:
                self.label = label

    class Drawing(HierarchicalGraphMachine):
        state_cls = LabelledState
        machine_attributes = {"rankdir": "TB"}

    states: list = []
    for phase in pack.phases:
        body = pack.phase(phase)
        title = pack.text(body.get("title"))
        label = _label(f"{title} ({phase})" if title and title != phase else phase)
        steps = [{"name": s["id"], "label": _label(pack.text(s.get("title", s["id"])))}
                 for s in pack.steps(phase)]
        if steps:
            states.append({"name": phase, "label": label, "children": steps,
                           "initial": steps[0]["name"]})
        else:
            states.append({"name": phase, "label": label})
    states.append({"name": CLOSED, "final": True})
    sequence = state_sequence(pack)
    machine = Drawing(model=None, states=states, initial=sequence[0], auto_transitions=False,
                      graph_engine="mermaid", title=pack.id, show_conditions=False)
    for source, dest in zip(sequence, sequence[1:], strict=False):
        guards = _guards(pack, source, dest) if show_rules else []
        label = f"{TRIGGER}: {', '.join(guards)}" if guards else TRIGGER
        machine.add_transition(TRIGGER, source, dest, label=_label(label))
    return machine


def mermaid(pack: Pack, show_rules: bool = True) -> str:
    """The Mermaid ``stateDiagram-v2`` text of the pack's lifecycle with its agenda."""
    machine = drawing_machine(pack, show_rules)

    class Model:  # a throwaway model: the diagram is drawn per model
        pass

    model = Model()
    machine.add_model(model)
    try:
        text = model.get_graph().draw(None)
    finally:
        machine.remove_model(model)
    lines = text.splitlines()
    # transitions writes the title bare between the '---' lines; Mermaid wants YAML there
    if len(lines) > 2 and lines[0].strip() == "---" and lines[2].strip() == "---":
        lines[1] = f'title: "{_label(pack.name)} ({pack.id} {pack.version})"'
    # transitions writes "Class" (Mermaid's keyword is "class"); and no trailing blanks
    lines = [re.sub(r"^(\s*)Class ", r"\1class ", line).rstrip() for line in lines]
    return "\n".join(lines) + "\n"
