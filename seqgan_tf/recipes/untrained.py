"""random: G as initialised, N(0, init_stddev) weights, trained not at all.

Table 1's "random" row. The paper does not say what its row measures; an
untrained G samples nearly uniform tokens (see docs/synthetic.md, Table 1).
"""


def phases(context):
  del context
  return []
