"""Reading a content folder: files → located data → typed, validated records."""
