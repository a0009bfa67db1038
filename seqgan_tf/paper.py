"""The paper's numbers that runs are compared against (Yu et al. 2017)."""

# Table 1: NLL-oracle of each method on the synthetic oracle.
TABLE1 = dict(random=10.310, mle=9.038, ss=8.985, pgbleu=8.946, seqgan=8.736)
# Figure 3: SeqGAN's (g-steps, d-steps, k) and its final NLL-oracle.
FIGURE3 = {(100, 1, 10): 8.94, (30, 1, 30): 8.89, (1, 1, 10): 8.81,
           (1, 5, 3): 8.73}
# Table 2: BLEU-2 of Chinese poems.
POEMS_BLEU2 = dict(mle=0.6670, seqgan=0.7389, real=0.746)
POEMS_BLEU2_BY_ROW = {row: {"bleu2": v} for row, v in POEMS_BLEU2.items()}
# Table 3: BLEU-3 and BLEU-4 of Obama speeches (no real-data row).
OBAMA_BLEU = dict(mle=dict(bleu3=0.519, bleu4=0.416),
                  seqgan=dict(bleu3=0.556, bleu4=0.427))
# Table 4: Nottingham music, BLEU-4 and MSE (no real-data row).
MUSIC = dict(mle=dict(bleu4=0.9210, mse=22.38),
             seqgan=dict(bleu4=0.9406, mse=20.62))
# The corpus tasks' rows, by `CorpusConfig.paper_scores`.
SCORES = dict(poems=POEMS_BLEU2_BY_ROW, obama=OBAMA_BLEU, music=MUSIC)
