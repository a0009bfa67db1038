"""README.md and docs/: links that resolve, make targets that exist, a CLI
reference that matches the flags."""

import glob
import os
import re

import pytest

from tests.conftest import ROOT
from tests.conftest import run_module

PAGES = [os.path.join(ROOT, "README.md")] + sorted(
    glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _prose(path):
  """The page without its fenced code blocks (commands there are examples)."""
  with open(path, encoding="utf-8") as f:
    return re.sub(r"```.*?```", "", f.read(), flags=re.S)


def _anchors(path):
  """GitHub's heading anchors of a Markdown file."""
  with open(path, encoding="utf-8") as f:
    headings = re.findall(r"^#+ (.+)$", f.read(), flags=re.M)
  return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
          for h in headings}


def _name(path):
  return os.path.relpath(path, ROOT)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_resolves(page):
  broken = []
  for target in LINK.findall(_prose(page)):
    if re.match(r"[a-z]+:", target):  # https:, mailto:
      continue
    path, _, anchor = target.partition("#")
    resolved = (os.path.normpath(os.path.join(os.path.dirname(page), path))
                if path else page)
    if not os.path.exists(resolved):
      broken.append(f"{target} (no such file)")
    elif anchor and resolved.endswith(".md") and (
        anchor not in _anchors(resolved)):
      broken.append(f"{target} (no such heading)")
  assert not broken, f"{_name(page)}: {', '.join(broken)}"


def test_every_make_target_named_exists():
  with open(os.path.join(ROOT, "Makefile")) as f:
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", f.read(), flags=re.M))
  # `make X` in prose, and command lines of code blocks that start with it.
  command = re.compile(r"(?:`|^)make ([a-z][a-z0-9-]*)", flags=re.M)
  named = {(name, _name(page)) for page in PAGES
           for name in command.findall(open(page, encoding="utf-8").read())}
  missing = sorted(f"make {name} ({page})" for name, page in named
                   if name not in targets)
  assert not missing, ", ".join(missing)


def test_the_flags_reference_is_the_flags():
  result = run_module("experiments.flags_doc", "--check")
  assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]


def test_a_stale_flags_reference_is_named_with_the_fix(tmp_path):
  stale = tmp_path / "flags.md"
  stale.write_text("# Flags\n", encoding="utf-8")
  result = run_module("experiments.flags_doc", "--check", f"--out={stale}")
  assert result.returncode == 1
  assert f"{stale} is stale: run `make docs`" in result.stderr
