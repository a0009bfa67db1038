"""The README's Python example, run exactly as it is written there."""

import re

import pytest

from tests.conftest import ROOT


def _readme_example():
  with open(f"{ROOT}/README.md", encoding="utf-8") as f:
    readme = f.read()
  match = re.search(r"<!-- python-example:[^>]*-->\n```python\n(.*?)```",
                    readme, re.S)
  assert match, "README.md has lost its python-example block"
  return match.group(1)


@pytest.mark.slow  # A whole (smoke) run.
def test_the_readme_python_example_runs(tmp_path, monkeypatch, capsys):
  monkeypatch.chdir(tmp_path)
  exec(compile(_readme_example(), "README.md", "exec"), {})  # pylint: disable=exec-used
  printed = capsys.readouterr().out.splitlines()
  assert 1.0 < float(printed[0]) < 10.0  # NLL-oracle of the tiny oracle.
  assert len(printed) == 4 and all(len(line.split()) == 8
                                   for line in printed[1:])
  assert (tmp_path / "save/python_example/smoke_seqgan/results.json").exists()
