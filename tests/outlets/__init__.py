"""Golden fixtures of every outlet: stored pages and the Articles they must extract to."""
