//! Plain mode: the same questions line by line on any reader and writer (pipes, screen readers,
//! TERM=dumb). Uses the rule set's own question flow; writes the plan like the full-screen wizard.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::answers::Value;
use crate::model::question::{Question, QuestionKind};
use crate::plan::{self, Format};
use crate::rules::RuleSet;
use crate::rules::answers::{parse_input, parse_yes_no, to_yaml};
use crate::tui::draw::safe;
use crate::wizard::{Msg, target_for};

/// Said when standard input has no answers at all.
pub const NO_INPUT: &str = "no answers on standard input: the wizard needs a terminal, or answers typed one per line. \
For scripts, write an answers file (see `account-advisor questions`) and run \
`account-advisor recommend ANSWERS` and `account-advisor plan ANSWERS`";

/// Asks every asked question, prints the recommendation and writes the plan to `output`
/// (default `account-plan.yaml`) with its answers file beside it. `autosave` receives the
/// answers so far after each one.
pub fn run<R: BufRead, W: Write>(
    rules: &RuleSet,
    prefill: Option<Vec<Option<Value>>>,
    output: Option<&Path>,
    input: &mut R,
    out: &mut W,
    autosave: &mut dyn FnMut(&str),
) -> Result<ExitCode> {
    let mut draft = prefill.unwrap_or_default();
    draft.resize(rules.questions.len(), None);
    let mut done = vec![false; rules.questions.len()];
    let mut read_any = false;
    writeln!(
        out,
        "account-advisor: answer each question and press Enter; an empty line keeps the answer in [brackets]."
    )?;
    loop {
        let asked = rules.asked(&draft);
        let Some(position) = asked.iter().position(|q| !done[*q]) else {
            break;
        };
        let q = asked[position];
        let question = &rules.questions[q];
        ask(out, question, draft[q].as_ref(), position + 1, asked.len())?;
        loop {
            write!(out, "> ")?;
            out.flush()?;
            let mut line = String::new();
            if input
                .read_line(&mut line)
                .context("failed to read standard input")?
                == 0
            {
                writeln!(out)?;
                if !read_any {
                    bail!("{NO_INPUT}");
                }
                bail!(
                    "standard input ended before `{}` was answered; nothing was written",
                    question.id
                );
            }
            read_any = true;
            let line = line.trim_end_matches(['\n', '\r']);
            let value = if line.trim().is_empty() {
                match draft[q].clone().or_else(|| question.default.clone()) {
                    Some(v) => Ok(v),
                    None => Err("this question needs an answer".to_string()),
                }
            } else {
                parse_line(question, line)
            };
            match value {
                Ok(v) => {
                    draft[q] = Some(v);
                    done[q] = true;
                    autosave(&crate::wizard::saved::encode(rules, &draft));
                    break;
                }
                Err(message) => writeln!(out, "  Not accepted: {}. Try again.", safe(&message))?,
            }
        }
    }
    let (answers, missing) = rules.complete(&draft);
    if let Some(q) = missing.first() {
        bail!("`{}` has no answer", rules.questions[*q].id);
    }
    let decision = rules.decide(&answers.values);
    if decision.model.is_none() {
        bail!(
            "the rule set ({}) recommends nothing for these answers; run `account-advisor rules check` on it",
            rules.source
        );
    }
    let report = rules.report(&answers, &decision, Vec::new());
    writeln!(out)?;
    write!(out, "{}", safe_lines(&crate::cli::report_text(&report)))?;
    let path = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| "account-plan.yaml".into());
    let plan = plan::build(rules, &answers, &decision);
    let bytes = plan::write::to_bytes(&plan, rules, Format::from_path(&path))?;
    let target = target_for(&path);
    for path in [&target.plan, &target.answers] {
        if let Some(problem) = crate::tui::unwritable(path) {
            bail!("{problem}; nothing was written");
        }
    }
    let existing: Vec<String> = [&target.plan, &target.answers]
        .into_iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    let mut force = false;
    if !existing.is_empty() {
        writeln!(
            out,
            "\n{} already exist{}. Overwrite? [y/N]",
            existing.join(" and "),
            if existing.len() == 1 { "s" } else { "" }
        )?;
        write!(out, "> ")?;
        out.flush()?;
        let mut line = String::new();
        input
            .read_line(&mut line)
            .context("failed to read standard input")?;
        if !(line.trim().eq_ignore_ascii_case("y") || parse_yes_no(&line) == Some(true)) {
            bail!(
                "nothing was written: {} exist{}; run again with --output OTHER.yaml",
                existing.join(" and "),
                if existing.len() == 1 { "s" } else { "" }
            );
        }
        force = true;
    }
    match crate::tui::export(&target, &bytes, &to_yaml(rules, &answers), force) {
        Msg::Exported(Err(e)) => bail!("{e}"),
        _ => writeln!(
            out,
            "\nWrote the plan to {} and the answers to {}.",
            target.plan.display(),
            target.answers.display()
        )?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn safe_lines(text: &str) -> String {
    text.split('\n').map(safe).collect::<Vec<_>>().join("\n")
}

fn ask<W: Write>(
    out: &mut W,
    q: &Question,
    current: Option<&Value>,
    number: usize,
    total: usize,
) -> Result<()> {
    writeln!(
        out,
        "\nQuestion {number} of about {total}: {}",
        safe(&q.prompt)
    )?;
    writeln!(out, "  Why we ask: {}", safe(&q.help))?;
    match q.kind {
        QuestionKind::Choice => {
            for (i, o) in q.options.iter().enumerate() {
                writeln!(out, "  {}. {} ({})", i + 1, safe(&o.label), o.id)?;
            }
            writeln!(out, "  Type a number or an id.")?;
        }
        QuestionKind::Multi => {
            for (i, o) in q.options.iter().enumerate() {
                writeln!(out, "  {}. {} ({})", i + 1, safe(&o.label), o.id)?;
            }
            writeln!(
                out,
                "  Type the numbers or ids that apply, separated by commas, or `none`."
            )?;
        }
        QuestionKind::YesNo => writeln!(out, "  Type yes or no.")?,
        QuestionKind::Number { min, max } => {
            writeln!(out, "  Type a whole number from {min} to {max}.")?
        }
        QuestionKind::Names { min_len } => writeln!(
            out,
            "  Type names of {min_len}+ characters separated by commas, a number as a count, or `none`."
        )?,
        QuestionKind::Text { min_len } => writeln!(out, "  Type at least {min_len} characters.")?,
    }
    match current.or(q.default.as_ref()) {
        Some(v) => writeln!(out, "  [{}]", safe(&v.display(q)))?,
        None => writeln!(out, "  (required)")?,
    }
    Ok(())
}

/// Reads one typed line: option numbers or ids for choices, `none` for empty lists.
fn parse_line(q: &Question, line: &str) -> Result<Value, String> {
    let number = |part: &str| {
        part.trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1 && *n <= q.options.len())
    };
    match q.kind {
        QuestionKind::Choice => match number(line) {
            Some(n) => Ok(Value::Choice(n - 1)),
            None => parse_input(q, line),
        },
        QuestionKind::Multi => {
            if line.trim().eq_ignore_ascii_case("none") {
                return Ok(Value::Multi(0));
            }
            let mut bits = 0u64;
            for part in line
                .split([',', ' '])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let i = match number(part) {
                    Some(n) => n - 1,
                    None => match parse_input(q, part)? {
                        Value::Multi(b) => {
                            bits |= b;
                            continue;
                        }
                        _ => continue,
                    },
                };
                bits |= 1u64 << i.min(63);
            }
            Ok(Value::Multi(bits))
        }
        QuestionKind::YesNo => match line.trim().to_ascii_lowercase().as_str() {
            "y" => Ok(Value::Bool(true)),
            "n" => Ok(Value::Bool(false)),
            _ => parse_input(q, line),
        },
        QuestionKind::Names { .. } if line.trim().eq_ignore_ascii_case("none") => {
            parse_input(q, "")
        }
        _ => parse_input(q, line),
    }
}
