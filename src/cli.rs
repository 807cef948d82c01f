//! The command line: clap definitions and one function per command.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value as Json, json};

use crate::model::decision::Report;
use crate::model::question::QuestionKind;
use crate::output::write_atomic;
use crate::plan::{self, Format as PlanFormat};
use crate::rules::RuleSet;
use crate::rules::answers::{self, Loaded};
use crate::rules::load;

mod tooling;
pub use tooling::{CheckFormat, RulesCommand, SchemaKind};

/// Recommends how to structure itellicoAI accounts and writes the provisioning plan.
///
/// Run without a command to answer the questions interactively.
#[derive(Debug, Parser)]
#[command(name = "account-advisor", version, about, long_about = None)]
pub struct Cli {
    /// Use the rule set in DIR instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Wizard: start from this answers file (resume).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Wizard: where the plan is written when you finish (format from the extension).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Wizard: ask line by line on standard input and output (for screen readers and pipes).
    #[arg(long)]
    pub plain: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The recommended structure for an answers file, with reasons and findings.
    Recommend {
        /// Answers file, or `-` for standard input.
        answers: PathBuf,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// The provisioning plan for an answers file.
    Plan {
        /// Answers file, or `-` for standard input.
        answers: PathBuf,
        /// Output format; by default taken from --output's extension, else YAML.
        #[arg(long, value_enum)]
        format: Option<PlanFormat>,
        /// Write the plan to FILE (atomically) instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// The questions: id, type, values, default, help, when asked.
    Questions {
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// The trace of one decision: matching rules, why the other models lost, what would change it.
    Explain {
        /// Answers file, or `-` for standard input.
        answers: PathBuf,
    },
    /// JSON Schema of answers files (for the rule set in use), rule files or plan files.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
    /// Tools for rule authors: check the rule files, run their tests.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    Text,
    Json,
    Yaml,
}

/// Runs the parsed command line; errors are printed by `main`.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if cli.command.is_some() {
        let wizard_only: Vec<&str> = [
            (cli.answers.is_some(), "--answers"),
            (cli.output.is_some(), "--output"),
            (cli.plain, "--plain"),
        ]
        .into_iter()
        .filter_map(|(given, name)| given.then_some(name))
        .collect();
        if !wizard_only.is_empty() {
            crate::eprintln_safe!(
                "account-advisor: {} belong{} to the wizard (no command); with a command, give its own \
                 options after it (e.g. `account-advisor plan ANSWERS -o FILE`)",
                wizard_only.join(", "),
                if wizard_only.len() == 1 { "s" } else { "" }
            );
            return Ok(ExitCode::from(2));
        }
    }
    let rules_dir = cli.rules.clone();
    match cli.command {
        Some(Command::Recommend { answers, format }) => {
            recommend(&rules(rules_dir.as_deref())?, &answers, format)
        }
        Some(Command::Plan {
            answers,
            format,
            output,
            force,
        }) => plan_command(
            &rules(rules_dir.as_deref())?,
            &answers,
            format,
            output.as_deref(),
            force,
        ),
        Some(Command::Questions { format }) => questions(&rules(rules_dir.as_deref())?, format),
        Some(Command::Schema { which }) => tooling::schema(rules_dir.as_deref(), which),
        Some(Command::Explain { answers }) => {
            tooling::explain(&rules(rules_dir.as_deref())?, &answers)
        }
        Some(Command::Rules {
            command: RulesCommand::Check { dir, format },
        }) => tooling::rules_check(dir.or(rules_dir).as_deref(), format),
        Some(Command::Rules {
            command: RulesCommand::Test { dir },
        }) => tooling::rules_test(dir.or(rules_dir).as_deref()),
        None => wizard(&cli),
    }
}

fn wizard(cli: &Cli) -> Result<ExitCode> {
    let options = crate::tui::Options {
        answers: cli.answers.clone(),
        output: cli.output.clone(),
        plain: cli.plain,
    };
    crate::tui::run(&rules(cli.rules.as_deref())?, &options)
}

/// Loads the rule set, printing any warnings about it.
pub fn rules(dir: Option<&Path>) -> Result<RuleSet> {
    let parsed = load::load(dir).map_err(|e| match e.downcast::<crate::rules::Diagnostics>() {
        Ok(d) => anyhow!("the rule set is invalid: {d}"),
        Err(e) => e,
    })?;
    for w in &parsed.warnings {
        say(w);
    }
    Ok(parsed.rules)
}

/// Reads an answers file (or standard input for `-`), refusing oversized input early.
pub fn read_answers(rules: &RuleSet, path: &Path) -> Result<Loaded> {
    let (name, bytes) = read_input(path)?;
    let loaded = answers::read(rules, &name, &bytes).map_err(|d| anyhow!("{d}"))?;
    for w in &loaded.warnings {
        say(w);
    }
    Ok(loaded)
}

/// Reads a file (or standard input for `-`) up to the answers-file size limit.
pub(crate) fn read_input(path: &Path) -> Result<(String, Vec<u8>)> {
    let limit = crate::yaml::Limits::default().max_bytes as u64;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("failed to read answers from standard input")?;
        return check_size("<stdin>".to_string(), bytes, limit);
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => " (check the path)",
            std::io::ErrorKind::PermissionDenied => " (check the file's permissions)",
            _ => "",
        };
        anyhow::Error::new(e).context(format!("failed to open answers file {name}{hint}"))
    })?;
    let meta = file
        .metadata()
        .with_context(|| format!("failed to read answers file {name}"))?;
    if meta.is_dir() {
        bail!("{name} is a directory; give the path of an answers file (YAML)");
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("failed to read answers file {name}"))?;
    check_size(name, bytes, limit)
}

/// Refuses input over the limit without reading the rest of it.
fn check_size(name: String, bytes: Vec<u8>, limit: u64) -> Result<(String, Vec<u8>)> {
    if bytes.len() as u64 > limit {
        bail!(
            "{name} is larger than the {} MiB limit for answers files; for a large book of customers give a count \
             (customers_we_bill: 100000) instead of listing every name",
            limit >> 20
        );
    }
    Ok((name, bytes))
}

fn decide(rules: &RuleSet, loaded: &Loaded) -> Result<(crate::model::Decision, Report)> {
    let decision = rules.decide(&loaded.answers.values);
    if decision.model.is_none() {
        bail!(
            "the rule set ({}) recommends nothing for these answers; run `account-advisor rules check` on it",
            rules.source
        );
    }
    let warnings = loaded.warnings.iter().map(|w| w.to_string()).collect();
    let report = rules.report(&loaded.answers, &decision, warnings);
    Ok((decision, report))
}

fn recommend(rules: &RuleSet, path: &Path, format: TextFormat) -> Result<ExitCode> {
    let loaded = read_answers(rules, path)?;
    let (_, report) = decide(rules, &loaded)?;
    let text = match format {
        TextFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        TextFormat::Yaml => crate::yaml::to_string(&report)?,
        TextFormat::Text => report_text(&report),
    };
    print(&text)
}

/// Writes a line to standard error; a closed stderr must not turn a message into a panic.
pub fn say(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn print(text: &str) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e).context("failed to write to standard output"),
    }
}

/// The recommendation as text for people.
pub fn report_text(report: &Report) -> String {
    let mut s = format!(
        "Recommended for {}: {} ({})\n\nWhy:\n",
        report.organization, report.title, report.model
    );
    for reason in &report.reasons {
        s.push_str(&format!("  - {reason}\n"));
    }
    s.push_str("\nWhy not the others:\n");
    for alt in &report.alternatives {
        s.push_str(&format!("  - {}: {}\n", alt.title, alt.why_not));
    }
    s.push_str("\nFindings:\n");
    if report.findings.is_empty() {
        s.push_str("  none\n");
    }
    for f in &report.findings {
        s.push_str(&format!(
            "  - {} {}: {}\n    fix: {}\n",
            f.severity.as_str(),
            f.id,
            f.message,
            f.fix
        ));
    }
    if !report.assumptions.is_empty() {
        let list: Vec<String> = report
            .assumptions
            .iter()
            .map(|a| {
                format!(
                    "{} = {}",
                    a.question,
                    match &a.value {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                )
            })
            .collect();
        s.push_str(&format!("\nAssumed from defaults: {}\n", list.join(", ")));
    }
    s
}

fn plan_command(
    rules: &RuleSet,
    path: &Path,
    format: Option<PlanFormat>,
    output: Option<&Path>,
    force: bool,
) -> Result<ExitCode> {
    // `-o -` is standard output, as `-` is standard input for answers.
    let output = output.filter(|out| out.as_os_str() != "-");
    // Refuse before doing any work, so nothing is computed only to be thrown away.
    if let Some(out) = output.filter(|out| !force && crate::output::occupied(out)) {
        bail!(
            "{} already exists; pass --force to overwrite it, or choose another path",
            out.display()
        );
    }
    let loaded = read_answers(rules, path)?;
    let (decision, _) = decide(rules, &loaded)?;
    let plan = plan::build(rules, &loaded.answers, &decision);
    let format = format
        .or(output.map(PlanFormat::from_path))
        .unwrap_or(PlanFormat::Yaml);
    match output {
        Some(out) => {
            let bytes = plan::write::to_bytes(&plan, rules, format)?;
            write_atomic(out, &bytes, force)?;
            say(format_args!(
                "wrote the {} plan to {}",
                format.extension(),
                out.display()
            ));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let written =
                plan::write(&plan, rules, format, &mut out).and_then(|_| Ok(out.flush()?));
            match written {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
                other => other.map(|_| ExitCode::SUCCESS),
            }
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.to_string().contains("Broken pipe")
    })
}

/// The questions as data: what `questions --format json|yaml` prints and the README documents.
pub fn questions_data(rules: &RuleSet) -> Json {
    let list: Vec<Json> = rules
        .questions
        .iter()
        .map(|q| {
            let mut entry = serde_json::Map::new();
            entry.insert("id".into(), json!(q.id));
            entry.insert("prompt".into(), json!(q.prompt));
            entry.insert("help".into(), json!(q.help));
            entry.insert("type".into(), json!(q.kind.name()));
            match q.kind {
                QuestionKind::Choice | QuestionKind::Multi => {
                    let values: Vec<Json> = q
                        .options
                        .iter()
                        .map(|o| json!({"id": o.id, "label": o.label}))
                        .collect();
                    entry.insert("values".into(), Json::Array(values));
                }
                QuestionKind::Number { min, max } => {
                    entry.insert("min".into(), json!(min));
                    entry.insert("max".into(), json!(max));
                }
                QuestionKind::Text { min_len } | QuestionKind::Names { min_len } => {
                    entry.insert("min_length".into(), json!(min_len));
                }
                QuestionKind::YesNo => {}
            }
            entry.insert("required".into(), json!(q.default.is_none()));
            entry.insert(
                "default".into(),
                q.default
                    .as_ref()
                    .map(|d| d.to_json(q))
                    .unwrap_or(Json::Null),
            );
            entry.insert(
                "when".into(),
                q.when_text.as_ref().map(|w| json!(w)).unwrap_or(Json::Null),
            );
            entry.insert(
                "asked_when".into(),
                json!(
                    q.when
                        .as_ref()
                        .map(|w| rules.describe(w))
                        .unwrap_or_else(|| "always".to_string())
                ),
            );
            Json::Object(entry)
        })
        .collect();
    Json::Array(list)
}

/// The questions as text for people; also the README's answers-file reference.
pub fn questions_text(rules: &RuleSet) -> String {
    let mut s = String::new();
    for q in &rules.questions {
        s.push_str(&format!("{} ({})\n  {}\n", q.id, q.kind.name(), q.prompt));
        match q.kind {
            QuestionKind::Choice | QuestionKind::Multi => {
                for o in &q.options {
                    s.push_str(&format!("    {:<22} {}\n", o.id, o.label));
                }
            }
            QuestionKind::Number { min, max } => {
                s.push_str(&format!("  a whole number from {min} to {max}\n"))
            }
            QuestionKind::Names { min_len } => s.push_str(&format!(
                "  a list of names ({min_len}+ characters, no duplicates) or a count\n"
            )),
            QuestionKind::Text { min_len } => {
                s.push_str(&format!("  text, {min_len}+ characters\n"))
            }
            QuestionKind::YesNo => s.push_str("  yes or no\n"),
        }
        let default = match &q.default {
            None => "required".to_string(),
            Some(d) => match d.to_json(q) {
                Json::String(s) => s,
                other => other.to_string(),
            },
        };
        let when = q
            .when
            .as_ref()
            .map(|w| rules.describe(w))
            .unwrap_or_else(|| "always".to_string());
        s.push_str(&format!(
            "  default: {default}; asked: {when}\n  why: {}\n\n",
            q.help
        ));
    }
    s
}

fn questions(rules: &RuleSet, format: TextFormat) -> Result<ExitCode> {
    let text = match format {
        TextFormat::Text => questions_text(rules),
        TextFormat::Json => serde_json::to_string_pretty(&questions_data(rules))? + "\n",
        TextFormat::Yaml => crate::yaml::to_string(&questions_data(rules))?,
    };
    print(&text)
}

/// Whether standard input and output are both terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
