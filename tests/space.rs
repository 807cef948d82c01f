//! The whole finite answer space: every combination of the choice and yes/no answers (only
//! those asked together), names lists empty and non-empty, checked against an independent
//! reading of product.md sections 3, 4 and 6.

use std::collections::HashSet;

use account_advisor::model::answers::{Names, Value};
use account_advisor::model::plan::{AccountKind, Billing, Plan};
use account_advisor::plan;
use account_advisor::rules::{RuleSet, load};

/// One point of the answer space, as the specification names it.
#[derive(Clone, Debug, Default)]
struct Point {
    serves: usize,
    team_size: i64,
    units: Option<Names>,
    reasons: u64,
    share: bool,
    billing: Option<usize>,
    we_bill: Option<Names>,
    own_billing: Option<Names>,
    agency_billing: bool,
    resell: bool,
    api: bool,
    logins: usize,
    clients_inside: bool,
    tier: usize,
}

const REASONS: usize = 5; // data, billing, branding, access, just_organizing (index 4)
const JUST_ORGANIZING: u64 = 1 << 4;

fn points() -> Vec<Point> {
    let mut out = Vec::new();
    let unit_lists = [
        Names::List(vec![]),
        Names::List(vec!["North".into(), "South".into()]),
    ];
    let customer_lists = [Names::List(vec![]), Names::Count(3)];
    let owned_lists = [
        Names::List(vec![]),
        Names::List(vec!["Alpha".into(), "Beta".into()]),
    ];
    for serves in 0..3 {
        let internal = serves != 1;
        let external = serves != 0;
        for team_size in [1, 2] {
            let mut base = vec![Point {
                serves,
                team_size,
                ..Point::default()
            }];
            if internal {
                base = base
                    .into_iter()
                    .flat_map(|p| {
                        let mut v = Vec::new();
                        for units in &unit_lists {
                            if units.is_empty() {
                                v.push(Point {
                                    units: Some(units.clone()),
                                    ..p.clone()
                                });
                            } else {
                                for reasons in 0..(1u64 << REASONS) {
                                    for share in [false, true] {
                                        v.push(Point {
                                            units: Some(units.clone()),
                                            reasons,
                                            share,
                                            ..p.clone()
                                        });
                                    }
                                }
                            }
                        }
                        v
                    })
                    .collect();
            }
            if external {
                base = base
                    .into_iter()
                    .flat_map(|p| {
                        let mut v = Vec::new();
                        for billing in 0..3 {
                            let billed = billing != 1;
                            let managed = billing != 0;
                            let we = if billed {
                                customer_lists.iter().cloned().map(Some).collect()
                            } else {
                                vec![None]
                            };
                            let own: Vec<(Option<Names>, bool)> = if managed {
                                owned_lists
                                    .iter()
                                    .flat_map(|o| {
                                        [(Some(o.clone()), false), (Some(o.clone()), true)]
                                    })
                                    .collect()
                            } else {
                                vec![(None, false)]
                            };
                            for w in &we {
                                for (o, agency_billing) in &own {
                                    for flags in 0..(1 << 3) {
                                        for logins in 0..4 {
                                            v.push(Point {
                                                billing: Some(billing),
                                                we_bill: w.clone(),
                                                own_billing: o.clone(),
                                                agency_billing: *agency_billing,
                                                resell: flags & 1 != 0,
                                                api: flags & 2 != 0,
                                                clients_inside: flags & 4 != 0,
                                                logins,
                                                ..p.clone()
                                            });
                                        }
                                    }
                                }
                            }
                        }
                        v
                    })
                    .collect();
            }
            for p in base {
                for tier in 0..7 {
                    out.push(Point { tier, ..p.clone() });
                }
            }
        }
    }
    out
}

/// The answers as the wizard or an answers file gives them: only the asked questions.
fn draft(rules: &RuleSet, p: &Point) -> Vec<Option<Value>> {
    let mut d = vec![None; rules.questions.len()];
    let mut set = |id: &str, v: Value| {
        let q = rules
            .question(id)
            .unwrap_or_else(|| panic!("no question {id}"));
        d[q] = Some(v);
    };
    set("organization", Value::Text("Space Org".into()));
    set("serves", Value::Choice(p.serves));
    set("team_size", Value::Number(p.team_size));
    if let Some(units) = &p.units {
        set("isolated_units", Value::Names(units.clone()));
        if !units.is_empty() {
            set("isolation_reasons", Value::Multi(p.reasons));
            set("units_share_work", Value::Bool(p.share));
        }
    }
    if let Some(billing) = p.billing {
        set("customer_billing", Value::Choice(billing));
        set("resell", Value::Bool(p.resell));
        set("api_provisioning", Value::Bool(p.api));
        set("customer_logins", Value::Choice(p.logins));
        set("clients_in_internal_account", Value::Bool(p.clients_inside));
    }
    if let Some(w) = &p.we_bill {
        set("customers_we_bill", Value::Names(w.clone()));
    }
    if let Some(o) = &p.own_billing {
        set("customers_own_billing", Value::Names(o.clone()));
        set("agency_manages_billing", Value::Bool(p.agency_billing));
    }
    set("plan_tier", Value::Choice(p.tier));
    d
}

/// product.md section 4, written out independently of the rule set.
struct Expected {
    model: &'static str,
    mistakes: Vec<&'static str>,
    subaccounts: u64,
    client_owned: u64,
}

fn expected(p: &Point) -> Expected {
    let external = p.serves != 0;
    let internal = p.serves != 1;
    let unit_count = p.units.as_ref().map(Names::len).unwrap_or(0);
    let units = internal && unit_count > 0;
    let folders = units && p.reasons & !JUST_ORGANIZING == 0;
    let roles = units && p.share;
    let isolate = units && !folders && !roles;
    let billed = external && matches!(p.billing, Some(0 | 2));
    let managed = external && matches!(p.billing, Some(1 | 2));
    let model = if (isolate || billed) && managed {
        "hybrid"
    } else if isolate || billed {
        "parent_subaccount"
    } else if managed {
        "agency_access"
    } else if p.team_size >= 2 {
        "team"
    } else {
        "standard"
    };
    let mut mistakes = Vec::new();
    if roles {
        mistakes.push("subaccounts_instead_of_roles");
    }
    if folders {
        mistakes.push("subaccounts_as_folders");
    }
    if external && p.clients_inside {
        mistakes.push("external_clients_as_members");
    }
    let has_subaccounts = matches!(model, "parent_subaccount" | "hybrid");
    let has_client_owned = matches!(model, "agency_access" | "hybrid");
    let subaccounts = if has_subaccounts {
        (if isolate { unit_count } else { 0 })
            + if billed {
                p.we_bill.as_ref().map(Names::len).unwrap_or(0)
            } else {
                0
            }
    } else {
        0
    };
    let client_owned = if has_client_owned {
        p.own_billing.as_ref().map(Names::len).unwrap_or(0)
    } else {
        0
    };
    Expected {
        model,
        mistakes,
        subaccounts,
        client_owned,
    }
}

/// product.md section 6 and domain.md's order, checked on one plan.
fn check_plan(plan: &Plan, want: &Expected) -> Result<(), String> {
    let count = |k: AccountKind| plan.accounts.iter().filter(|a| a.kind == k).count() as u64;
    if count(AccountKind::Subaccount) != want.subaccounts {
        return Err(format!(
            "{} subaccounts, expected {}",
            count(AccountKind::Subaccount),
            want.subaccounts
        ));
    }
    if count(AccountKind::ClientOwned) != want.client_owned {
        return Err(format!(
            "{} client-owned, expected {}",
            count(AccountKind::ClientOwned),
            want.client_owned
        ));
    }
    let own_kind = if matches!(want.model, "parent_subaccount" | "hybrid") {
        AccountKind::Parent
    } else {
        AccountKind::Standard
    };
    let own: Vec<_> = plan
        .accounts
        .iter()
        .filter(|a| matches!(a.kind, AccountKind::Parent | AccountKind::Standard))
        .collect();
    if own.len() != 1
        || own[0].kind != own_kind
        || own[0].billing != Billing::Own
        || own[0].parent.is_some()
    {
        return Err(format!("own account wrong: {own:?}"));
    }
    let refs: HashSet<&str> = plan.accounts.iter().map(|a| &*a.reference).collect();
    if refs.len() != plan.accounts.len() {
        return Err("account refs are not unique".into());
    }
    for a in &plan.accounts {
        let ok = match a.kind {
            AccountKind::Subaccount => {
                a.billing == Billing::Parent && a.parent.as_deref() == Some(&*own[0].reference)
            }
            AccountKind::ClientOwned => a.billing == Billing::Client && a.parent.is_none(),
            _ => true,
        };
        if !ok {
            return Err(format!(
                "account {} has wrong billing or parent",
                a.reference
            ));
        }
        if a.members
            .iter()
            .filter(|m| m.role.as_str() == "owner")
            .count()
            != 1
        {
            return Err(format!(
                "account {} does not have exactly one owner",
                a.reference
            ));
        }
    }
    let grants: HashSet<&str> = plan.agency_access.iter().map(|g| &*g.account).collect();
    let owned: HashSet<&str> = plan
        .accounts
        .iter()
        .filter(|a| a.kind == AccountKind::ClientOwned)
        .map(|a| &*a.reference)
        .collect();
    if grants != owned || plan.agency_access.len() != owned.len() {
        return Err("agency access does not match the client-owned accounts".into());
    }
    // Steps: numbered 1..n; permissions and Agency Settings come before any invite.
    for (i, s) in plan.steps.iter().enumerate() {
        if s.order != i as u64 + 1 {
            return Err(format!("step {i} has order {}", s.order));
        }
    }
    let last_setup = plan.steps.iter().rposition(|s| {
        matches!(
            &*s.action,
            "set_subaccount_permissions" | "set_agency_settings" | "create_subaccount"
        )
    });
    let first_invite = plan
        .steps
        .iter()
        .position(|s| s.action.starts_with("invite_"));
    if let (Some(setup), Some(invite)) = (last_setup, first_invite)
        && invite < setup
    {
        return Err("an invite comes before permissions or Agency Settings are set".into());
    }
    if want.subaccounts > 0 {
        let create = plan
            .steps
            .iter()
            .filter(|s| &*s.action == "create_subaccount")
            .count() as u64;
        let perms = plan
            .steps
            .iter()
            .filter(|s| &*s.action == "set_subaccount_permissions")
            .count() as u64;
        if create != want.subaccounts || perms != want.subaccounts {
            return Err(format!(
                "{create} create and {perms} permission steps for {} subaccounts",
                want.subaccounts
            ));
        }
    }
    Ok(())
}

#[test]
fn every_answer_combination_gives_one_model_and_a_plan_true_to_the_spec() {
    let rules = load::builtin().unwrap_or_else(|e| panic!("{e}"));
    let all = points();
    assert!(all.len() > 400_000, "the walk covers {} points", all.len());
    let mut models_seen = HashSet::new();
    let mut failures = Vec::new();
    for p in &all {
        let (answers, missing) = rules.complete(&draft(&rules, p));
        assert!(missing.is_empty());
        let decision = rules.decide(&answers.values);
        let want = expected(p);
        let Some(model) = decision.model.map(|m| rules.models[m].id.as_str()) else {
            failures.push(format!("{p:?}: no model"));
            continue;
        };
        if !decision.conflicts.is_empty() {
            failures.push(format!("{p:?}: conflicting models"));
        }
        if model != want.model {
            failures.push(format!("{p:?}: {model}, expected {}", want.model));
            continue;
        }
        models_seen.insert(model.to_string());
        let mut mistakes: Vec<&str> = decision
            .findings
            .iter()
            .map(|f| rules.findings[*f].id.as_str())
            .filter(|id| {
                matches!(
                    *id,
                    "subaccounts_instead_of_roles"
                        | "subaccounts_as_folders"
                        | "external_clients_as_members"
                )
            })
            .collect();
        mistakes.sort_unstable();
        let mut want_mistakes = want.mistakes.clone();
        want_mistakes.sort_unstable();
        if mistakes != want_mistakes {
            failures.push(format!(
                "{p:?}: mistakes {mistakes:?}, expected {want_mistakes:?}"
            ));
        }
        let plan = plan::build(&rules, &answers, &decision);
        if let Err(e) = check_plan(&plan, &want) {
            failures.push(format!("{p:?}: {e}"));
        }
        if failures.len() > 20 {
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(models_seen.len(), 5, "{models_seen:?}");
}
