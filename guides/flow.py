"""办理流程: the flow diagram of a matter, drawn from its compiled state machine.

The engine's machine is shared and has no model (see workflows/machine.py), but
transitions' GraphMachine draws the graph of a model, so we build one small
GraphMachine per matter version from the compiled states and actions, attach a
throwaway model while drawing, and cache the SVG by version key. Styles are
black and white: the main path bold, side paths dashed, end states doubled.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict

import graphviz

from transitions import State
from transitions.extensions import GraphMachine

from workflows import action_kinds as ak
from workflows.catalogue import MatterVersion
from workflows.machine import FINAL_STATES, NEW, TERMINATED, WITHDRAWN, Action, CompiledMatter

# graphviz defaults to Times, which has no Chinese. dot measures labels with the full face
# (the same metrics); the SVG names the GB 2312 cut first for the PDF (guides/fonts.py).
FONT = "Noto Sans CJK SC GB2312,Noto Sans CJK SC"
# Exits possible from nearly every state are drawn as a note, not as a dozen edges (ak.SIDE_EXITS);
# 登记到现场 changes no state and is not drawn either.
UNDRAWN = (*ak.SIDE_EXITS, ak.RECORD_VISIT)
LEFT_OUT_STATES = (WITHDRAWN, TERMINATED)
VISIT_MARK = "★"  # legend under the diagram: ★ = the applicant comes to the window
WRAP = 9  # characters per line inside a box
SVG_START = "<?xml"  # how each of dot's SVG documents begins
# dot prefixes the ids of every graph after the first in one run with a page number.
_PAGED_ID = re.compile(r'id="page\d+,\d+_')


class LabelledState(State):
    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label or self.name


class FlowMachine(GraphMachine):
    state_cls = LabelledState
    # GraphMachine reads these class-level defaults; its stubs declare instance attributes, so no ClassVar.
    machine_attributes = {"directed": "true", "strict": "false", "rankdir": "TB", "nodesep": "0.35",  # noqa: RUF012
                          "ranksep": "0.35", "fontname": FONT, "fontsize": "11", "labelloc": "t"}
    style_attributes = {  # noqa: RUF012
        "node": {
            "default": {"shape": "box", "style": "rounded", "color": "black", "fontname": FONT, "fontsize": "11",
                        "margin": "0.12,0.05", "height": "0.3"},
            "main": {"penwidth": "1.6"},
            "side": {"style": "rounded,dashed", "fontcolor": "#333333"},
            "final": {"peripheries": "2", "penwidth": "1.2"},
            "active": {}, "previous": {}, "inactive": {},
        },
        "edge": {
            "default": {"color": "black", "fontname": FONT, "fontsize": "9", "arrowsize": "0.7"},
            "main": {"penwidth": "1.8"},
            "side": {"style": "dashed", "fontcolor": "#333333"},
            "previous": {},
        },
        "graph": {"default": {"fontname": FONT, "color": "black", "fillcolor": "white", "style": "solid"}},
    }


def _drawn(action: Action) -> bool:
    return action.dest is not None and ak.kind_of(action.trigger) not in UNDRAWN


def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def _short(action: Action) -> str:
    return action.short or action.label


def _edge_label(actions: list[Action]) -> str:
    seen: list[str] = []
    for a in actions:
        text = (VISIT_MARK if a.visit and a.visit != ak.GIVEN else "") + _short(a)
        if text not in seen:
            seen.append(text)
    return "\n".join(seen)


def _edges(compiled: CompiledMatter) -> dict[tuple[str, str], list[Action]]:
    edges: dict[tuple[str, str], list[Action]] = defaultdict(list)
    for action in compiled.actions.values():
        if action.dest is not None and _drawn(action):
            edges[(action.source, action.dest)].append(action)
    return edges


def _graph_source(compiled: CompiledMatter):
    edges = _edges(compiled)
    states = [{"name": s.name, "label": _wrap(s.label)} for s in compiled.states.values()
              if s.name not in LEFT_OUT_STATES]
    transitions = [{"trigger": f"edge_{i}", "source": src, "dest": dst, "label": _edge_label(actions)}
                   for i, ((src, dst), actions) in enumerate(edges.items())]
    model = type("FlowModel", (), {})()
    machine = FlowMachine(model=model, states=states, transitions=transitions, initial=NEW, auto_transitions=False,
                          graph_engine="graphviz", title="")
    graph = machine.model_graphs[id(model)]
    graph.reset_styling()
    main_states = {NEW}
    for (src, dst), actions in edges.items():
        main = any(a.main for a in actions)
        # transitions' stubs type model_graphs as BaseGraph; the graphviz engine's Graph has custom_styles.
        graph.custom_styles["edge"][src][dst] = "main" if main else "side"  # type: ignore[attr-defined]
        if main:
            main_states |= {src, dst}
    for state in states:
        name = state["name"]
        style = "final" if name in FINAL_STATES else ("main" if name in main_states else "side")
        graph.set_node_style(name, style)
    drawing = model.get_graph()
    drawing.name = f"{compiled.definition.name}办理流程"  # the SVG's <title>, instead of an anonymous "%3"
    machine.remove_model(model)  # the model was only needed while drawing
    return drawing


def draw_svg(compiled: CompiledMatter) -> str:
    """The flow as an SVG document (graphviz `dot` → SVG)."""
    return draw_svgs([compiled])[0]


def draw_svgs(matters: list[CompiledMatter]) -> list[str]:
    """Several flows through one `dot` process, which writes one SVG document per graph, in order.

    Starting `dot` (plugins, fontconfig) costs ~15 ms of CPU and laying out one of
    our graphs ~1 ms, so the whole catalogue takes 24 ms in one run against 150 in
    nine. Each SVG is the same as when its graph is drawn alone.
    """
    sources = "\n".join(_graph_source(compiled).source for compiled in matters)
    out = graphviz.pipe("dot", "svg", sources.encode("utf-8")).decode("utf-8")
    documents = [_PAGED_ID.sub('id="', SVG_START + part) for part in out.split(SVG_START)[1:]]
    if len(documents) != len(matters):
        raise RuntimeError(f"dot drew {len(documents)} SVG documents for {len(matters)} graphs")
    return documents


class FlowDiagrams:
    """SVGs cached by matter version key: a definition change makes a new key, hence a new drawing."""

    def __init__(self) -> None:
        self._svgs: dict[str, str] = {}
        self._lock = threading.Lock()

    def svg(self, version: MatterVersion) -> str:
        cached = self._svgs.get(version.key)
        if cached is None:
            cached = draw_svg(version.compiled)
            with self._lock:
                self._svgs[version.key] = cached
        return cached

    def draw_ahead(self, versions: list[MatterVersion]) -> None:
        """Draw, in one `dot` run, every version not drawn yet (`guides build`, before its pool forks)."""
        missing = list({v.key: v for v in versions if v.key not in self._svgs}.values())
        if not missing:
            return
        drawn = draw_svgs([v.compiled for v in missing])
        with self._lock:
            self._svgs.update((v.key, svg) for v, svg in zip(missing, drawn, strict=True))
