//! The library file's schema as a list of migration steps.
//!
//! Each step is applied once, in its own transaction together with the `user_version` bump, so
//! a crash mid-upgrade leaves the previous version intact. Released steps are never edited: to
//! change the schema, append a step. `tests/fixtures/schema/` keeps a library file made by each
//! released version; the upgrade test opens each one and checks its data survived.

/// Marks a SQLite file as a Tidings library (`PRAGMA application_id`, "TIDG").
pub const APPLICATION_ID: i32 = 0x5449_4447;

/// Migration steps; step `i` upgrades a file from `user_version = i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: folders, feeds, articles, revisions, tombstones, settings.
    r#"
CREATE TABLE folders (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    position    INTEGER NOT NULL DEFAULT 0
);

-- A feed has a surrogate id; its URL is an attribute that may change (301/308).
CREATE TABLE feeds (
    id                INTEGER PRIMARY KEY,
    url               TEXT NOT NULL UNIQUE,
    site_url          TEXT,
    title             TEXT NOT NULL DEFAULT '',
    custom_title      TEXT,
    folder_id         INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    -- 'active', 'gone' (410) or 'unsubscribed' (kept only for its bookmarked articles)
    status            TEXT NOT NULL DEFAULT 'active',
    -- the user subscribed to this URL directly, so its host may be private or loopback
    trusted_host      INTEGER NOT NULL DEFAULT 0,
    etag              TEXT,
    last_modified     TEXT,
    format            TEXT,
    parse_report      TEXT,
    last_fetched_at   INTEGER,
    last_success_at   INTEGER,
    last_error        TEXT,
    error_count       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX feeds_folder ON feeds(folder_id);

-- Sync writes content columns only; read/bookmark state is the user's and sync never touches it.
CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    feed_id          INTEGER NOT NULL REFERENCES feeds(id),
    -- guid, else link, else a hash of title and date: the identity of the item in its feed
    item_key         TEXT NOT NULL,
    -- NULL when the feed gave no readable date: shown as unknown, never as the fetch time
    published_at     INTEGER,
    updated_at       INTEGER,
    fetched_at       INTEGER NOT NULL,
    -- the order of story lists: published_at when known, else when Tidings first saw it
    sort_at          INTEGER NOT NULL,
    -- No read_at: flipping read between 0 and 1 keeps the record the same size, so SQLite
    -- overwrites it in place and never rewrites the row's text (mark-all-read of 10,000
    -- stories: 1.5 s with a timestamp beside the flag, 0.25 s without).
    read             INTEGER NOT NULL DEFAULT 0,
    bookmarked       INTEGER NOT NULL DEFAULT 0,
    bookmarked_at    INTEGER,
    -- 'pending' (page not fetched yet), 'full' (extracted page), 'feed' (the feed's own text
    -- is the full story) or 'teaser' (only the teaser; extraction_note says why)
    extraction       TEXT NOT NULL DEFAULT 'pending',
    word_count       INTEGER,
    content_hash     TEXT NOT NULL DEFAULT '',
    lang             TEXT,
    dir              TEXT,
    url              TEXT,
    title            TEXT NOT NULL DEFAULT '',
    author           TEXT,
    lead_image       TEXT,
    extraction_note  TEXT,
    note             TEXT,
    -- The large columns come last: SQLite reads a row's columns in order, so the small ones
    -- every list and filter needs stay on the row's first page, never behind overflow pages.
    teaser_html      TEXT,
    content_html     TEXT,
    content_text     TEXT,
    -- the character pairs of the Chinese, Japanese and Korean text in title and content_text
    -- (see search::cjk_bigrams), kept by the store beside the text it comes from; '' otherwise
    search_cjk       TEXT NOT NULL DEFAULT '',
    UNIQUE (feed_id, item_key)
);
CREATE INDEX articles_feed_date ON articles(feed_id, sort_at DESC, id DESC);
CREATE INDEX articles_unread_date ON articles(read, sort_at DESC, id DESC);
CREATE INDEX articles_date ON articles(sort_at DESC, id DESC);
-- per-feed unread and total counts (the sources pane) without touching the rows
CREATE INDEX articles_feed_read ON articles(feed_id, read);
CREATE INDEX articles_bookmarked ON articles(sort_at DESC, id DESC) WHERE bookmarked = 1;
CREATE INDEX articles_pending ON articles(extraction) WHERE extraction = 'pending';

-- The last line of defence for "bookmarks are kept forever": no code path can delete one.
CREATE TRIGGER articles_keep_bookmarks BEFORE DELETE ON articles
WHEN OLD.bookmarked = 1
BEGIN
    SELECT RAISE(ABORT, 'bookmarked articles are never deleted');
END;

CREATE TABLE article_revisions (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    content_html  TEXT,
    content_text  TEXT,
    seen_at       INTEGER NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions(article_id);

-- Deleted articles leave a tombstone so a later sync does not bring them back unread.
CREATE TABLE tombstones (
    feed_id     INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    deleted_at  INTEGER NOT NULL,
    PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 2: full-text search: one external-content FTS5 index over plain text (never HTML),
    // unicode61 with diacritics folded (bm25 ranking with titles weighing most, prefix and
    // phrase queries). Its fourth column indexes `search_cjk`, the overlapping character pairs
    // of every Chinese, Japanese or Korean run, so "香港" is found inside "香港的天气" the way
    // Lucene's CJK analyzer does it, at a fraction of a trigram index's size. The triggers fire
    // only when indexed columns change, so marking read costs no reindex.
    r#"
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, author, content_text, search_cjk,
    content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);
INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(8.0, 2.0, 1.0, 1.0)');
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, author, content_text, search_cjk)
        VALUES (new.id, new.title, new.author, new.content_text, new.search_cjk);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, author, content_text, search_cjk)
        VALUES ('delete', old.id, old.title, old.author, old.content_text, old.search_cjk);
END;
CREATE TRIGGER articles_fts_update
AFTER UPDATE OF title, author, content_text, search_cjk ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, author, content_text, search_cjk)
        VALUES ('delete', old.id, old.title, old.author, old.content_text, old.search_cjk);
    INSERT INTO articles_fts(rowid, title, author, content_text, search_cjk)
        VALUES (new.id, new.title, new.author, new.content_text, new.search_cjk);
END;
"#,
    // 3: offline images. An image is known by the key of its URL (what stored HTML names);
    // its bytes live once per content hash, in the library file itself so a backup or a copy
    // of the file carries every picture. article_images says which articles use which images,
    // so images only deleted articles used can go, and a bookmark's never do.
    r#"
CREATE TABLE image_blobs (
    hash   TEXT PRIMARY KEY,
    mime   TEXT NOT NULL,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);
CREATE TABLE images (
    key         TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    -- 'pending', 'ok' (hash set) or 'failed' (error says why; shown as a placeholder)
    status      TEXT NOT NULL DEFAULT 'pending',
    hash        TEXT REFERENCES image_blobs(hash),
    error       TEXT,
    fetched_at  INTEGER
);
CREATE INDEX images_pending ON images(status) WHERE status = 'pending';
CREATE TABLE article_images (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    PRIMARY KEY (article_id, key)
) WITHOUT ROWID;
CREATE INDEX article_images_key ON article_images(key);
"#,
    // 4: reading state in a table of its own (NetNewsWire keeps `statuses` apart the same way).
    // An article row carries kilobytes of text, so flipping `read` in it rewrote a whole
    // page per story: marking a 10,000-story folder read wrote 30 MB of WAL (270 ms); here it
    // is a few dozen small pages (1.5 MB, under 30 ms). `feed_id` and `sort_at` are copied
    // from the article (kept by the triggers) so the unread list and the per-feed counts are
    // each one walk of an index of this table. The old column is renamed, never read again:
    // dropping it would rewrite every article of a large library during the upgrade.
    r#"
CREATE TABLE article_status (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    feed_id     INTEGER NOT NULL,
    sort_at     INTEGER NOT NULL,
    read        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO article_status(article_id, feed_id, sort_at, read)
    SELECT id, feed_id, sort_at, read FROM articles;
CREATE INDEX article_status_unread ON article_status(read, sort_at DESC, article_id DESC);
CREATE INDEX article_status_feed ON article_status(feed_id, read);
DROP INDEX articles_unread_date;
DROP INDEX articles_feed_read;
ALTER TABLE articles RENAME COLUMN read TO unused_read_before_v4;

-- A feed's icon (the feed's own image, else its site's /favicon.ico): the URL and the key of
-- its offline copy in images (kept by collect_unused_images while a feed names it).
ALTER TABLE feeds ADD COLUMN icon_url TEXT;
ALTER TABLE feeds ADD COLUMN icon_key TEXT;
CREATE INDEX feeds_icon ON feeds(icon_key) WHERE icon_key IS NOT NULL;

CREATE TRIGGER article_status_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_status(article_id, feed_id, sort_at)
        VALUES (new.id, new.feed_id, new.sort_at);
END;
CREATE TRIGGER article_status_follow AFTER UPDATE OF feed_id, sort_at ON articles BEGIN
    UPDATE article_status SET feed_id = new.feed_id, sort_at = new.sort_at
        WHERE article_id = new.id;
END;
"#,
    // 5: highlights, each a W3C text-quote selector (exact, prefix, suffix) with a position
    // hint (`start`/`end`, chars of the story's plain text: `annotations`). A highlight whose
    // words left the story is kept, `orphaned`, never dropped. A highlighted story counts as
    // bookmarked: the insert trigger bookmarks it, unbookmarking it is refused while it has
    // highlights, and the keep-bookmarks trigger is made again to cover highlights too (the
    // highlights' foreign key has no cascade on purpose). Search reaches highlights and their
    // notes through a second FTS5 index of the same shape as the articles' one.
    r#"
CREATE TABLE highlights (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    exact       TEXT NOT NULL,
    prefix      TEXT NOT NULL DEFAULT '',
    suffix      TEXT NOT NULL DEFAULT '',
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    color       TEXT NOT NULL DEFAULT 'yellow',
    note        TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    orphaned    INTEGER NOT NULL DEFAULT 0,
    -- the CJK character pairs of exact and note (see search::cjk_bigrams), kept by the store
    search_cjk  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX highlights_article ON highlights(article_id, start);
CREATE INDEX highlights_created ON highlights(created_at DESC, id DESC);

CREATE TRIGGER highlights_bookmark AFTER INSERT ON highlights BEGIN
    UPDATE articles SET bookmarked = 1, bookmarked_at = coalesce(bookmarked_at, new.created_at)
        WHERE id = new.article_id AND bookmarked = 0;
END;
CREATE TRIGGER articles_highlighted_stay_bookmarked BEFORE UPDATE OF bookmarked ON articles
WHEN NEW.bookmarked = 0 AND EXISTS (SELECT 1 FROM highlights WHERE article_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'highlighted articles stay bookmarked');
END;
DROP TRIGGER articles_keep_bookmarks;
CREATE TRIGGER articles_keep_bookmarks BEFORE DELETE ON articles
WHEN OLD.bookmarked = 1 OR EXISTS (SELECT 1 FROM highlights WHERE article_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'bookmarked articles are never deleted');
END;

CREATE VIRTUAL TABLE highlights_fts USING fts5(
    exact, note, search_cjk,
    content='highlights', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);
CREATE TRIGGER highlights_fts_insert AFTER INSERT ON highlights BEGIN
    INSERT INTO highlights_fts(rowid, exact, note, search_cjk)
        VALUES (new.id, new.exact, new.note, new.search_cjk);
END;
CREATE TRIGGER highlights_fts_delete AFTER DELETE ON highlights BEGIN
    INSERT INTO highlights_fts(highlights_fts, rowid, exact, note, search_cjk)
        VALUES ('delete', old.id, old.exact, old.note, old.search_cjk);
END;
CREATE TRIGGER highlights_fts_update AFTER UPDATE OF exact, note, search_cjk ON highlights BEGIN
    INSERT INTO highlights_fts(highlights_fts, rowid, exact, note, search_cjk)
        VALUES ('delete', old.id, old.exact, old.note, old.search_cjk);
    INSERT INTO highlights_fts(rowid, exact, note, search_cjk)
        VALUES (new.id, new.exact, new.note, new.search_cjk);
END;
"#,
    // 6: reader-server accounts (the Google Reader API). The server is the source of truth for
    // an account's subscriptions; its items are stored as articles of the account's feeds. The
    // password is never in this file: `credential_key` names it in the Secret Service (or in
    // the user-only file beside the configuration when none runs).
    r#"
CREATE TABLE accounts (
    -- AUTOINCREMENT: a removed account's id is never given to a new one, so the feeds it left
    -- behind (kept for their bookmarks) are never taken for the new account's.
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL DEFAULT 'greader',
    -- the API root, e.g. https://host/api/greader.php
    server_url        TEXT NOT NULL,
    username          TEXT NOT NULL,
    -- what the sources pane calls it: user@host
    name              TEXT NOT NULL,
    credential_key    TEXT NOT NULL UNIQUE,
    -- 'secret-service' or 'file'
    credential_store  TEXT NOT NULL,
    -- the user confirmed plain http to a host that is not loopback: a warning stays on it
    plain_http        INTEGER NOT NULL DEFAULT 0,
    -- 'new', 'ok', 'sign-in-again', 'unreachable', 'rate-limited' or 'error'
    status            TEXT NOT NULL DEFAULT 'new',
    last_error        TEXT,
    error_count       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_sync_at      INTEGER,
    last_success_at   INTEGER,
    -- the `ot` of the next item listing (seconds): every item the server added before it is
    -- stored; advanced only once a listing's items all are
    items_since       INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    UNIQUE (server_url, username)
);

-- An account's feed is a row of feeds like any other (lists, counts, pages and images work
-- unchanged). Its feeds.url is the server's feed URL with '#tidings-account-ID' appended: a
-- feed URL is unique among subscriptions, the same feed may also be a local subscription or
-- on another account, and a fragment never reaches a server. `url` here is the URL as the
-- server gives it.
CREATE TABLE account_feeds (
    feed_id     INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stream_id   TEXT NOT NULL,
    url         TEXT NOT NULL,
    UNIQUE (account_id, stream_id)
);

-- Server items stored as articles. item_id is the item's hex id (the part after
-- 'tag:google.com,2005:reader/item/'). server_read and server_starred are the server's state
-- at the last sync: a sync applies only what changed on the server since, so a story the
-- server lost is never unread or unbookmarked here by its absence.
CREATE TABLE account_items (
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    item_id         TEXT NOT NULL,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    -- when the server added the item (microseconds): mark-all-as-read's `ts`
    crawled_usec    INTEGER NOT NULL,
    server_read     INTEGER NOT NULL,
    server_starred  INTEGER NOT NULL,
    PRIMARY KEY (account_id, item_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX account_items_article ON account_items(article_id);

-- Changes made in Tidings, waiting to be sent, in the order they were made. Written in the
-- same transaction as the change itself; deleted only once the server accepted them.
CREATE TABLE account_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- 'read', 'unread', 'star', 'unstar' (item_id); 'mark-all-read' (ts_usec, and the feed's
    -- stream_id, or a folder, or neither for everything);
    -- 'subscribe' (url, folder); 'unsubscribe' (stream_id); 'rename' (stream_id, title);
    -- 'move' (stream_id, folder, old_folder)
    action      TEXT NOT NULL,
    item_id     TEXT,
    stream_id   TEXT,
    url         TEXT,
    title       TEXT,
    folder      TEXT,
    old_folder  TEXT,
    ts_usec     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX account_outbox_account ON account_outbox(account_id, id);

-- The origin a feed's pages and images may reach on a private address: a local feed's own
-- (when the user subscribed to it directly), an account feed's server, unless the user vouched
-- for that feed's own origin (trusted_host).
CREATE VIEW feed_trust AS
SELECT f.id AS feed_id,
    CASE WHEN f.trusted_host = 0 AND a.server_url IS NOT NULL THEN a.server_url ELSE f.url END
        AS trusted_url,
    (f.trusted_host = 1 OR a.id IS NOT NULL) AS trusted
FROM feeds f
LEFT JOIN account_feeds af ON af.feed_id = f.id
LEFT JOIN accounts a ON a.id = af.account_id;
"#,
    // 7: saved pages, tags and read-later imports (issue #19). A page saved by hand or imported
    // is a story of the Saved source: a feed row whose status is 'saved' (never synced, listed
    // with the others), whose item_key is the page's canonical address (`urls::canonical_url`),
    // so a page is saved once.
    r#"
-- Tags on stories, many per story: kept as typed, one per story whatever its case.
CREATE TABLE tags (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags(tag);

-- Origins the person saved a page from by hand: like a subscribed feed's, their private and
-- loopback addresses may be fetched (an intranet page), by the import too.
CREATE TABLE trusted_origins (
    origin    TEXT PRIMARY KEY,
    added_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per entry of an import file (known by its SHA-256) once the import reached it, so an
-- import run again goes on where it stopped: no entry stored twice, no page fetched twice.
-- An entry's row is written with what it stored, in the same transaction.
CREATE TABLE import_journal (
    file_hash   TEXT NOT NULL,
    entry       INTEGER NOT NULL,
    -- 'fetching' (its page was asked for: the run stopped before it was stored), 'saved',
    -- 'archived' (the page is gone: the export's own copy was stored), 'dead' (title and link
    -- kept, `reason` says why), 'already' (the library had the page: that story bookmarked),
    -- 'skipped' (not stored, `reason` says why)
    state       TEXT NOT NULL,
    url         TEXT NOT NULL,
    article_id  INTEGER,
    reason      TEXT,
    PRIMARY KEY (file_hash, entry)
) WITHOUT ROWID;
"#,
    // 8: control over the river (issue #22): duplicate stories folded, mute and keep rules,
    // per-feed settings.
    //
    // A story's canonical address (`urls::canonical_url` of the address its page declares,
    // else of its link) lives in a narrow table of its own: writing it never rewrites an
    // article's row, and the upgrade fills it from the links alone (the `canonical_url` SQL
    // function is `urls::canonical_url`, registered on every connection). Stories with one
    // canonical address are copies of one story: the first stored copy in a subscribed feed is
    // the one lists across feeds show; the others carry its id in `article_status.duplicate_of`
    // (beside `read`, where the lists already look). Deleting a shown copy hands that role on
    // (the trigger). `flagged`: a keep rule caught the story.
    r#"
CREATE TABLE canonical_urls (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    url         TEXT NOT NULL
);
INSERT INTO canonical_urls(article_id, url)
    SELECT id, canonical_url(url) FROM articles WHERE canonical_url(url) IS NOT NULL;
CREATE INDEX canonical_urls_url ON canonical_urls(url);

ALTER TABLE article_status ADD COLUMN duplicate_of INTEGER;
ALTER TABLE article_status ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
UPDATE article_status SET duplicate_of = shown.id FROM (
    SELECT c.article_id AS copy, first_value(c.article_id) OVER (
        PARTITION BY c.url ORDER BY f.status = 'unsubscribed', c.article_id) AS id
    FROM canonical_urls c JOIN article_status s ON s.article_id = c.article_id
    JOIN feeds f ON f.id = s.feed_id) AS shown
WHERE article_status.article_id = shown.copy AND shown.copy != shown.id;
CREATE INDEX article_status_copies ON article_status(duplicate_of) WHERE duplicate_of IS NOT NULL;
-- The unread list across feeds walks only the stories it shows. It replaces the index of
-- every story by (read, date): each index on `read` is written again when a story is read,
-- and a second one made marking a folder read a third slower.
DROP INDEX article_status_unread;
CREATE INDEX article_status_unread_shown ON article_status(read, sort_at DESC, article_id DESC)
    WHERE duplicate_of IS NULL;
CREATE INDEX article_status_flagged ON article_status(sort_at DESC, article_id DESC)
    WHERE flagged = 1;

CREATE TRIGGER canonical_urls_hand_on AFTER DELETE ON canonical_urls BEGIN
    UPDATE article_status SET duplicate_of = nullif((
        SELECT c.article_id FROM canonical_urls c
        JOIN article_status s ON s.article_id = c.article_id JOIN feeds f ON f.id = s.feed_id
        WHERE c.url = OLD.url ORDER BY f.status = 'unsubscribed', c.article_id LIMIT 1),
        article_id)
    WHERE duplicate_of = OLD.article_id;
END;

CREATE TABLE rules (
    id          INTEGER PRIMARY KEY,
    -- 'mute' or 'keep'
    action      TEXT NOT NULL,
    -- words and "quoted phrases", or /a regex/
    pattern     TEXT NOT NULL,
    -- only this feed's stories; NULL: every feed's
    feed_id     INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    -- 'any', 'title' or 'text'
    field       TEXT NOT NULL DEFAULT 'any',
    created_at  INTEGER NOT NULL
);

-- 0: the feed's own text is the story, its pages are never fetched
ALTER TABLE feeds ADD COLUMN full_text INTEGER NOT NULL DEFAULT 1;
-- fetched at most every N minutes; NULL: at every sync
ALTER TABLE feeds ADD COLUMN interval_minutes INTEGER;
-- read stories kept N days; NULL: the library's retention
ALTER TABLE feeds ADD COLUMN keep_days INTEGER;
-- 'tidings' or 'browser'
ALTER TABLE feeds ADD COLUMN user_agent TEXT NOT NULL DEFAULT 'tidings';
"#,
    // 9: each story's texts stored once, compressed (see store::body): `body` holds the plain
    // text, the HTML and the teaser in one zstd frame. The old columns are renamed, not
    // dropped (dropping rewrites every article in one transaction); the names the queries and
    // the search index read become generated columns that read `body`, or the old column while
    // a row is still in its old form. The batched, resumable backfill
    // (store::upgrade) moves rows over, freeing the old columns' pages as it goes; it never
    // changes the text, so the search index is not rebuilt. `upgrade_backfills` lists what it
    // still has to do, with the last row done.
    r#"
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
ALTER TABLE articles RENAME COLUMN teaser_html TO teaser_html_uncompressed;
ALTER TABLE articles RENAME COLUMN content_html TO content_html_uncompressed;
ALTER TABLE articles RENAME COLUMN content_text TO content_text_uncompressed;
ALTER TABLE articles RENAME COLUMN search_cjk TO search_cjk_uncompressed;
ALTER TABLE articles ADD COLUMN body BLOB;
ALTER TABLE articles ADD COLUMN content_text TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN content_text_uncompressed ELSE story_part(body, 0) END) VIRTUAL;
ALTER TABLE articles ADD COLUMN content_html TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN content_html_uncompressed ELSE story_part(body, 1) END) VIRTUAL;
ALTER TABLE articles ADD COLUMN teaser_html TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN teaser_html_uncompressed ELSE story_part(body, 2) END) VIRTUAL;
-- Derived, no longer stored: the CJK character pairs of the title and the text.
ALTER TABLE articles ADD COLUMN search_cjk TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN search_cjk_uncompressed
          ELSE search_pairs(title, story_part(body, 0)) END) VIRTUAL;

ALTER TABLE article_revisions RENAME COLUMN content_html TO content_html_uncompressed;
ALTER TABLE article_revisions RENAME COLUMN content_text TO content_text_uncompressed;
ALTER TABLE article_revisions ADD COLUMN body BLOB;
ALTER TABLE article_revisions ADD COLUMN content_text TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN content_text_uncompressed ELSE story_part(body, 0) END) VIRTUAL;
ALTER TABLE article_revisions ADD COLUMN content_html TEXT GENERATED ALWAYS AS
    (CASE WHEN body IS NULL THEN content_html_uncompressed ELSE story_part(body, 1) END) VIRTUAL;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, author, content_text, search_cjk)
        VALUES (new.id, new.title, new.author, new.content_text, new.search_cjk);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, author, content_text, search_cjk)
        VALUES ('delete', old.id, old.title, old.author, old.content_text, old.search_cjk);
END;
-- Fires when what the index holds changed, not when `body` was written: the backfill rewrites
-- a row into `body` with the same text (a stored CJK column that differs from the derived one,
-- even in spacing, is reindexed from the value the index was given).
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, author, body ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author
    OR old.content_text IS NOT new.content_text OR old.search_cjk IS NOT new.search_cjk
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, author, content_text, search_cjk)
        VALUES ('delete', old.id, old.title, old.author, old.content_text, old.search_cjk);
    INSERT INTO articles_fts(rowid, title, author, content_text, search_cjk)
        VALUES (new.id, new.title, new.author, new.content_text, new.search_cjk);
END;

CREATE TABLE upgrade_backfills (
    name   TEXT PRIMARY KEY,
    -- rows up to this id are done
    after  INTEGER NOT NULL DEFAULT 0,
    -- the last row to do (the largest id when the step ran): rows added since are new
    until  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO upgrade_backfills(name, until)
    SELECT 'articles', max(id) FROM articles HAVING count(*) > 0;
INSERT INTO upgrade_backfills(name, until)
    SELECT 'article_revisions', max(id) FROM article_revisions HAVING count(*) > 0;
"#,
    // 10: each feed's story and unread counts, kept by triggers on the status rows. The
    // sources pane and the summary read them instead of counting: on a million stories in
    // 10,000 feeds, counting every feed's stories took 0.35-1 s at each launch.
    r#"
CREATE TABLE feed_counts (
    feed_id  INTEGER PRIMARY KEY,
    stories  INTEGER NOT NULL DEFAULT 0,
    unread   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO feed_counts(feed_id, stories, unread)
    SELECT feed_id, count(*), sum(read = 0) FROM article_status GROUP BY feed_id;
CREATE TRIGGER feed_counts_insert AFTER INSERT ON article_status BEGIN
    INSERT INTO feed_counts(feed_id, stories, unread) VALUES (new.feed_id, 1, new.read = 0)
    ON CONFLICT(feed_id) DO UPDATE SET stories = stories + 1, unread = unread + (new.read = 0);
END;
CREATE TRIGGER feed_counts_delete AFTER DELETE ON article_status BEGIN
    UPDATE feed_counts SET stories = stories - 1, unread = unread - (old.read = 0)
        WHERE feed_id = old.feed_id;
END;
CREATE TRIGGER feed_counts_update AFTER UPDATE OF read, feed_id ON article_status
WHEN old.read IS NOT new.read OR old.feed_id IS NOT new.feed_id
BEGIN
    UPDATE feed_counts SET stories = stories - 1, unread = unread - (old.read = 0)
        WHERE feed_id = old.feed_id;
    INSERT INTO feed_counts(feed_id, stories, unread) VALUES (new.feed_id, 1, new.read = 0)
    ON CONFLICT(feed_id) DO UPDATE SET stories = stories + 1, unread = unread + (new.read = 0);
END;
"#,
    // 11: why a feed's last fetch failed, as the sync's word for it (`sync::FailureKind`),
    // beside the message for people: the app offers a fix by the word (the browser user agent
    // for a site that turns readers away), never by reading the message. Of the failures
    // recorded before this step only that refusal can be told, by the words its message has
    // always ended with; the others get their word at their next failure.
    r#"
ALTER TABLE feeds ADD COLUMN last_error_kind TEXT;
UPDATE feeds SET last_error_kind = 'readers-refused'
    WHERE last_error LIKE '%try the browser user agent in the feed''s settings';
"#,
];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}
