// What an error says to a person: the one table from the backend's error kinds
// (`CommandError.kind`, listed in src-tauri/src/commands/mod.rs) to words. A kind not in the
// table is shown by its message, after what was being done ("Could not save: …").

const WORDS = {
  offline: "Could not reach that address: you may be offline.",
  "invalid-address": "That does not look like a web address.",
  "no-feed-found": "No feed found at that address.",
  "not-a-feed": "That address is not a feed.",
  "no-link": "This story has no web page to open.",
  "file-exists": "That file already exists. Choose another name: an export never replaces a file.",
  "file-not-found": "There is no file at that path.",
  "invalid-path": "Give the full path, starting with /.",
  "not-opml": "That is not an OPML file",
  "no-backend": "The Tidings backend is not available.",
  "empty-selection": "Select or type some words of the story first.",
  "not-in-story":
    "Those words are not in the story's text as Tidings keeps it. Select words of the story itself, not its title or byline.",
  "kept-by-highlights": "This story has highlights, so it stays bookmarked. Remove its highlights first.",
  "file-in-the-way": "A file in that folder was not written by a Tidings export, so nothing was written",
  "sign-in-refused": "The server refused the sign-in",
  "server-unreachable": "Could not reach the server: check its address, or try again later.",
  "not-an-api": "That address does not answer as a Google Reader API does. For FreshRSS it ends in /api/greader.php",
  "rate-limited": "The server asks to wait before signing in again",
  "plain-http":
    "That address is plain http to another machine: the password would cross the network unencrypted. Use https, or tick the box to go on anyway.",
  "account-exists": "That account is already in Tidings.",
  credentials: "Could not keep or read the password",
  "not-an-archive": "Tidings cannot read that file as a read-later archive",
  "import-running": "An import is already running: wait for it, or cancel it, first.",
  "sync-running": "A sync is running: compact the library when it is done.",
  "library-busy": "The library kept changing while it was compacted (a sync was writing). Nothing was lost: compact it again later.",
};

// Kinds whose message says which part was wrong: it follows the words in brackets.
const WITH_DETAIL = new Set(["not-opml", "file-in-the-way", "sign-in-refused", "not-an-api", "rate-limited", "credentials", "not-an-archive"]);

/** The error's own message (the backend's details, or what was thrown). */
export function errorText(error) {
  return (error && error.message) || String(error);
}

/**
 * Words for `error`: the table's for its kind, else "`doing`: message" (or the message alone
 * when `doing` is empty).
 */
export function explain(error, doing = "") {
  const kind = error && error.kind;
  const words = WORDS[kind];
  if (words) return WITH_DETAIL.has(kind) ? `${words} (${errorText(error)}).` : words;
  return doing ? `${doing}: ${errorText(error)}` : errorText(error);
}

/** True when the error means the network could not be reached. */
export function isOffline(error) {
  return !!error && error.kind === "offline";
}
