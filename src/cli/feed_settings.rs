//! `tidings feed-settings FEED_ID [...]`: one feed's own settings, shown or changed.

use clap::{Args, ValueEnum};

use crate::store::{FeedSettings, Library, UserAgent};

#[derive(Debug, Args)]
pub struct FeedSettingsArgs {
    /// The feed's id (see `tidings feeds`).
    pub feed: i64,
    /// Fetch each new story's page for the full article (off: the feed's own text is the story).
    #[arg(long, value_name = "on|off")]
    pub full_text: Option<Switch>,
    /// Fetch the feed at most every this many minutes (0: at every sync).
    #[arg(long, value_name = "MINUTES")]
    pub interval: Option<i64>,
    /// Keep the feed's read stories this many days (0: as `tidings retention` says).
    #[arg(long, value_name = "N")]
    pub keep_days: Option<i64>,
    /// Fetch the feed as Tidings or as a web browser (for sites that refuse readers).
    #[arg(long, value_name = "browser|tidings")]
    pub user_agent: Option<UserAgent>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// The command that asks a feed's site as a browser does: the fix for a site that turns readers
/// away (`sync::FailureKind::ReadersRefused`).
pub(super) fn browser_agent_fix(feed_id: i64) -> String {
    format!("try: tidings feed-settings {feed_id} --user-agent browser")
}

pub fn run(lib: &mut Library, args: &FeedSettingsArgs) -> anyhow::Result<()> {
    let title = lib.feed(args.feed)?.title;
    let mut settings = lib.feed_settings(args.feed)?;
    let changes = args.full_text.is_some()
        || args.interval.is_some()
        || args.keep_days.is_some()
        || args.user_agent.is_some();
    if changes {
        settings = FeedSettings {
            full_text: args
                .full_text
                .map_or(settings.full_text, |s| s == Switch::On),
            interval_minutes: args.interval.or(settings.interval_minutes),
            keep_days: args.keep_days.or(settings.keep_days),
            user_agent: args.user_agent.unwrap_or(settings.user_agent),
        };
        lib.set_feed_settings(args.feed, &settings)?;
        settings = lib.feed_settings(args.feed)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&settings)?);
        return Ok(());
    }
    println!("{title} (feed {})", args.feed);
    println!(
        "  full text:  {}",
        if settings.full_text {
            "on (each new story's page is fetched)"
        } else {
            "off (the feed's own text is the story)"
        }
    );
    println!(
        "  interval:   {}",
        settings
            .interval_minutes
            .map(|m| format!("every {m} minutes at most"))
            .unwrap_or_else(|| "at every sync".into())
    );
    println!(
        "  keep read:  {}",
        settings
            .keep_days
            .map(|d| format!("{d} days"))
            .unwrap_or_else(|| "as the library's retention says".into())
    );
    println!("  user agent: {}", settings.user_agent.as_str());
    Ok(())
}
