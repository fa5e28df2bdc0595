//! The command line: `baton [--data-dir DIR] <demo|serve|migrate|user add|token create|seed|
//! calendar|comp|import|export|generate|signals|forecast|backup|restore>`.
//! Every option also reads `BATON_<NAME>` from the environment.

use anyhow::{Context, bail};
use baton_model::Role;
use baton_model::records::{OrgSettingsChanges, UserInput};
use baton_server::{App, Config, auth};
use baton_store::{OpenOptions, Store};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Baton: self-hosted sales coordination.
#[derive(Parser)]
#[command(name = "baton", version, about)]
pub struct Cli {
    /// Directory of the embedded SQLite database.
    #[arg(
        long,
        env = "BATON_DATA_DIR",
        default_value = "baton-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database URL (`postgres://…` or `sqlite://…`); default: SQLite in the data directory.
    #[arg(long, env = "BATON_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Log filter, such as `info` or `baton_server=debug`.
    #[arg(long, env = "BATON_LOG", default_value = "info", global = true)]
    log: String,
    /// Log format.
    #[arg(long, env = "BATON_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
    /// The store a command opened ([`Cli::open`]), closed when it ends.
    #[arg(skip)]
    opened: std::sync::OnceLock<Store>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create and seed the demo organisation in an empty data directory, then serve it.
    Demo(ServeArgs),
    /// Serve the API and web pages.
    Serve(ServeArgs),
    /// Bring the database schema up to date.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Fill the database with generated data at a chosen scale, for trials and benchmarks.
    Seed(crate::demo::SeedArgs),
    /// Inspect calendar files.
    #[command(subcommand)]
    Calendar(crate::calendar::CalendarCommand),
    /// Commission plans and statements.
    #[command(subcommand)]
    Comp(crate::comp::CompCommand),
    /// Import an export from another CRM.
    #[command(subcommand)]
    Import(crate::import::ImportCommand),
    /// Export the whole organisation as a Salesforce Data Export (a zip of CSV files that
    /// `baton import salesforce` reads back).
    Export(crate::export::ExportArgs),
    /// Write a realistic Salesforce-shaped export (deterministic per seed), for trials and
    /// benchmarks.
    Generate(crate::import::GenerateArgs),
    /// Print every signal finding as of a date, one JSON object a line; or keep them
    /// (`--refresh`), as the server does on its schedule.
    Signals(crate::signals::SignalsArgs),
    /// Print each open deal's win probability and the forecast as of a date, one JSON object
    /// a line.
    Forecast(crate::signals::AsOfArgs),
    /// Write a consistent copy of the embedded database to FILE, while the server runs.
    Backup {
        /// The backup file to create; an existing file is never overwritten.
        file: PathBuf,
    },
    /// Replace the embedded database with a backup (the server must be stopped); the current
    /// database is kept beside it under a dated name.
    Restore {
        /// A file written by `baton backup`.
        file: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BATON_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "BATON_BODY_LIMIT", default_value_t = 1024 * 1024)]
    body_limit: usize,
    /// Database connections (readers on SQLite).
    #[arg(long, env = "BATON_MAX_CONNECTIONS", default_value_t = 8)]
    max_connections: u32,
    /// Let users' external calendar URLs reach addresses off the public internet (loopback,
    /// private networks), for a calendar server inside your own network.
    #[arg(long, env = "BATON_ALLOW_PRIVATE_FEED_URLS")]
    allow_private_feed_urls: bool,
    /// Recompute the signals (findings, win probabilities, forecast) every this many minutes,
    /// starting at launch; 0 turns the schedule off.
    #[arg(long, env = "BATON_SIGNALS_EVERY_MINUTES", default_value_t = 15)]
    signals_every_minutes: u64,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; prints a generated password unless one is given.
    Add {
        #[arg(long, env = "BATON_EMAIL")]
        email: String,
        #[arg(long, env = "BATON_NAME")]
        name: String,
        #[arg(long, env = "BATON_ROLE")]
        role: Role,
        /// At least 12 characters; generated when absent.
        #[arg(long, env = "BATON_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// IANA time zone; the organisation's by default.
        #[arg(long, env = "BATON_TIME_ZONE")]
        time_zone: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print only the token.
    Create {
        #[arg(long, env = "BATON_EMAIL")]
        email: String,
        /// What the token is for.
        #[arg(long, env = "BATON_TOKEN_NAME", default_value = "cli")]
        name: String,
        /// Days until it expires; never by default.
        #[arg(long, env = "BATON_EXPIRES_IN_DAYS")]
        expires_in_days: Option<u32>,
    },
}

/// Sends logs to stderr in the chosen format.
pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => builder.compact().init(),
        LogFormat::Json => builder.json().init(),
    }
}

impl Cli {
    /// The database URL: the one given, or SQLite in the data directory.
    fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                baton_store::sqlite_path(&self.data_dir).display()
            )
        })
    }

    /// Whether the database is the embedded one, which Baton migrates by itself.
    fn embedded(&self) -> bool {
        self.url().starts_with("sqlite:")
    }

    /// Opens the store for a one-off command, migrating an embedded database.
    pub(crate) async fn open(&self) -> anyhow::Result<Store> {
        if self.embedded() {
            std::fs::create_dir_all(&self.data_dir)
                .with_context(|| format!("creating {}", self.data_dir.display()))?;
        }
        let options = OpenOptions {
            migrate: self.embedded(),
            max_connections: 2,
            exclusive: false,
        };
        let store = Store::open(&self.url(), &options).await.with_context(|| {
            format!(
                "opening the database at {}",
                baton_server::redact(&self.url())
            )
        })?;
        let _ = self.opened.set(store.clone());
        Ok(store)
    }

    fn server_config(&self, args: &ServeArgs) -> Config {
        Config {
            listen: args.listen,
            migrate: self.embedded(),
            exclusive: self.embedded(),
            body_limit: args.body_limit,
            max_connections: args.max_connections,
            allow_private_feed_urls: args.allow_private_feed_urls,
            signals_every: (args.signals_every_minutes > 0)
                .then(|| std::time::Duration::from_secs(60 * args.signals_every_minutes)),
            ..Config::new(self.url())
        }
    }
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let outcome = command(&cli).await;
    // Closing lets SQLite fold its write-ahead log back into the database and remove it;
    // left behind, a large one slows every read of the next process until a checkpoint.
    if let Some(store) = cli.opened.get() {
        store.close().await;
    }
    outcome
}

async fn command(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Demo(args) => demo(cli, args).await,
        Command::Serve(args) => {
            if cli.embedded() {
                std::fs::create_dir_all(&cli.data_dir)
                    .with_context(|| format!("creating {}", cli.data_dir.display()))?;
            }
            let app = App::build(cli.server_config(args)).await?;
            app.store()
                .init_org("Baton", &OrgSettingsChanges::default())
                .await?;
            println!("Baton is running at http://{}", app.local_addr());
            app.run_until(baton_server::shutdown_signal()).await
        }
        Command::Migrate => {
            let options = OpenOptions {
                migrate: true,
                max_connections: 2,
                exclusive: false,
            };
            if cli.embedded() {
                std::fs::create_dir_all(&cli.data_dir)?;
            }
            Store::open(&cli.url(), &options).await?;
            let (sqlite, postgres) = Store::migration_versions();
            let latest = if cli.embedded() { sqlite } else { postgres };
            println!(
                "the database schema is up to date (version {})",
                latest.last().copied().unwrap_or(0)
            );
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            password,
            time_zone,
        }) => {
            let store = cli.open().await?;
            store
                .init_org("Baton", &OrgSettingsChanges::default())
                .await?;
            let generated = password.is_none();
            let password = password.clone().unwrap_or_else(generate_password);
            let input = UserInput {
                email: Some(email.clone()),
                name: Some(name.clone()),
                role: Some(*role),
                time_zone: time_zone.clone(),
                password: Some(password.clone()),
                ..UserInput::default()
            };
            let mut changes = input.validate(true).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = auth::hash_password(changes.password.take().unwrap_or_default()).await?;
            let user = store.create_user(None, changes, Some(hash)).await?;
            println!("added user {} ({}) {}", user.id, user.role, user.email);
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            email,
            name,
            expires_in_days,
        }) => {
            let store = cli.open().await?;
            let Some(user) = store.user_by_email(email).await? else {
                bail!("there is no user with email {email}");
            };
            let secret = auth::new_token_secret();
            let expires_at =
                expires_in_days.map(|d| baton_store::now() + chrono::Duration::days(i64::from(d)));
            store
                .create_token(None, user.id, name, &auth::hash_token(&secret), expires_at)
                .await?;
            println!("{secret}");
            Ok(())
        }
        Command::Seed(args) => {
            let store = cli.open().await?;
            crate::demo::seed_scaled(&store, args).await
        }
        Command::Calendar(command) => crate::calendar::run(command),
        Command::Comp(command) => crate::comp::run(cli, command).await,
        Command::Import(command) => crate::import::run(cli, command).await,
        Command::Generate(args) => crate::import::generate(args),
        Command::Export(args) => crate::export::run(cli, args).await,
        Command::Signals(args) => crate::signals::signals(cli, args).await,
        Command::Forecast(args) => {
            crate::signals::run(cli, args, crate::signals::Output::Forecast).await
        }
        Command::Backup { file } => {
            let store = cli.open().await?;
            store.backup(file).await?;
            println!("backed up to {}", file.display());
            Ok(())
        }
        Command::Restore { file } => {
            if !cli.embedded() {
                bail!(
                    "restore replaces the embedded SQLite database; on PostgreSQL use \
                     pg_restore (docs/backup.md)"
                );
            }
            let database = baton_store::sqlite_path(&cli.data_dir);
            let kept = baton_store::restore_sqlite(file, &database).await?;
            println!("restored {} from {}", database.display(), file.display());
            if let Some(kept) = kept {
                println!("the database it replaced is kept as {}", kept.display());
            }
            Ok(())
        }
    }
}

/// `baton demo`: seeds an empty organisation, then serves it, printing where and how to sign in.
async fn demo(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    // The demo's logins are kept in the data directory, whichever database it uses.
    std::fs::create_dir_all(&cli.data_dir)
        .with_context(|| format!("creating {}", cli.data_dir.display()))?;
    let logins_file = cli.data_dir.join("demo-logins.txt");
    if cli.database_url.is_none() {
        let database = baton_store::sqlite_path(&cli.data_dir);
        if !database.exists() {
            seed_embedded(&database, &logins_file).await?;
        }
    }
    let app = App::build(cli.server_config(args)).await?;
    if app.store().is_empty().await? {
        // An empty PostgreSQL database (or SQLite file named by URL): seed it in place.
        eprintln!("seeding the demo organisation…");
        let logins = crate::demo::seed(app.store()).await?;
        write_logins(&logins_file, &logins)?;
    }
    println!("Baton is running at http://{}", app.local_addr());
    match std::fs::read_to_string(&logins_file) {
        Ok(text) => {
            println!("Demo logins (role, email, password):");
            print!("{text}");
        }
        Err(_) => println!("(no demo logins recorded in {})", logins_file.display()),
    }
    app.run_until(baton_server::shutdown_signal()).await
}

/// Seeds the demo into a side file and moves it into place only once complete, so that an
/// interrupted seeding leaves nothing that looks like a demo and the next start seeds afresh.
async fn seed_embedded(database: &Path, logins_file: &Path) -> anyhow::Result<()> {
    let partial = database.with_extension("db.partial");
    for leftover in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{leftover}", partial.display()));
    }
    eprintln!("seeding the demo organisation…");
    let options = OpenOptions {
        migrate: true,
        max_connections: 1,
        exclusive: false,
    };
    let store = Store::open(&format!("sqlite://{}", partial.display()), &options).await?;
    let logins = crate::demo::seed(&store).await?;
    // Closing the last connection checkpoints the write-ahead log into the file.
    store.close().await;
    write_logins(logins_file, &logins)?;
    std::fs::rename(&partial, database)
        .with_context(|| format!("moving {} into place", partial.display()))?;
    Ok(())
}

/// Keeps the generated demo passwords beside the database, readable only by its owner.
fn write_logins(path: &Path, logins: &[(Role, String, String)]) -> anyhow::Result<()> {
    use std::fmt::Write;
    let mut text = String::new();
    for (role, email, password) in logins {
        let _ = writeln!(text, "  {:<12} {email:<32} {password}", role.as_str());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// A random password: 16 characters from an unambiguous alphabet (about 88 bits).
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
