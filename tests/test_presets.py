"""Typed presets (`seqgan_tf.presets`) and the one way flags become configs."""

import dataclasses

import pytest

from seqgan_tf import config as config_lib
from seqgan_tf import presets
from seqgan_tf import tasks


def test_a_preset_is_typed_configs_in_layers():
  preset = presets.get("poems", "cpu")
  assert isinstance(preset.config, config_lib.SeqGANConfig)
  assert isinstance(preset.task, tasks.CorpusConfig)
  # The config's default, then the task's, then the preset's.
  assert preset.config.batch_size == 64
  assert preset.config.generator.seq_len == preset.config.discriminator.seq_len == 24
  assert (preset.config.pretrain_g_epochs, preset.config.eval_samples) == (30, 1000)
  assert (preset.task.test_size, preset.task.bleu_orders) == (4000, (2,))
  assert preset.runtime.xla


def test_smoke_presets_are_tiny_and_uncompiled():
  for task in tasks.names():
    preset = presets.get(task, "smoke")
    assert preset.config.generator.seq_len <= 8 and not preset.runtime.xla
    assert preset.config.discriminator.filter_sizes in ((2, 3), (2, 3, 4))


def test_every_preset_of_every_task_validates():
  for task in tasks.names():
    for name in presets.NAMES:
      config = presets.get(task, name).config
      # A corpus decides its vocabulary size (0: every token) when it is read.
      config_lib.override(config, vocab_size=max(
          config.generator.vocab_size, 50)).validate()


def test_apply_puts_each_setting_where_it_belongs():
  preset = presets.apply(presets.get("music", "smoke"), rollout_num=5,
                         d_filter_sizes="2,3", d_num_filters=["6", "7"],
                         window_hop=3, xla=True)
  assert preset.config.rollout_num == 5
  assert preset.config.discriminator.filter_sizes == (2, 3)
  assert preset.config.discriminator.num_filters == (6, 7)
  assert preset.task.window_hop == 3 and preset.runtime.xla
  # Everything else is the preset's.
  smoke = presets.get("music", "smoke")
  assert dataclasses.replace(preset.config, rollout_num=2,
                             discriminator=smoke.config.discriminator) == (
                                 smoke.config)


def test_a_setting_of_another_task_is_refused_naming_whose_it_is():
  with pytest.raises(ValueError, match=r"--window_hop: not a setting of "
                     r"--task=poems \(it is a setting of --task=music\)"):
    presets.apply(presets.get("poems", "smoke"), window_hop=3)
  with pytest.raises(ValueError, match="no task has it"):
    presets.apply(presets.get("oracle", "smoke"), rollouts=3)


def test_unknown_names_are_refused():
  with pytest.raises(ValueError, match="--task=novels: choose one of"):
    presets.get("novels")
  with pytest.raises(ValueError, match="--preset=huge: choose one of"):
    presets.get("oracle", "huge")


def test_a_bad_list_names_its_flag():
  with pytest.raises(ValueError, match="--d_filter_sizes=2,x: must be "
                     "comma-separated integers"):
    presets.apply(presets.get("oracle", "smoke"), d_filter_sizes="2,x")


def test_task_configs_refuse_bad_choices_from_python():
  with pytest.raises(ValueError, match="--token_level=words: choose one of"):
    dataclasses.replace(tasks.CorpusConfig(), token_level="words").validate()
  with pytest.raises(ValueError, match="--bleu_orders=: give one or more"):
    dataclasses.replace(tasks.CorpusConfig(), bleu_orders=()).validate()


def test_the_text_task_needs_a_corpus():
  preset = presets.get("text", "smoke")
  with pytest.raises(ValueError, match="--data_file is required"):
    tasks.build(preset.task, preset.config)
