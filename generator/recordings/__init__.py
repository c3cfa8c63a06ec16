"""Read run recordings from watches and phones (GPX, TCX, FIT, gzipped or not) into one plain model."""
