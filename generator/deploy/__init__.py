"""Getting a build out safely: staged output, the privacy audit, publishing."""
