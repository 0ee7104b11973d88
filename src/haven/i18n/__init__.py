"""Languages, translatable segments and their gettext PO catalogs."""
