"""backcare's domain logic in plain Python: no Django import anywhere below here."""
