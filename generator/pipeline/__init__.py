"""The pure stages of a build, from front matter to rendered pages, and the plain clean build."""
