"""Site: the MkDocs/Material side (what the plugin adds at build time)."""
