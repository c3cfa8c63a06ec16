"""Files of a build that are not pages: feeds, share cards, images."""
