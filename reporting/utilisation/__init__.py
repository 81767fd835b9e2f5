"""Fund utilisation of grant programmes: budget, awarded, paid and remaining, by round,
ward and legal form (DESIGN §2: reporting/ holds the compiled figures)."""
