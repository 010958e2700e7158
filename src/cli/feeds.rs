//! `tidings feeds`: subscriptions with their status.

use clap::Args;

use crate::store::Library;
use crate::sync::FailureKind;

#[derive(Debug, Args)]
pub struct FeedsArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(lib: &Library, args: &FeedsArgs) -> anyhow::Result<()> {
    let feeds = lib.feeds()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&feeds)?);
        return Ok(());
    }
    if feeds.is_empty() {
        println!("No subscriptions yet — add one with `tidings add URL` or `tidings import FILE`.");
        return Ok(());
    }
    for feed in &feeds {
        let status = match (&feed.last_error, feed.status.as_str()) {
            (_, "gone") => "gone (410)".to_string(),
            (Some(err), _) => format!("error ×{}: {err}", feed.error_count),
            (None, _) if feed.last_success_at.is_some() => "ok".to_string(),
            (None, _) if feed.account.is_some() => {
                format!("account {}", feed.account.as_deref().unwrap_or_default())
            }
            _ => "never synced".to_string(),
        };
        let folder = feed.folder.as_deref().unwrap_or("-");
        let report = feed
            .format
            .as_deref()
            .map(|f| {
                format!(
                    " [{f}{}]",
                    feed.parse_report
                        .as_deref()
                        .map(|p| format!("; {p}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        println!(
            "{:>5}  {:<40}  {:>4}/{:<4} unread  {:<12} {}{}\n       {}",
            feed.id, feed.title, feed.unread, feed.total, folder, status, report, feed.url
        );
        if feed.last_error_kind.as_deref() == Some(FailureKind::ReadersRefused.as_str()) {
            println!(
                "       the site turns readers away; {}",
                super::feed_settings::browser_agent_fix(feed.id)
            );
        }
    }
    Ok(())
}
