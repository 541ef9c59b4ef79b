"""Archive: the decisions that need many dumps at once."""
