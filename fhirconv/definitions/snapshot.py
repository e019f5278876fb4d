"""Snapshot generation: a profile's full element list from its differential and its base.

IG packages normally ship snapshots; some (and hand-written profiles) carry differentials only.
``LayeredDefinitions`` serves those with a generated snapshot, so every checker sees one.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["generate_snapshot"]


def _merge(base: dict[str, Any], diff: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in diff.items():
        if key in ("id", "path"):
            continue
        if key in ("constraint",):
            out[key] = list(out.get(key) or []) + [c for c in value if c not in (out.get(key) or [])]
        elif key.startswith(("fixed", "pattern")):
            for old in [k for k in out if k.startswith(("fixed", "pattern"))]:
                del out[old]
            out[key] = value
        else:
            out[key] = value
    out["id"] = diff["id"]
    out["path"] = diff.get("path", out.get("path"))
    return out


def _rebase(
    elements: list[dict[str, Any]], old_root: str, new_id: str, new_path: str
) -> list[dict[str, Any]]:
    """Children of a datatype's snapshot, re-rooted under an element of the profile."""
    out = []
    for el in elements[1:]:
        el = copy.deepcopy(el)
        el["id"] = new_id + str(el.get("id", el["path"]))[len(old_root) :]
        el["path"] = new_path + str(el["path"])[len(old_root) :]
        out.append(el)
    return out


def generate_snapshot(sd: dict[str, Any], defs: Any, _depth: int = 0) -> list[dict[str, Any]]:
    """The HL7 publisher's snapshot algorithm, reduced to what validation reads.

    Start from the base definition's snapshot (generated first when the base is a profile without one);
    merge each differential element into the element of the same id; a new slice is a copy of its sliced
    element placed after that element's subtree and earlier slices; a path into a datatype the snapshot has
    not expanded pulls in the datatype's elements under it first.
    """
    if sd.get("snapshot", {}).get("element"):
        return list(sd["snapshot"]["element"])
    base_url = sd.get("baseDefinition")
    base = defs.structure_definition(str(base_url)) if base_url else None
    if base is None or _depth > 20:
        raise ValueError(f"base definition {base_url} of {sd.get('url')} is not available")
    elements = [copy.deepcopy(e) for e in generate_snapshot(base, defs, _depth + 1)]
    for el in elements:
        el.setdefault("id", el["path"])
    slice_ctx: dict[str, str] = {}  # unsliced path -> id of the slice last opened there (id-less diffs)
    renames: dict[str, str] = {}  # ``Observation.valueQuantity`` -> ``Observation.value[x]``
    for diff in sd.get("differential", {}).get("element", []):
        did = _renamed(_diff_id(diff, slice_ctx), renames)
        diff = {**diff, "id": did}
        ids = [str(e["id"]) for e in elements]
        if did in ids:
            i = ids.index(did)
            elements[i] = _merge(elements[i], diff)
            continue
        parent_id, _, last = did.rpartition(".")
        if ":" in last:  # a new slice of parent_id.name
            name = last.split(":", 1)[0]
            sliced_id = f"{parent_id}.{name}" if parent_id else name
            if sliced_id not in ids:
                _expand_into(elements, sliced_id, defs)
                ids = [str(e["id"]) for e in elements]
            if sliced_id not in ids:
                raise ValueError(f"differential element {did} has no base element {sliced_id}")
            j = ids.index(sliced_id)
            end = _subtree_end(ids, j, sliced_id)
            slice_id = did
            subtree = [e for e in elements[j + 1 : end] if not str(e["id"])[len(sliced_id) :].startswith(":")]
            slice_el = _merge({k: v for k, v in elements[j].items() if k != "slicing"}, diff)
            slice_el["sliceName"] = last.split(":", 1)[1]
            copies = []
            for e in subtree:
                c = copy.deepcopy(e)
                c["id"] = slice_id + str(e["id"])[len(sliced_id) :]
                copies.append(c)
            elements[end:end] = [slice_el, *copies]
            continue
        # a child: of a slice, or inside a datatype the snapshot has not expanded yet
        if did not in ids:
            _expand_into(elements, did, defs)
            ids = [str(e["id"]) for e in elements]
        if did in ids:
            i = ids.index(did)
            elements[i] = _merge(elements[i], diff)
            continue
        choice = _choice_rename(did, ids, elements)
        if choice is not None:
            i, code = choice
            renames[did] = str(elements[i]["id"])
            restricted = {**diff, "id": elements[i]["id"], "path": elements[i]["path"]}
            restricted.setdefault("type", [t for t in elements[i].get("type", []) if t.get("code") == code])
            elements[i] = _merge(elements[i], restricted)
            continue
        raise ValueError(f"differential element {did} matches nothing in the base")
    return elements


def _renamed(did: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        if did.startswith(old + "."):
            return new + did[len(old) :]
    return did


def _choice_rename(did: str, ids: list[str], elements: list[dict[str, Any]]) -> tuple[int, str] | None:
    """``X.valueQuantity`` names the ``X.value[x]`` element restricted to Quantity (R4 type renaming)."""
    parent, _, last = did.rpartition(".")
    for i, eid in enumerate(ids):
        if not eid.startswith(parent + ".") or not eid.endswith("[x]") or "." in eid[len(parent) + 1 :]:
            continue
        stem = eid[len(parent) + 1 : -3]
        suffix = last[len(stem) :]
        if last.startswith(stem) and suffix[:1].isupper():
            for t in elements[i].get("type") or []:
                code = str(t.get("code"))
                if code[:1].upper() + code[1:] == suffix:
                    return i, code
    return None


def _diff_id(diff: dict[str, Any], slice_ctx: dict[str, str]) -> str:
    """The element id; old differentials carry only ``path`` (+ ``sliceName``), children after a slice
    belonging to it."""
    if diff.get("id"):
        return str(diff["id"])
    path = str(diff["path"])
    prefix = max((p for p in slice_ctx if path == p or path.startswith(p + ".")), key=len, default=None)
    did = path if prefix is None else slice_ctx[prefix] + path[len(prefix) :]
    if diff.get("sliceName"):
        did = f"{did.rsplit(':', 1)[0] if prefix == path else did}:{diff['sliceName']}"
        slice_ctx[path] = did
        for p in [p for p in slice_ctx if p.startswith(path + ".")]:
            del slice_ctx[p]
    return did


def _subtree_end(ids: list[str], start: int, root: str) -> int:
    end = start + 1
    while end < len(ids) and (ids[end].startswith(root + ".") or ids[end].startswith(root + ":")):
        end += 1
    return end


def _expand_into(elements: list[dict[str, Any]], target_id: str, defs: Any) -> None:
    """Pull the datatype children of the nearest ancestor of ``target_id`` into the element list."""
    ids = [str(e["id"]) for e in elements]
    parts = target_id.split(".")
    for n in range(len(parts) - 1, 0, -1):
        anc = ".".join(parts[:n])
        if anc not in ids:
            continue
        i = ids.index(anc)
        if _subtree_end(ids, i, anc) != i + 1:
            return  # already has children: nothing to expand
        types = elements[i].get("type") or []
        if len(types) != 1:
            return
        dt = defs.structure_definition(str(types[0].get("code")))
        if dt is None or not dt.get("snapshot"):
            return
        dt_elements = dt["snapshot"]["element"]
        root = str(dt_elements[0]["path"])
        path = str(elements[i]["path"])
        elements[i + 1 : i + 1] = _rebase(dt_elements, root, anc, path)
        if anc != ".".join(parts[:-1]):
            _expand_into(elements, target_id, defs)
        return
