"""experiments.launch: a study's runs in waves, N at once on devices of their own."""

from experiments import launch


def test_branched_runs_wait_for_the_wave_before():
  planned = [("pretrain_s1", ["a"], None), ("random_s1", ["b"], None),
             ("seqgan_s1", ["c"], "pretrain_s1")]
  assert launch.waves(planned) == [[("pretrain_s1", ["a"]),
                                    ("random_s1", ["b"])],
                                   [("seqgan_s1", ["c"])]]
  assert launch.waves(planned[1:2]) == [[("random_s1", ["b"])]]


def test_each_slot_gets_a_gpu_or_a_share_of_the_cores():
  assert launch.slots(2, gpus=4) == [({"CUDA_VISIBLE_DEVICES": "0"}, None),
                                     ({"CUDA_VISIBLE_DEVICES": "1"}, None)]
  on_cpu = launch.slots(2, gpus=1, cores=[0, 1, 2, 3])
  assert [cores for _, cores in on_cpu] == [{0, 1}, {2, 3}]
  assert all(env == {"CUDA_VISIBLE_DEVICES": ""} for env, _ in on_cpu)
  # More slots than cores: a core each, shared.
  assert [cores for _, cores in launch.slots(3, gpus=0, cores=[0, 1])] == [
      {0}, {1}, {0}]


def test_a_failed_run_stops_the_launch(tmp_path):
  planned = [("bad_s1", ["false"], None), ("after_s1", ["true"], "bad_s1")]
  assert launch.run(planned, 2, str(tmp_path)) == ["bad_s1"]
  assert launch.run(planned, 1, str(tmp_path)) == ["bad_s1"]
  assert launch.run([("ok_s1", ["true"], None)], 2, str(tmp_path)) == []
