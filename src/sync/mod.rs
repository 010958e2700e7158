//! Sync: the one orchestrator. Fetches feeds, parses them, fetches and extracts new stories'
//! pages, and stores the results, one transaction per feed.
