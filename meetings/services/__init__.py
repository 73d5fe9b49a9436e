"""State changes of meetings: one module per aggregate, one function per transition."""
