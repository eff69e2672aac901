"""Nothing runs: no code in the package can execute text from a key, an answers file or a student.

* A scan of every module under src/ (its syntax tree, so comments and docstrings do not count)
  finds no ``eval``/``exec``/``compile``, no ``pickle``/``marshal``/``shelve``, no ``os.system`` or
  ``os.popen``, no ``subprocess`` call with ``shell=True``, no ``yaml.unsafe_load``/``full_load`` and
  no ``yaml.load`` whose Loader can build Python objects. The scanner is itself tested on a sample
  holding each forbidden call, so it cannot pass by finding nothing.
* A key holding YAML tags such as ``!!python/object/apply:os.system`` is refused by the loader with
  a CaseError that names the file and the line, and the call in the tag never happens.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from attribution_lab.errors import CaseError
from attribution_lab.formats.key import parse_yaml
from attribution_lab.formats.limits import KEY_FILE
from attribution_lab.storage.cases import load_case

SRC = Path(__file__).resolve().parents[2] / "src" / "attribution_lab"

FORBIDDEN_CALLS = {"eval", "exec", "compile", "execfile"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnl"),
    ("yaml", "unsafe_load"),
    ("yaml", "unsafe_load_all"),
    ("yaml", "full_load"),
    ("yaml", "full_load_all"),
}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


@dataclass(frozen=True)
class Finding:
    """One forbidden construct: where it is and what it is."""

    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _dotted(node: ast.AST) -> str | None:
    """``os.system`` for ``os.system``; None for anything more complex."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _loader_is_safe(loader: ast.AST, module_name: str | None) -> tuple[bool, str]:
    """Whether a ``Loader=`` argument is a safe loader: a known safe name, or (resolved by importing
    the module) a class built on PyYAML's SafeConstructor and not on its Full/Unsafe constructors."""
    name = _dotted(loader)
    if name is None:
        return False, "yaml.load with a Loader that cannot be resolved statically"
    if name.split(".")[-1] in SAFE_YAML_LOADERS:
        return True, name
    if module_name is None:
        return False, f"yaml.load with Loader={name}"
    obj = importlib.import_module(module_name)
    for part in name.split("."):
        obj = getattr(obj, part, None)
    safe = (
        isinstance(obj, type)
        and issubclass(obj, yaml.constructor.SafeConstructor)
        and not issubclass(obj, yaml.constructor.FullConstructor)
    )
    return safe, f"yaml.load with Loader={name}"


def scan(source: str, file: str, module_name: str | None = None) -> list[Finding]:
    """Every forbidden construct in one module's source."""
    findings: list[Finding] = []
    tree = ast.parse(source, filename=file)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    findings.append(Finding(file, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            if root in FORBIDDEN_MODULES:
                findings.append(Finding(file, node.lineno, f"from {node.module} import ..."))
            for alias in node.names:
                if (root, alias.name) in FORBIDDEN_ATTRIBUTES:
                    findings.append(Finding(file, node.lineno, f"from {root} import {alias.name}"))
        elif isinstance(node, ast.Call):
            name = _dotted(node.func) or ""
            parts = tuple(name.split("."))
            if name in FORBIDDEN_CALLS or name in {f"builtins.{c}" for c in FORBIDDEN_CALLS}:
                findings.append(Finding(file, node.lineno, f"{name}(...)"))
            if len(parts) >= 2 and parts[-2:] in FORBIDDEN_ATTRIBUTES:
                findings.append(Finding(file, node.lineno, f"{name}(...)"))
            if parts[:1] == ("subprocess",) or parts[-1:] in {("Popen",), ("run",), ("call",), ("check_call",), ("check_output",)}:
                for keyword in node.keywords:
                    if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                        findings.append(Finding(file, node.lineno, f"{name}(..., shell=...)"))
            if parts[-2:] in {("yaml", "load"), ("yaml", "load_all")}:
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if loader is None and len(node.args) >= 2:
                    loader = node.args[1]
                if loader is None:
                    findings.append(Finding(file, node.lineno, f"{name} without a Loader"))
                else:
                    safe, what = _loader_is_safe(loader, module_name)
                    if not safe:
                        findings.append(Finding(file, node.lineno, what))
    return findings


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_the_package_has_modules_to_scan() -> None:
    """The scan below looks at the real package (a wrong folder would make it pass vacuously)."""
    names = {str(path.relative_to(SRC)) for path in _modules()}
    assert {"core/case.py", "core/engine.py", "formats/key.py", "formats/answers.py"} <= names


def test_no_module_can_run_code_from_data() -> None:
    """No eval/exec/compile, pickle/marshal/shelve, os.system/popen, shell=True or unsafe YAML
    loading anywhere in src/."""
    findings = []
    for path in _modules():
        module = "attribution_lab." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        findings.extend(scan(path.read_text("utf-8"), str(path.relative_to(SRC.parent)), module))
    assert not findings, "forbidden constructs:\n" + "\n".join(map(str, findings))


SAMPLE = '''
import pickle
import marshal as m
from shelve import open as shelf
import os, subprocess, yaml
from os import system
eval("1")
exec("x = 1")
compile("1", "f", "eval")
os.system("true")
os.popen("true")
subprocess.run("true", shell=True)
subprocess.Popen(["true"], shell=1)
yaml.load(text)
yaml.load(text, Loader=yaml.Loader)
yaml.load(text, Loader=yaml.UnsafeLoader)
yaml.load(text, Loader=yaml.FullLoader)
yaml.unsafe_load(text)
yaml.full_load(text)
"""eval( in a docstring is fine"""
# exec( in a comment is fine
yaml.load(text, Loader=yaml.SafeLoader)
subprocess.run(["true"], shell=False)
'''


def test_the_scanner_finds_each_forbidden_construct() -> None:
    """The scanner reports every forbidden construct of a sample, and nothing from the safe lines,
    comments or docstrings (so a clean scan of src/ means something)."""
    found = scan(SAMPLE, "sample.py")
    lines = sorted({f.line for f in found})
    source_lines = SAMPLE.splitlines()
    expected = [n for n, text in enumerate(source_lines, start=1) if text and not text.startswith(
        ("import os, subprocess", '"""', "#", "yaml.load(text, Loader=yaml.SafeLoader)", "subprocess.run([\"true\"], shell=False)"))]
    assert lines == expected, "\n".join(map(str, found))


def test_the_key_loader_is_a_safe_loader() -> None:
    """formats.key.parse_yaml reads keys only with loaders that build plain data: every loader class
    formats/key.py calls or calls yaml.load with is, once imported, a safe constructor and not one
    of PyYAML's full or unsafe ones."""
    import yaml

    from attribution_lab.formats import key

    path = SRC / "formats" / "key.py"
    tree = ast.parse(path.read_text("utf-8"))
    used = [k.value for n in ast.walk(tree) if isinstance(n, ast.Call) and _dotted(n.func) == "yaml.load"
            for k in n.keywords if k.arg == "Loader"]
    used += [n.func for n in ast.walk(tree) if isinstance(n, ast.Call) and (_dotted(n.func) or "").endswith("Loader")]
    assert used, "formats/key.py no longer calls a YAML loader; update this test to the new one"
    for node in used:
        name = _dotted(node) or ""
        loader = getattr(key, name) if "." not in name else getattr(yaml, name.split(".")[-1])
        assert issubclass(loader, yaml.constructor.SafeConstructor), f"{name} is not a safe loader"
        assert not issubclass(loader, yaml.constructor.FullConstructor), f"{name} builds Python objects"


# --------------------------------------------------------------------------------------------
# YAML tags that would build objects or call functions

DANGEROUS_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/object/apply:builtins.open ['{marker}', 'w']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:collections.OrderedDict {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tag", DANGEROUS_TAGS)
def test_python_tags_are_refused_by_parse_yaml(tag: str, tmp_path: Path) -> None:
    """parse_yaml refuses a document with a Python tag with a CaseError naming the file and the line,
    and whatever the tag names is never run (the marker file is not created)."""
    marker = tmp_path / "ran"
    text = f"schema_version: 2\ncase:\n  title: {tag.format(marker=marker)}\n"
    with pytest.raises(CaseError) as caught:
        parse_yaml(text, "cases/evil/key.yaml")
    message = str(caught.value)
    assert message.startswith("cases/evil/key.yaml")
    assert "line 3" in message
    assert "constructor" in message or "tag" in message
    assert not marker.exists()


def test_python_tag_in_a_case_folder_is_refused(tmp_path: Path) -> None:
    """A case folder whose key.yaml (otherwise the real Kursk key) holds a Python tag fails to load
    with one clear CaseError naming key.yaml, and nothing is executed."""
    shipped = Path(str(load_case("kursk").folder))
    folder = tmp_path / "evil"
    folder.mkdir()
    marker = tmp_path / "ran"
    key = (shipped / KEY_FILE).read_text("utf-8")
    version = re.search(r"^schema_version: \d+$", key, re.M)
    assert version is not None
    line = version.group(0)
    key = key.replace(line, f"{line}\nx: !!python/object/apply:os.system ['touch {marker}']", 1)
    (folder / KEY_FILE).write_text(key, "utf-8")
    (folder / "article.txt").write_text((shipped / "article.txt").read_text("utf-8"), "utf-8")
    with pytest.raises(CaseError) as caught:
        load_case(folder)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.file == str(folder / KEY_FILE)
    assert "python/object/apply:os.system" in problem.message
    assert not marker.exists()
