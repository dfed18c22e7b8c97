"""One package module per outlet replica (plus its page and route helpers)."""
