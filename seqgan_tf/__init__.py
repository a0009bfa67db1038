"""seqgan_tf: SeqGAN (Yu et al., AAAI 2017) in TensorFlow 2 / Keras 3."""
