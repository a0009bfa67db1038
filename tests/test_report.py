import pytest

from experiments import report


def test_markdown_table_aligns_steps_of_runs():
  table = report.markdown_table({"a": {0: 1.0, 5: 0.5}, "b": {5: 0.25}},
                                "nll_oracle")
  lines = table.splitlines()
  assert lines[2] == "| step | a | b |"
  assert lines[4] == "| 0 | 1.0000 |  |"
  assert lines[5] == "| 5 | 0.5000 | 0.2500 |"


def test_run_without_events_is_named(tmp_path):
  with pytest.raises(ValueError, match="holds no TensorBoard event files"):
    report.read_scalar(str(tmp_path), "nll_oracle")
