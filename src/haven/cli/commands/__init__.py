"""One module per topic: the commands of `haven`, registered by `haven.cli`."""
