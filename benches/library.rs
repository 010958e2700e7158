//! The library at scale: builds a library of ARTICLES articles (default 100,000; 5–10 KB of
//! text each, 100 per feed) and measures what the reader does with it. Run by
//! `scripts/bench-library`; prints one table. Not a test: figures, not pass/fail (the targets
//! are printed beside them).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use tidings::store::{ArticleFilter, FeedUpdate, IncomingArticle, Library, NewFeed};

/// The peer: Newsboat's cache, the same articles written into an empty cache file made by
/// Newsboat itself (`NEWSBOAT_CACHE`, made by scripts/bench-library), queried the way Newsboat
/// 2.21 does it (src/cache.cpp: search is `title LIKE '%q%' OR content LIKE '%q%'`, marking a
/// feed read is one UPDATE per feed URL, synchronous=OFF).
struct NewsboatCache {
    conn: Connection,
    path: PathBuf,
}

impl NewsboatCache {
    fn create(template: &std::path::Path, dir: &std::path::Path) -> NewsboatCache {
        let path = dir.join("newsboat-cache.db");
        std::fs::copy(template, &path).expect("copy the Newsboat cache template");
        let conn = Connection::open(&path).expect("open the Newsboat cache");
        conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA case_sensitive_like = OFF;")
            .expect("pragmas");
        NewsboatCache { conn, path }
    }

    fn store(&mut self, feed_url: &str, title: &str, items: &[IncomingArticle]) {
        let tx = self.conn.transaction().expect("tx");
        tx.execute(
            "INSERT INTO rss_feed (rssurl, url, title, is_rtl) VALUES (?1, ?1, ?2, 0)",
            params![feed_url, title],
        )
        .expect("feed");
        for a in items {
            tx.execute(
                "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content,
                     unread, enclosure_url, enclosure_type, enqueued, base)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, '', '', 0, '')",
                params![
                    a.item_key,
                    a.title,
                    a.author.as_deref().unwrap_or(""),
                    a.url.as_deref().unwrap_or(""),
                    feed_url,
                    a.published_at.unwrap_or(0),
                    a.content_html.as_deref().unwrap_or(""),
                ],
            )
            .expect("item");
        }
        tx.commit().expect("commit");
    }

    /// Newsboat's search_for_items over all feeds; returns how many matched.
    fn search(&self, query: &str) -> usize {
        // Newsboat has no query language: a prefix query is its stem, a phrase its words.
        let needle = format!("%{}%", query.trim_end_matches('*'));
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT guid, title, author, url, pubDate, length(content), unread, feedurl,
                        enclosure_url, enclosure_type, enqueued, flags, base
                 FROM rss_item WHERE (title LIKE ?1 OR content LIKE ?1) AND deleted = 0
                 ORDER BY pubDate DESC, id DESC",
            )
            .expect("prepare");
        let rows = stmt
            .query_map([&needle], |r| r.get::<_, String>(0))
            .expect("query");
        rows.count()
    }

    fn mark_feeds_read(&self, feed_urls: &[String]) -> usize {
        feed_urls
            .iter()
            .map(|url| {
                self.conn
                    .execute(
                        "UPDATE rss_item SET unread = '0' WHERE unread != '0' AND feedurl = ?1",
                        [url],
                    )
                    .expect("mark read")
            })
            .sum()
    }

    fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "ri", "men", "tal", "vor", "san", "de", "qui", "pol", "ne", "ber", "sto", "ga",
    "lin", "tor", "mi", "ra", "shen", "wu", "pa", "el", "on", "is", "ver", "cor", "bu", "fi",
];
const HAN: &[char] = &[
    '香', '港', '天', '气', '经', '济', '新', '闻', '政', '府', '市', '场', '学', '校', '城', '人',
];

fn vocabulary(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let parts = 2 + rng.below(3);
            (0..parts)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
                .collect()
        })
        .collect()
}

fn text(rng: &mut Rng, vocab: &[String], bytes: usize, chinese: bool) -> String {
    let mut out = String::with_capacity(bytes + 64);
    while out.len() < bytes {
        if chinese {
            for _ in 0..(8 + rng.below(20)) {
                out.push(HAN[rng.below(HAN.len() as u64) as usize]);
            }
            out.push('。');
        } else {
            // Zipf-ish: common words far more often than rare ones.
            let r = rng.below(1000) as f64 / 1000.0;
            let i = ((r * r * r) * vocab.len() as f64) as usize;
            out.push_str(&vocab[i.min(vocab.len() - 1)]);
            out.push(if rng.below(12) == 0 { '.' } else { ' ' });
            out.push(' ');
        }
    }
    out
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn main() {
    let articles: usize = std::env::var("ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let per_feed = 100;
    let feeds = articles.div_ceil(per_feed);
    let dir: PathBuf = std::env::var_os("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("tidings-bench-library"));
    let path = dir.join("library.sqlite");
    // BENCH_REUSE=1 measures a library this bench built before (a million stories take twenty
    // minutes to build): the same articles are generated, so the queries are the same, but not
    // stored again.
    let reuse = std::env::var_os("BENCH_REUSE").is_some() && path.exists();
    if !reuse {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
    }
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let vocab = vocabulary(&mut rng, 20_000);

    eprintln!(
        "{} {articles} articles in {feeds} feeds at {}",
        if reuse { "reusing" } else { "building" },
        path.display()
    );
    let build_start = Instant::now();
    let mut lib = Library::open(&path).expect("open");
    let mut newsboat = std::env::var_os("NEWSBOAT_CACHE")
        .filter(|_| !reuse)
        .map(|template| NewsboatCache::create(std::path::Path::new(&template), &dir));
    let mut feed_ids = Vec::new();
    let existing: std::collections::HashMap<String, i64> = if reuse {
        let feeds = lib.feeds().expect("feeds");
        feeds.into_iter().map(|f| (f.url, f.id)).collect()
    } else {
        Default::default()
    };
    let mut text_bytes = 0usize;
    for f in 0..feeds {
        let folder = format!("Folder {}", f / 100);
        let new_feed = NewFeed {
            url: format!("https://feed{f}.example/rss"),
            title: Some(format!("Feed {f}")),
            folder: Some(folder),
            ..NewFeed::default()
        };
        let id = if reuse {
            *existing
                .get(&new_feed.url)
                .expect("the reused library has the feed")
        } else {
            lib.add_feed(&new_feed).expect("add feed").0
        };
        feed_ids.push(id);
        let items: Vec<IncomingArticle> = (0..per_feed.min(articles - f * per_feed))
            .map(|i| {
                let chinese = (f * per_feed + i) % 20 == 0;
                let size = 5_000 + rng.below(5_000) as usize;
                let body = text(&mut rng, &vocab, size, chinese);
                text_bytes += body.len();
                let title = text(&mut rng, &vocab, 40, chinese);
                IncomingArticle {
                    item_key: format!("f{f}-{i}"),
                    url: Some(format!("https://feed{f}.example/{i}")),
                    title: title.trim().to_string(),
                    author: Some(vocab[rng.below(500) as usize].clone()),
                    published_at: Some(1_700_000_000 + (f * per_feed + i) as i64 * 60),
                    content_html: Some(format!("<p>{body}</p>")),
                    content_text: Some(body),
                    extraction: tidings::store::Extraction::Full,
                    ..IncomingArticle::default()
                }
            })
            .collect();
        if !reuse {
            lib.store_feed_result(id, &FeedUpdate::default(), &items)
                .expect("store");
        }
        if let Some(nb) = newsboat.as_mut() {
            nb.store(
                &format!("https://feed{f}.example/rss"),
                &format!("Feed {f}"),
                &items,
            );
        }
        if f % 100 == 99 {
            eprintln!(
                "  {} feeds, {:.0} s",
                f + 1,
                build_start.elapsed().as_secs_f64()
            );
        }
    }
    let build = build_start.elapsed();
    drop(lib);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0);

    let (lib, open) = time(|| {
        let lib = Library::open(&path).expect("open");
        lib.summary().expect("summary");
        lib
    });
    let storage = lib.storage_report().expect("storage report");

    // Search: 200 queries — common and rare words, prefixes, phrases, Chinese.
    let mut queries = Vec::new();
    for i in 0..200 {
        let q = match i % 5 {
            0 => vocab[rng.below(200) as usize].clone(),
            1 => vocab[200 + rng.below(5_000) as usize].clone(),
            2 => format!(
                "{}*",
                &vocab[rng.below(2_000) as usize][..3.min(vocab[0].len())]
            ),
            3 => format!(
                "{} {}",
                vocab[rng.below(300) as usize],
                vocab[rng.below(300) as usize]
            ),
            _ => {
                let a = HAN[rng.below(HAN.len() as u64) as usize];
                let b = HAN[rng.below(HAN.len() as u64) as usize];
                let c = HAN[rng.below(HAN.len() as u64) as usize];
                if i % 2 == 0 {
                    format!("{a}{b}")
                } else {
                    format!("{a}{b}{c}")
                }
            }
        };
        queries.push(q);
    }
    let mut search = Vec::new();
    let mut search_cjk = Vec::new();
    // By kind (the order queries are made in): a common word, a rare one, a prefix, two words.
    let mut search_by_kind: [Vec<Duration>; 4] = Default::default();
    let mut hits = 0;
    for (i, q) in queries.iter().enumerate() {
        let (r, d) = time(|| lib.search(q, 50).expect("search"));
        hits += r.len();
        if q.chars().any(|c| HAN.contains(&c)) {
            search_cjk.push(d)
        } else {
            search.push(d);
            search_by_kind[i % 5].push(d);
        }
    }

    let mut feed_page = Vec::new();
    let mut unread_page = Vec::new();
    let mut open_article = Vec::new();
    for _ in 0..200 {
        let feed = feed_ids[rng.below(feed_ids.len() as u64) as usize];
        let filter = ArticleFilter {
            feed_id: Some(feed),
            ..Default::default()
        };
        feed_page.push(time(|| lib.articles(&filter, 50, 0).expect("page")).1);
        let filter = ArticleFilter {
            unread_only: true,
            ..Default::default()
        };
        let offset = rng.below(20) as i64 * 50;
        unread_page.push(time(|| lib.articles(&filter, 50, offset).expect("page")).1);
        let id = 1 + rng.below(articles as u64) as i64;
        open_article.push(time(|| lib.article(id).expect("article")).1);
    }
    drop(lib);
    let mut lib = Library::open(&path).expect("open");
    // Every story marked below is unread again afterwards: the library stays as built, with
    // unread stories to show (scripts/bench-desktop launches the app on it, and BENCH_REUSE
    // measures it again).
    let ids_where = |condition: &str| -> std::collections::HashSet<i64> {
        let raw = Connection::open(&path).expect("open raw");
        let mut stmt = raw
            .prepare(&format!(
                "SELECT article_id FROM article_status WHERE {condition}"
            ))
            .expect("status");
        let ids = stmt.query_map([], |r| r.get(0)).expect("status");
        ids.map(|id| id.expect("id")).collect()
    };
    let unread_before = ids_where("read = 0");
    let folder = (feeds / 100).clamp(1, 4) - 1;
    let (marked, mark_all) = time(|| {
        lib.mark_read_where(
            &tidings::store::StoryList::Folder {
                name: format!("Folder {folder}"),
            },
            None,
            None,
        )
        .expect("mark")
    });
    // The oldest stories up to 100,000 unread ones: the folder marked above is among them.
    let oldest = 1_700_000_000 + (100_000 + marked as i64) * 60;
    let (marked_many, mark_many) = time(|| {
        lib.mark_read_where(&tidings::store::StoryList::All, None, Some(oldest))
            .expect("mark")
    });
    {
        let mut raw = Connection::open(&path).expect("open raw");
        let tx = raw.transaction().expect("transaction");
        let mut unread = tx
            .prepare("UPDATE article_status SET read = 0 WHERE article_id = ?1")
            .expect("unread");
        for id in ids_where("read = 1").intersection(&unread_before) {
            unread.execute([id]).expect("unread");
        }
        drop(unread);
        tx.commit().expect("commit");
    }

    let row = |what: &str, value: String, target: &str| println!("| {what} | {value} | {target} |");
    println!("\n| measure ({articles} articles, {feeds} feeds) | value | target |");
    println!("|---|---|---|");
    row(
        "build (store_feed_result, one transaction per feed)",
        if reuse {
            "reused (BENCH_REUSE)".to_string()
        } else {
            format!("{:.1} s", build.as_secs_f64())
        },
        "—",
    );
    row(
        "library file size per article",
        format!(
            "{:.1} KB ({:.1} KB of text)",
            size as f64 / articles as f64 / 1024.0,
            text_bytes as f64 / articles as f64 / 1024.0
        ),
        "—",
    );
    let per = |bytes: u64| bytes as f64 / articles as f64 / 1024.0;
    row(
        "per article: text / search index / other (KB)",
        format!(
            "{:.1} / {:.1} / {:.1}",
            per(storage.text + storage.revisions),
            per(storage.search_index),
            per(storage.other + storage.images + storage.free)
        ),
        "—",
    );
    row(
        "cold open (open + first summary)",
        format!("{:.1} ms", open.as_secs_f64() * 1000.0),
        "< 100 ms",
    );
    row(
        "search p50 / p95 (words, prefixes, phrases)",
        format!(
            "{:.2} / {:.2} ms",
            percentile(&mut search, 0.5),
            percentile(&mut search, 0.95)
        ),
        "p95 < 20 ms",
    );
    let [mut common, mut rare, mut prefix, mut two] = search_by_kind;
    row(
        "search p95: a common word / a rare one / a prefix / two words",
        format!(
            "{:.1} / {:.1} / {:.1} / {:.1} ms",
            percentile(&mut common, 0.95),
            percentile(&mut rare, 0.95),
            percentile(&mut prefix, 0.95),
            percentile(&mut two, 0.95)
        ),
        "—",
    );
    row(
        "search p50 / p95 (Chinese substrings)",
        format!(
            "{:.2} / {:.2} ms",
            percentile(&mut search_cjk, 0.5),
            percentile(&mut search_cjk, 0.95)
        ),
        "p95 < 20 ms",
    );
    row(
        "first page of a feed p50 / p95",
        format!(
            "{:.2} / {:.2} ms",
            percentile(&mut feed_page, 0.5),
            percentile(&mut feed_page, 0.95)
        ),
        "p95 < 5 ms",
    );
    row(
        "a page of all unread p50 / p95",
        format!(
            "{:.2} / {:.2} ms",
            percentile(&mut unread_page, 0.5),
            percentile(&mut unread_page, 0.95)
        ),
        "p95 < 5 ms",
    );
    row(
        "open article p50 / p95",
        format!(
            "{:.2} / {:.2} ms",
            percentile(&mut open_article, 0.5),
            percentile(&mut open_article, 0.95)
        ),
        "p95 < 5 ms",
    );
    row(
        &format!("mark all read, folder of {marked}"),
        format!("{:.0} ms", mark_all.as_secs_f64() * 1000.0),
        "< 200 ms",
    );
    row(
        &format!("mark read, the oldest {marked_many} stories"),
        format!("{:.0} ms", mark_many.as_secs_f64() * 1000.0),
        "< 1 s (100,000)",
    );
    println!(
        "(search results returned: {hits} over {} queries)",
        queries.len()
    );

    let Some(nb) = newsboat else {
        println!("(no NEWSBOAT_CACHE: the Newsboat comparison was skipped)");
        return;
    };
    // A full scan per query costs Newsboat seconds: every 5th query, the same mix.
    let sample: Vec<&String> = queries.iter().step_by(5).collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut our_hits, mut their_hits) = (0, 0);
    for q in &sample {
        let (r, d) = time(|| lib.search(q, 50).expect("search"));
        our_hits += r.len();
        ours.push(d);
        let (n, d) = time(|| nb.search(q));
        their_hits += n;
        theirs.push(d);
    }
    let folder_feeds: Vec<String> = (folder * 100..(folder * 100 + 100).min(feeds))
        .map(|f| format!("https://feed{f}.example/rss"))
        .collect();
    let (nb_marked, nb_mark) = time(|| nb.mark_feeds_read(&folder_feeds));
    let (o50, o95) = (percentile(&mut ours, 0.5), percentile(&mut ours, 0.95));
    let (t50, t95) = (percentile(&mut theirs, 0.5), percentile(&mut theirs, 0.95));
    let nb_size = nb.size();
    println!("\n| same articles | Tidings | Newsboat 2.21 cache | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| file size per article | {:.1} KB | {:.1} KB | {:.2}x |",
        size as f64 / articles as f64 / 1024.0,
        nb_size as f64 / articles as f64 / 1024.0,
        size as f64 / nb_size.max(1) as f64
    );
    println!(
        "| search p50 ({} queries) | {o50:.2} ms | {t50:.1} ms | {:.4}x |",
        sample.len(),
        o50 / t50
    );
    println!(
        "| search p95 | {o95:.2} ms | {t95:.1} ms | {:.4}x |",
        o95 / t95
    );
    println!(
        "| mark a folder read ({marked} / {nb_marked} stories) | {:.0} ms | {:.0} ms | {:.2}x |",
        mark_all.as_secs_f64() * 1000.0,
        nb_mark.as_secs_f64() * 1000.0,
        mark_all.as_secs_f64() / nb_mark.as_secs_f64()
    );
    println!(
        "(matches: Tidings {our_hits} (ranked, first 50 each), Newsboat {their_hits} (all, by date); \
         Tidings stores the text and HTML compressed together, plus its search index)"
    );
}
