"""Haven: a school district's protecting-immigrant-families hub, from a folder of content."""

__version__ = "0.1.0"
