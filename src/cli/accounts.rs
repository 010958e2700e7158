//! `tidings account add|list|remove|check|subscribe`: reader-server accounts (the Google
//! Reader API), and the lines `tidings sync` prints for them.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::accounts::credentials::Credentials;
use crate::accounts::greader::ClientConfig;
use crate::store::{Account, AccountStatus, Library};
use crate::sync::accounts::{
    add_account, check_account, remove_account, AccountReport, AccountSignIn,
};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Sign in to a server and add its account; the password is read from standard input.
    /// Prints the new account's id.
    Add(AddArgs),
    /// List the accounts with their status.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove an account; its bookmarked stories stay in the library.
    Remove {
        /// The account's id (see `tidings account list`).
        id: i64,
    },
    /// Sign in again with the kept password, or with a new one (`--new-password`, read from
    /// standard input) after it changed on the server.
    Check {
        id: i64,
        #[arg(long)]
        new_password: bool,
    },
    /// Subscribe an account to a feed; the server gets it at the next sync.
    Subscribe {
        id: i64,
        /// The feed's address.
        url: String,
        /// Put it in this folder.
        #[arg(long)]
        folder: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The server's Google Reader API root, e.g. https://rss.example/api/greader.php (FreshRSS)
    /// or https://rss.example (Miniflux).
    pub url: String,
    /// The user name on the server.
    #[arg(long)]
    pub user: String,
    /// Accept plain http to a host that is not this machine (the password crosses the network
    /// unencrypted; the account keeps a warning).
    #[arg(long)]
    pub allow_http: bool,
}

pub fn run(lib: &mut Library, command: &AccountCommand) -> anyhow::Result<()> {
    match command {
        AccountCommand::Add(args) => add(lib, args),
        AccountCommand::List { json } => list(lib, *json),
        AccountCommand::Remove { id } => {
            let name = lib.account(*id)?.name;
            let (removed, note) = remove_account(lib, &Credentials::for_user(), *id)?;
            match removed.kept_bookmarks {
                0 => println!("Removed the account {id} ({name})"),
                n => println!(
                    "Removed the account {id} ({name}); its {n} bookmarked stories are kept"
                ),
            }
            if let Some(note) = note {
                eprintln!("tidings: warning: its password could not be forgotten: {note}");
            }
            Ok(())
        }
        AccountCommand::Check { id, new_password } => {
            let account = lib.account(*id)?;
            let password = if *new_password {
                Some(read_password(&account.username, &account.server_url)?)
            } else {
                None
            };
            let path = lib.path().to_path_buf();
            let checked = super::subscriptions::runtime()?.block_on(check_account(
                &path,
                &Credentials::for_user(),
                &ClientConfig::default(),
                *id,
                password.as_deref(),
            ))?;
            println!(
                "Signed in to {}; it syncs again at the next sync",
                checked.name
            );
            Ok(())
        }
        AccountCommand::Subscribe { id, url, folder } => {
            let url = crate::sync::subscribe::parse_address(url)?;
            lib.add_account_subscription(*id, url.as_str(), folder.as_deref())?;
            println!("The account {id} subscribes to {url} at the next sync");
            Ok(())
        }
    }
}

fn add(lib: &mut Library, args: &AddArgs) -> anyhow::Result<()> {
    let password = read_password(&args.user, &args.url)?;
    let path = lib.path().to_path_buf();
    let credentials = Credentials::for_user();
    let account = super::subscriptions::runtime()?.block_on(add_account(
        &path,
        &credentials,
        &ClientConfig::default(),
        AccountSignIn {
            server: &args.url,
            username: &args.user,
            password: &password,
            allow_http: args.allow_http,
        },
    ))?;
    println!("{}", account.id);
    eprintln!(
        "Signed in as {} at {}; {}",
        account.username,
        account.server_url,
        password_place(&account, &credentials)
    );
    if account.plain_http {
        eprintln!("tidings: warning: {}", PLAIN_HTTP_WARNING);
    }
    Ok(())
}

const PLAIN_HTTP_WARNING: &str =
    "plain http: the password and every story cross the network unencrypted";

fn password_place(account: &Account, credentials: &Credentials) -> String {
    match account.credential_store.as_str() {
        "secret-service" => "the password is kept in the Secret Service".into(),
        _ => format!(
            "no Secret Service is running, so the password is kept in {} (readable by you only)",
            credentials.file_path().display()
        ),
    }
}

/// One line of standard input, without its line ending. On a terminal, a prompt says what is
/// asked (the input shows: pipe it in to keep it off the screen).
fn read_password(user: &str, server: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password of {user} at {server} (shown as you type; pipe it in to hide it): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        anyhow::bail!(
            "no password on standard input (e.g. `printf %s \"$PW\" | tidings account add …`)"
        );
    }
    Ok(password)
}

fn status_text(account: &Account) -> String {
    let status = match account.status {
        AccountStatus::New => "never synced".to_string(),
        AccountStatus::Ok => "ok".to_string(),
        AccountStatus::SignInAgain => format!(
            "sign in again (tidings account check {} --new-password)",
            account.id
        ),
        AccountStatus::Unreachable => "server unreachable".to_string(),
        AccountStatus::RateLimited => "the server asked to wait".to_string(),
        AccountStatus::Error => "error".to_string(),
    };
    match (&account.last_error, account.status) {
        (Some(error), AccountStatus::Error | AccountStatus::RateLimited) => {
            format!("{status}: {error}")
        }
        _ => status,
    }
}

fn list(lib: &Library, json: bool) -> anyhow::Result<()> {
    let accounts = lib.accounts()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&accounts)?);
        return Ok(());
    }
    if accounts.is_empty() {
        println!("No accounts — add one with `tidings account add URL --user NAME`.");
        return Ok(());
    }
    let credentials = Credentials::for_user();
    for account in &accounts {
        println!(
            "{:>5}  {}  {}\n       {} feeds, {} unread, {} changes waiting for the server\n       {}; {}",
            account.id,
            account.name,
            status_text(account),
            account.feeds,
            account.unread,
            account.pending_changes,
            account.server_url,
            password_place(account, &credentials)
        );
        if account.plain_http {
            println!("       warning: {PLAIN_HTTP_WARNING}");
        }
    }
    Ok(())
}

/// The line `tidings sync` prints for an account.
pub fn sync_line(report: &AccountReport) -> String {
    let head = format!("Account {} ({})", report.account_id, report.name);
    let error = report.error.as_deref().unwrap_or("sign in again");
    let mut line = match (report.skipped, report.synced) {
        (true, _) => format!("{head}: not synced — {error}"),
        (false, false) => format!("{head}: failed — {error}"),
        (false, true) => format!(
            "{head}: {} new stories, {} changes sent, {} read and {} starred elsewhere, {} requests",
            report.new_articles,
            report.changes_sent,
            report.state.read,
            report.state.starred,
            report.requests
        ),
    };
    if let (true, Some(problem)) = (report.synced, &report.error) {
        line.push_str(&format!("; {problem}"));
    }
    for refused in &report.changes_refused {
        line.push_str(&format!("\n  refused by the server: {refused}"));
    }
    line
}
