//! `tidings rule add|list|remove`: mute and keep rules, applied to new stories at sync.

use clap::{Args, Subcommand};

use crate::rules::{Action, Field, Pattern, RuleSpec};
use crate::store::Library;

#[derive(Debug, Args)]
pub struct RuleArgs {
    #[command(subcommand)]
    pub command: RuleCommand,
}

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Add a rule: `mute` marks matching new stories read, `keep` flags them. One rule per
    /// pattern given.
    Add(AddRuleArgs),
    /// List the rules.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a rule (stories it already caught stay as they are).
    Remove {
        /// The rule's id (see `tidings rule list`).
        id: i64,
    },
    /// Show what a pattern would have caught in the last 30 days (nothing is changed).
    Preview(PreviewArgs),
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// Words and "quoted phrases", or /a regex/.
    pub pattern: String,
    /// Only this feed's stories.
    #[arg(long)]
    pub feed: Option<i64>,
    /// Read only the story's title or its text (default: either).
    #[arg(long = "in", value_name = "title|text", default_value = "any")]
    pub field: Field,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddRuleArgs {
    /// `mute` or `keep`.
    pub action: Action,
    /// Words and "quoted phrases" (all must be in the story; whole words, any case or accents;
    /// Chinese, Japanese and Korean inside runs of characters), or /a regex/.
    #[arg(required = true, value_name = "PATTERN")]
    pub patterns: Vec<String>,
    /// Only this feed's stories.
    #[arg(long)]
    pub feed: Option<i64>,
    /// Read only the story's title or its text (default: either).
    #[arg(long = "in", value_name = "title|text", default_value = "any")]
    pub field: Field,
}

pub fn run(lib: &mut Library, args: &RuleArgs) -> anyhow::Result<()> {
    match &args.command {
        RuleCommand::Add(add) => {
            for pattern in &add.patterns {
                let spec = RuleSpec {
                    action: add.action,
                    pattern: pattern.clone(),
                    feed_id: add.feed,
                    field: add.field,
                };
                let id = lib.add_rule(&spec)?;
                println!("Added rule {id}: {}", describe(&spec));
            }
            Ok(())
        }
        RuleCommand::List { json } => {
            let rules = lib.rules()?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rules)?);
                return Ok(());
            }
            if rules.is_empty() {
                println!("No rules — add one with `tidings rule add mute \"PHRASE\"`.");
            }
            for rule in &rules {
                let broken = Pattern::parse(&rule.spec.pattern)
                    .err()
                    .map(|e| format!("  (not applied: {e})"))
                    .unwrap_or_default();
                println!("{:>5}  {}{broken}", rule.id, describe(&rule.spec));
            }
            Ok(())
        }
        RuleCommand::Remove { id } => {
            lib.remove_rule(*id)?;
            println!("Removed rule {id}");
            Ok(())
        }
        RuleCommand::Preview(preview) => {
            let spec = RuleSpec {
                action: Action::Mute,
                pattern: preview.pattern.clone(),
                feed_id: preview.feed,
                field: preview.field,
            };
            let found = crate::sync::preview_rule(lib, &spec)?;
            if preview.json {
                println!("{}", serde_json::to_string_pretty(&found)?);
                return Ok(());
            }
            println!(
                "{} of {} stories of the last {} days match{}",
                found.matched,
                found.checked,
                crate::sync::PREVIEW_DAYS,
                if found.complete {
                    ""
                } else {
                    " (only the newest were checked)"
                }
            );
            for story in &found.stories {
                println!("{:>7}  {}  — {}", story.id, story.title, story.feed_title);
            }
            Ok(())
        }
    }
}

/// A rule in one line: `mute "bitcoin" (titles, feed 3)`.
fn describe(spec: &RuleSpec) -> String {
    let mut scope = Vec::new();
    match spec.field {
        Field::Any => {}
        Field::Title => scope.push("titles".to_string()),
        Field::Text => scope.push("texts".to_string()),
    }
    if let Some(feed) = spec.feed_id {
        scope.push(format!("feed {feed}"));
    }
    let scope = if scope.is_empty() {
        String::new()
    } else {
        format!(" ({})", scope.join(", "))
    };
    format!("{} {}{scope}", spec.action, spec.pattern)
}
