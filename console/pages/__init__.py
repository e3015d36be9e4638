"""One module per page: each reads the API, builds a frozen view model and renders it."""
