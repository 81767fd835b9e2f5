"""Files produced by jobs: exports of the register and, later, of compiled figures."""
