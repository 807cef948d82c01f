//! JSON Schemas for editors and scripts: the rule-file format as Rust types (derived, and tested
//! against the parser's keys), answers files (generated from a rule set's questions) and plan
//! files (derived from the plan types). Pure: returns JSON values.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value as Json, json};

use crate::model::plan::Plan;
use crate::model::question::QuestionKind;
use crate::rules::RuleSet;
use crate::rules::answers::{MAX_NAMES, MAX_TEXT};

/// One rule file. Every section is optional; list sections add up across the files of a
/// directory.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "account-advisor rule file")]
pub struct RuleFile {
    /// The questions, in the order they are asked.
    pub questions: Option<Vec<QuestionDef>>,
    /// Named conditions that other conditions reuse; a predicate may use only those before it.
    pub predicates: Option<BTreeMap<String, PredicateDef>>,
    /// The account structures that can be recommended.
    pub models: Option<Vec<ModelDef>>,
    /// "Recommend this model when": among matching rules the highest priority wins.
    pub recommendations: Option<Vec<RecommendationDef>>,
    /// Mistakes and risks worth telling the user about.
    pub findings: Option<Vec<FindingDef>>,
    /// The organization's own account in the plan.
    pub own_account: Option<OwnAccountDef>,
    /// Accounts made from the entries of a names answer, one per entry.
    pub account_groups: Option<Vec<GroupDef>>,
    /// The plan's steps, in order.
    pub steps: Option<Vec<StepDef>>,
    /// The "who controls what" table.
    pub comparison: Option<ComparisonDef>,
    /// Answers and the model and findings they must give; run by `account-advisor rules test`.
    pub tests: Option<Vec<TestDef>>,
}

/// A condition, such as `serves in [external_customers, both] and team_size >= 2`.
pub type Condition = String;

/// A text with placeholders such as `{team_size}`, `{isolated_units.count}`, `{isolated_units.list}`.
pub type TemplateText = String;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    /// snake_case id; answers files use it as the key.
    pub id: String,
    pub prompt: String,
    /// Why the question is asked, in a sentence or two.
    pub help: Option<String>,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The choices of a one_of or any_of question.
    pub options: Option<Vec<OptionDef>>,
    /// The answer used when the question is not asked or not answered; required with `when`.
    pub default: Option<serde_json::Value>,
    /// Ask only when this holds; it may read only questions asked before.
    pub when: Option<Condition>,
    /// Shortest text or name (text and names questions).
    pub min_length: Option<u32>,
    /// Smallest number (number questions).
    pub min: Option<i64>,
    /// Largest number (number questions).
    pub max: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Text,
    OneOf,
    AnyOf,
    YesNo,
    Number,
    Names,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PredicateDef {
    Condition(Condition),
    Described(DescribedPredicate),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedPredicate {
    pub when: Condition,
    /// Plain words used when explaining why a question is not asked.
    pub description: Option<String>,
}

/// A text, or a text shown only when its condition holds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionalDef {
    Text(TemplateText),
    When(ConditionalText),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionalText {
    pub when: Option<Condition>,
    pub text: TemplateText,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub best_when: Option<String>,
    pub not_needed_when: Option<String>,
    pub own_account: OwnKind,
    /// Account groups whose entries become accounts under this model.
    pub groups: Option<Vec<String>>,
    /// The first entry whose condition holds says why this model was not chosen.
    pub why_not: Option<Vec<ConditionalDef>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OwnKind {
    Standard,
    Parent,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationDef {
    pub id: String,
    /// The model recommended when this rule wins.
    pub model: String,
    /// Among matching rules the highest priority wins; rules of one model at the same priority add up.
    pub priority: i64,
    /// `true` for a fallback rule.
    pub when: Condition,
    pub reasons: Vec<ConditionalDef>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingDef {
    pub id: String,
    pub severity: SeverityName,
    pub when: Condition,
    pub message: TemplateText,
    pub fix: TemplateText,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnAccountDef {
    pub name: TemplateText,
    pub members: Option<Vec<MemberDef>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberDef {
    pub who: TemplateText,
    pub role: RoleName,
    pub when: Option<Condition>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Owner,
    Admin,
    AgencyAdmin,
    Member,
    Viewer,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: String,
    pub kind: GroupKind,
    /// The names question whose entries become accounts.
    pub from: String,
    pub when: Option<Condition>,
    /// Name of the account for a listed entry (`{item}`).
    pub name: TemplateText,
    /// Name of the n-th account for a counted entry (`{n}`).
    pub numbered: TemplateText,
    pub members: Option<Vec<MemberDef>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Subaccount,
    ClientOwned,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub action: String,
    /// `own`, `subaccount`, `client_owned`, or an account group id.
    #[serde(rename = "for")]
    pub scope: String,
    /// Only under these models (all when absent).
    pub models: Option<Vec<String>>,
    pub when: Option<Condition>,
    /// May use `{account}`.
    pub description: TemplateText,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonDef {
    pub columns: Vec<ColumnDef>,
    pub rows: Vec<RowDef>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub title: String,
    pub models: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub area: String,
    pub cells: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestDef {
    pub name: String,
    /// An answers file's content: question ids to answers.
    pub answers: BTreeMap<String, serde_json::Value>,
    /// The model the answers must give.
    pub model: String,
    /// Exactly the findings the answers must raise (none when absent).
    pub findings: Option<Vec<String>>,
}

fn to_json<T: JsonSchema>() -> Json {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Json::Null)
}

/// The schema of rule files, derived from [`RuleFile`].
pub fn rules() -> Json {
    to_json::<RuleFile>()
}

/// The schema of plan files, derived from [`Plan`].
pub fn plan() -> Json {
    to_json::<Plan>()
}

/// The schema of answers files for a rule set, generated from its questions so that it always
/// matches the questions actually asked.
pub fn answers(rules: &RuleSet) -> Json {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for q in &rules.questions {
        let ids: Vec<Json> = q.options.iter().map(|o| json!(o.id)).collect();
        let mut schema = match q.kind {
            QuestionKind::Text { min_len } => {
                json!({"type": "string", "minLength": min_len, "maxLength": MAX_TEXT})
            }
            QuestionKind::Choice => json!({"type": "string", "enum": ids}),
            QuestionKind::Multi => json!({
                "anyOf": [
                    {"type": "array", "items": {"type": "string", "enum": ids}, "uniqueItems": true},
                    {"type": "string", "enum": ids},
                    {"type": "null"}
                ]
            }),
            QuestionKind::YesNo => json!({"enum": ["yes", "no", true, false]}),
            QuestionKind::Number { min, max } => {
                json!({"type": "integer", "minimum": min, "maximum": max})
            }
            QuestionKind::Names { min_len } => json!({
                "anyOf": [
                    {"type": "array", "items": {"type": "string", "minLength": min_len, "maxLength": MAX_TEXT}, "maxItems": MAX_NAMES},
                    {"type": "integer", "minimum": 0, "maximum": MAX_NAMES},
                    {"type": "null"}
                ]
            }),
        };
        if let Json::Object(map) = &mut schema {
            let mut description = q.prompt.clone();
            if let Some(when) = &q.when {
                description.push_str(&format!(" (asked only when {})", rules.describe(when)));
            }
            map.insert("description".into(), json!(description));
            if let Some(default) = &q.default {
                map.insert("default".into(), default.to_json(q));
            }
        }
        if q.default.is_none() && q.when.is_none() {
            required.push(json!(q.id));
        }
        properties.insert(q.id.clone(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "account-advisor answers file",
        "description": format!("Answers to the questions of the {}; see `account-advisor questions`.", rules.source),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::plan::Role;
    use crate::rules::load::BUILTIN;
    use crate::rules::parse::{SECTIONS, keys};

    fn properties(schema: &Json, def: Option<&str>) -> BTreeSet<String> {
        let node = match def {
            Some(name) => &schema["$defs"][name],
            None => schema,
        };
        node["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn set(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn the_rules_schema_has_exactly_the_keys_the_parser_accepts() {
        let schema = rules();
        assert_eq!(properties(&schema, None), set(SECTIONS));
        let pairs: &[(&str, &[&str])] = &[
            ("QuestionDef", keys::QUESTION),
            ("OptionDef", keys::OPTION),
            ("DescribedPredicate", keys::PREDICATE),
            ("ConditionalText", keys::CONDITIONAL),
            ("ModelDef", keys::MODEL),
            ("RecommendationDef", keys::RECOMMENDATION),
            ("FindingDef", keys::FINDING),
            ("OwnAccountDef", keys::OWN_ACCOUNT),
            ("MemberDef", keys::MEMBER),
            ("GroupDef", keys::GROUP),
            ("StepDef", keys::STEP),
            ("ComparisonDef", keys::COMPARISON),
            ("ColumnDef", keys::COLUMN),
            ("RowDef", keys::ROW),
            ("TestDef", keys::TEST),
        ];
        for (def, keys) in pairs {
            assert_eq!(properties(&schema, Some(def)), set(keys), "{def}");
        }
        let roles: Vec<&str> = schema["$defs"]["RoleName"]["enum"]
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            roles,
            Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_shipped_rule_file_fits_the_rule_file_types() {
        for (name, text) in BUILTIN {
            let parsed: Result<RuleFile, _> = serde_yaml::from_str(text);
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
            assert!(
                text.starts_with("# yaml-language-server: $schema=../schemas/rules.schema.json\n"),
                "{name}"
            );
        }
    }

    #[test]
    fn the_answers_schema_follows_the_questions() {
        let Ok(rules) = crate::rules::load::builtin() else {
            panic!("built-in rules")
        };
        let schema = answers(&rules);
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["required"], json!(["organization", "serves"]));
        assert_eq!(
            schema["properties"]["serves"]["enum"],
            json!(["own_business", "external_customers", "both"])
        );
        assert_eq!(schema["properties"]["team_size"]["minimum"], json!(1));
        assert_eq!(properties(&schema, None).len(), rules.questions.len());
    }
}
