//! The plan for a decision: the account tree from the model's groups, members from the
//! templates, agency grants for client-owned accounts, and the steps in itellicoAI's order.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::answers::{Answers, Names, Value};
use crate::model::decision::Decision;
use crate::model::plan::{
    API_VERSION, Account, AccountKind, AgencyGrant, Billing, KIND, Member, Plan, Recommendation,
    Role, Step,
};
use crate::rules::template::Context;
use crate::rules::{MemberTemplate, RuleSet, StepScope};

/// An account with the group it was made for (`None` for the organization's own account).
struct Made {
    account: Account,
    group: Option<usize>,
}

/// Builds the plan. `decision.model` must be set (the caller reports a rule-set gap).
pub fn build(rules: &RuleSet, answers: &Answers, decision: &Decision) -> Plan {
    let values = &answers.values;
    let model = decision.model.and_then(|m| rules.models.get(m));
    let report = rules.report(answers, decision, Vec::new());
    let organization = report.organization;

    let mut refs = Refs::default();
    let mut made: Vec<Made> = Vec::new();
    let own_kind = model
        .map(|m| m.own_account)
        .unwrap_or(AccountKind::Standard);
    let own_name = {
        let name = rules.render(&rules.own_account.name, values);
        if name.trim().is_empty() {
            organization.clone()
        } else {
            name
        }
    };
    let own_ref = refs.make(&own_name);
    made.push(Made {
        account: Account {
            reference: own_ref.clone(),
            name: own_name.clone(),
            kind: own_kind,
            parent: None,
            billing: Billing::Own,
            members: members(
                rules,
                &applicable(rules, &rules.own_account.members, values),
                values,
                "",
                0,
                &own_name,
            ),
        },
        group: None,
    });

    for &g in model.map(|m| m.groups.as_slice()).unwrap_or_default() {
        let group = &rules.groups[g];
        if !group.when.as_ref().is_none_or(|w| rules.holds(w, values)) {
            continue;
        }
        let Some(Value::Names(names)) = values.get(group.from) else {
            continue;
        };
        let count = names.len();
        let templates = applicable(rules, &group.members, values);
        made.reserve(usize::try_from(count).unwrap_or(0));
        for n in 1..=count {
            let (item, template) = match names {
                Names::List(list) => (list[(n - 1) as usize].as_str(), &group.name),
                Names::Count(_) => ("", &group.numbered),
            };
            let context = Context {
                questions: &rules.questions,
                values,
                item,
                number: n,
                account: "",
            };
            let name = template.render(&context);
            let item_name = if item.is_empty() {
                name.clone()
            } else {
                item.to_string()
            };
            let (parent, billing) = match group.kind {
                AccountKind::Subaccount => (Some(own_ref.clone()), Billing::Parent),
                _ => (None, Billing::Client),
            };
            made.push(Made {
                account: Account {
                    reference: refs.make(&name),
                    members: members(rules, &templates, values, &item_name, n, &name),
                    name,
                    kind: group.kind,
                    parent,
                    billing,
                },
                group: Some(g),
            });
        }
    }

    let agency_access = made
        .iter()
        .filter(|m| m.account.kind == AccountKind::ClientOwned)
        .map(|m| AgencyGrant {
            account: m.account.reference.clone(),
            agency: organization.clone(),
            role: Role::AgencyAdmin,
        })
        .collect();

    let mut steps = Vec::new();
    for template in &rules.steps {
        if !template.models.is_empty()
            && !decision.model.is_some_and(|m| template.models.contains(&m))
        {
            continue;
        }
        if !template
            .when
            .as_ref()
            .is_none_or(|w| rules.holds(w, values))
        {
            continue;
        }
        for m in &made {
            let applies = match template.scope {
                StepScope::Own => m.group.is_none(),
                StepScope::Kind(kind) => m.group.is_some() && m.account.kind == kind,
                StepScope::Group(g) => m.group == Some(g),
            };
            if !applies {
                continue;
            }
            let context = Context {
                questions: &rules.questions,
                values,
                item: "",
                number: 0,
                account: &m.account.name,
            };
            steps.push(Step {
                order: steps.len() as u64 + 1,
                action: template.action.clone(),
                account: Some(m.account.reference.clone()),
                description: template.description.render(&context),
            });
        }
    }

    Plan {
        api_version: API_VERSION.to_string(),
        kind: KIND.to_string(),
        organization,
        recommendation: Recommendation {
            model: report.model,
            title: report.title,
            reasons: report.reasons,
            alternatives: report.alternatives,
        },
        findings: report.findings,
        assumptions: report.assumptions,
        accounts: made.into_iter().map(|m| m.account).collect(),
        agency_access,
        steps,
    }
}

/// The member templates whose conditions hold: worked out once per group, not per account.
fn applicable<'a>(
    rules: &RuleSet,
    templates: &'a [MemberTemplate],
    values: &[Value],
) -> Vec<&'a MemberTemplate> {
    templates
        .iter()
        .filter(|t| t.when.as_ref().is_none_or(|w| rules.holds(w, values)))
        .collect()
}

fn members(
    rules: &RuleSet,
    templates: &[&MemberTemplate],
    values: &[Value],
    item: &str,
    number: u64,
    account: &str,
) -> Vec<Member> {
    let context = Context {
        questions: &rules.questions,
        values,
        item,
        number,
        account,
    };
    templates
        .iter()
        .map(|t| Member {
            who: t.who.render(&context),
            role: t.role,
        })
        .collect()
}

/// Unique account refs made from names.
#[derive(Default)]
struct Refs {
    used: HashSet<Arc<str>>,
}

impl Refs {
    fn make(&mut self, name: &str) -> Arc<str> {
        let base = slug(name);
        let mut candidate: Arc<str> = Arc::from(base.as_str());
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = Arc::from(format!("{base}-{n}"));
            n += 1;
        }
        candidate
    }
}

/// A lowercase ASCII slug: "Client: Museum Café" -> "client-museum-cafe".
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let mapped: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'A'..='Z' => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'æ' | 'Æ' => "ae",
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                "o"
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'ß' => "ss",
            _ => "-",
        };
        if mapped == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(mapped);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "account".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_unique() {
        assert_eq!(slug("Client: Museum Café"), "client-museum-cafe");
        assert_eq!(slug("  Ørsted -- Nord  "), "orsted-nord");
        assert_eq!(slug("東京"), "account");
        let mut refs = Refs::default();
        assert_eq!(&*refs.make("A b"), "a-b");
        assert_eq!(&*refs.make("A-B"), "a-b-2");
        assert_eq!(&*refs.make("a b"), "a-b-3");
    }
}
