"""Import structure: the library stands alone and has no import cycles."""

import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("seqgan_tf", "experiments", "benchmarks", "tests")


def _modules():
  """{module name: set of project modules it imports}."""
  found = {}
  for package in PACKAGES:
    for folder, _, files in os.walk(os.path.join(ROOT, package)):
      for name in files:
        if not name.endswith(".py"):
          continue
        path = os.path.join(folder, name)
        module = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
        module = module.removesuffix(".__init__")
        imports = set()
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
          if isinstance(node, ast.Import):
            imports.update((alias.name, alias.name) for alias in node.names)
          elif isinstance(node, ast.ImportFrom) and node.module:
            # `from package import module` imports the module; `from module
            # import name` the module.
            imports.update((f"{node.module}.{alias.name}", node.module)
                           for alias in node.names)
        found[module] = imports
  return {module: {_resolve(pair, found) for pair in imports} - {None}
          for module, imports in found.items()}


def _resolve(pair, modules):
  for candidate in pair:
    if candidate in modules:
      return candidate
  return None


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(m for m in MODULES
                                          if m.startswith("seqgan_tf")))
def test_library_imports_only_the_library(module):
  outside = {i for i in MODULES[module] if not i.startswith("seqgan_tf")}
  assert not outside, f"{module} imports {sorted(outside)}"


def test_no_import_cycles():
  def visit(module, path):
    if module in path:
      cycle = path[path.index(module):] + [module]
      pytest.fail("import cycle: " + " -> ".join(cycle))
    for imported in MODULES[module]:
      visit(imported, path + [module])

  for module in MODULES:
    visit(module, [])
