//! Fetching over HTTP: the one polite client every feed, page and image request goes through.
