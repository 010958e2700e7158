//! Launch and scrolling on a big library: not a pass/fail journey but a measurement, run by
//! hand on the library `ARTICLES=100000 cargo bench --bench library` builds:
//! `TIDINGS_BENCH_LIBRARY=/tmp/tidings-bench-library/library.sqlite cargo nextest run -p
//! tidings-app --run-ignored only launch_on_a_big_library --no-capture`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::json;

use super::harness::Harness;
use super::reader::{js, shot};
use super::APP;

pub fn launch_on_a_big_library() {
    let path = PathBuf::from(
        std::env::var_os("TIDINGS_BENCH_LIBRARY")
            .expect("TIDINGS_BENCH_LIBRARY names the library to measure"),
    );
    assert!(path.exists(), "{} does not exist", path.display());
    let h = Harness::start(&[("TIDINGS_LIBRARY", &path)]);
    let start = Instant::now();
    let s = h.launch(APP);
    let session = start.elapsed();
    let first_row = loop {
        let found = s
            .execute("return !!document.querySelector('.story-row')", json!([]))
            .unwrap_or_default();
        if found == true {
            break start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no story row after 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    shot(&s, "launch-big-library-first-rows.png");
    // Everything else (sources pane counts, settings) may take longer.
    let loaded = loop {
        let done = s
            .execute("return document.body.dataset.loaded === 'true'", json!([]))
            .unwrap_or_default();
        if done == true {
            break start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(400),
            "not loaded after 400 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let in_page = js(&s, "return Number(document.body.dataset.firstRowsAt || 0)");
    let status_line = js(
        &s,
        "return document.getElementById('status-line').textContent",
    );
    assert!(
        !status_line
            .as_str()
            .unwrap_or_default()
            .starts_with("Could not"),
        "{status_line}"
    );
    let articles = js(
        &s,
        "return document.getElementById('library-counts').dataset.articles",
    );
    shot(&s, "launch-big-library.png");

    // Scroll down 400 px a frame for 600 frames (pages of 500 load on the way) and time them.
    let scroll = s
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const list = document.getElementById('story-list');
             const gaps = []; let last = performance.now(); let n = 0;
             function step(now) {
               gaps.push(now - last); last = now; list.scrollTop += 400;
               if (++n < 600) requestAnimationFrame(step);
               else {
                 gaps.sort((a, b) => a - b);
                 done({ frames: gaps.length, median: gaps[gaps.length >> 1],
                        p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1],
                        loaded: Number(list.dataset.count),
                        rows: document.querySelectorAll('.story-row').length });
               }
             }
             requestAnimationFrame(step);",
            json!([]),
        )
        .unwrap();
    eprintln!(
        "big library ({articles} articles): session {:.2} s, first story row {:.2} s after \
         session start, everything loaded {:.2} s ({in_page} ms after the page started); \
         scrolling {scroll}",
        session.as_secs_f64(),
        first_row.as_secs_f64(),
        loaded.as_secs_f64()
    );
    s.quit().unwrap();
}
