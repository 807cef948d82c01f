//! The Markdown summary sent to a customer: the recommendation and why, the "who controls what"
//! table, findings with fixes, the account tree and the steps as a checklist.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::plan::{Account, AccountKind, Billing, Plan};
use crate::rules::RuleSet;

/// Accounts listed per parent before the rest are summarized.
const MAX_LISTED: usize = 50;
/// Repeats of one action listed before the rest are summarized.
const MAX_REPEATS: usize = 5;

/// Escapes text for Markdown: names people typed must show as typed and never as markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // A leading "- ", "+ " or "1. " would start a list inside a list item.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with(['-', '+']) || (digits > 0 && text[digits..].starts_with(['.', ')'])) {
        out.push('\\');
    }
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // GitHub turns "http://..." and "www...." in plain text into links; a typed name must not.
    if out.contains("://") || out.to_ascii_lowercase().contains("www.") {
        out = out
            .replace("://", "&#58;//")
            .replace("www.", "www&#46;")
            .replace("WWW.", "WWW&#46;");
    }
    out
}

fn kind_words(kind: AccountKind, billing: Billing) -> &'static str {
    match (kind, billing) {
        (AccountKind::Parent, _) => "parent account, pays itellicoAI",
        (AccountKind::Standard, _) => "standard account, pays itellicoAI",
        (AccountKind::Subaccount, _) => "subaccount, billed to the parent",
        (AccountKind::ClientOwned, _) => "client-owned, the client pays itellicoAI",
    }
}

pub fn render(plan: &Plan, rules: &RuleSet) -> String {
    let mut md = String::new();
    let rec = &plan.recommendation;
    let _ = writeln!(
        md,
        "# itellicoAI account plan for {}\n",
        escape(&plan.organization)
    );
    let _ = writeln!(md, "**Recommended structure: {}**\n", escape(&rec.title));
    if let Some(model) = rules.model(&rec.model).map(|m| &rules.models[m])
        && !model.summary.is_empty()
    {
        let _ = writeln!(md, "{}\n", escape(&model.summary));
    }
    let _ = writeln!(md, "## Why this structure\n");
    for reason in &rec.reasons {
        let _ = writeln!(md, "- {}", escape(reason));
    }
    let _ = writeln!(md, "\n## Why not the others\n");
    let _ = writeln!(md, "| Structure | Why not |\n|---|---|");
    for alt in &rec.alternatives {
        let _ = writeln!(md, "| {} | {} |", escape(&alt.title), escape(&alt.why_not));
    }
    comparison(&mut md, rules, &rec.model);

    let _ = writeln!(md, "\n## Findings\n");
    if plan.findings.is_empty() {
        let _ = writeln!(md, "No mistakes or risks found.");
    }
    for f in &plan.findings {
        let _ = writeln!(
            md,
            "- **{}** ({}): {}  \n  *Fix:* {}",
            f.severity.as_str(),
            escape(&f.id),
            escape(&f.message),
            escape(&f.fix)
        );
    }
    if !plan.assumptions.is_empty() {
        let _ = writeln!(md, "\n## Assumed answers\n");
        let _ = writeln!(
            md,
            "These were not answered, so their defaults were used:\n"
        );
        for a in &plan.assumptions {
            let value = match &a.value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) if items.is_empty() => "none".to_string(),
                other => other.to_string(),
            };
            let _ = writeln!(md, "- {}: {}", escape(&a.question), escape(&value));
        }
    }

    let _ = writeln!(md, "\n## Accounts\n");
    // One pass to group children by parent: a plan may hold 100,000 accounts.
    let mut children: HashMap<&str, Vec<&Account>> = HashMap::new();
    for account in &plan.accounts {
        if let Some(parent) = account.parent.as_deref() {
            children.entry(parent).or_default().push(account);
        }
    }
    let top: Vec<&Account> = plan
        .accounts
        .iter()
        .filter(|a| a.parent.is_none())
        .collect();
    for account in top.iter().take(MAX_LISTED) {
        let _ = writeln!(
            md,
            "- **{}** ({}), ref `{}`",
            escape(&account.name),
            kind_words(account.kind, account.billing),
            account.reference
        );
        members(&mut md, "  ", account);
        let kids = children
            .get(&*account.reference)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for child in kids.iter().take(MAX_LISTED) {
            let _ = writeln!(
                md,
                "  - {} ({}), ref `{}`",
                escape(&child.name),
                kind_words(child.kind, child.billing),
                child.reference
            );
            members(&mut md, "    ", child);
        }
        if kids.len() > MAX_LISTED {
            let _ = writeln!(
                md,
                "  - … and {} more subaccounts like these (all are in the YAML or JSON plan)",
                kids.len() - MAX_LISTED
            );
        }
    }
    if top.len() > MAX_LISTED {
        let _ = writeln!(
            md,
            "- … and {} more client-owned accounts like these (all are in the YAML or JSON plan)",
            top.len() - MAX_LISTED
        );
    }
    if !plan.agency_access.is_empty() {
        let _ = writeln!(md, "\n## Agency access\n");
        let _ = writeln!(
            md,
            "| Client-owned account | Agency | Role |\n|---|---|---|"
        );
        for grant in plan.agency_access.iter().take(MAX_LISTED) {
            let name = plan
                .accounts
                .iter()
                .find(|a| a.reference == grant.account)
                .map(|a| a.name.as_str())
                .unwrap_or(&grant.account);
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                escape(name),
                escape(&grant.agency),
                grant.role.as_str()
            );
        }
        if plan.agency_access.len() > MAX_LISTED {
            let _ = writeln!(
                md,
                "| … and {} more | | |",
                plan.agency_access.len() - MAX_LISTED
            );
        }
    }

    let _ = writeln!(md, "\n## Steps\n");
    let mut i = 0;
    while i < plan.steps.len() {
        let action = &plan.steps[i].action;
        let run = plan.steps[i..]
            .iter()
            .take_while(|s| &s.action == action)
            .count();
        // Summarize only when it saves at least two lines.
        let shown = if run <= MAX_REPEATS + 1 {
            run
        } else {
            MAX_REPEATS
        };
        for step in plan.steps[i..i + run].iter().take(shown) {
            let _ = writeln!(md, "- [ ] {}. {}", step.order, escape(&step.description));
        }
        if run > shown {
            let last = &plan.steps[i + run - 1];
            let _ = writeln!(
                md,
                "- [ ] {}–{}. The same for {} more accounts",
                plan.steps[i + MAX_REPEATS].order,
                last.order,
                run - MAX_REPEATS
            );
        }
        i += run;
    }
    md
}

fn members(md: &mut String, indent: &str, account: &Account) {
    if account.members.is_empty() {
        return;
    }
    let list: Vec<String> = account
        .members
        .iter()
        .map(|m| format!("{} ({})", escape(&m.who), m.role.as_str()))
        .collect();
    let _ = writeln!(md, "{indent}- Members: {}", list.join(", "));
}

/// The "who controls what" table, with the recommended model's columns marked.
fn comparison(md: &mut String, rules: &RuleSet, model: &str) {
    let table = &rules.comparison;
    if table.columns.is_empty() {
        return;
    }
    let chosen = rules.model(model);
    let _ = writeln!(md, "\n## Who controls what\n");
    let titles: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if chosen.is_some_and(|m| c.models.contains(&m)) {
                format!("{} (recommended)", escape(&c.title))
            } else {
                escape(&c.title)
            }
        })
        .collect();
    let _ = writeln!(md, "| Area | {} |", titles.join(" | "));
    let _ = writeln!(md, "|---|{}", "---|".repeat(titles.len()));
    for row in &table.rows {
        let cells: Vec<String> = row.cells.iter().map(|c| escape(c)).collect();
        let _ = writeln!(md, "| {} | {} |", escape(&row.area), cells.join(" | "));
    }
}
