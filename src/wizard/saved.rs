//! The autosave document: every answer in the draft (hidden ones too) as an answers-file
//! mapping, and reading it back leniently (a bad entry is dropped, not fatal). Pure.

use serde_json::{Map, Value as Json};

use crate::model::answers::Value;
use crate::rules::RuleSet;
use crate::rules::answers::parse_value;
use crate::yaml::{self, Limits, NodeKind};

/// The draft as YAML text.
pub fn encode(rules: &RuleSet, draft: &[Option<Value>]) -> String {
    let mut map = Map::new();
    for (question, value) in rules.questions.iter().zip(draft) {
        if let Some(value) = value {
            map.insert(question.id.clone(), value.to_json(question));
        }
    }
    let body = yaml::to_string(&Json::Object(map)).unwrap_or_default();
    format!("# account-advisor wizard autosave: answers so far (an answers file)\n{body}")
}

/// The draft read back from `encode`'s text; unknown or invalid entries are skipped.
pub fn decode(rules: &RuleSet, bytes: &[u8]) -> Vec<Option<Value>> {
    let mut draft = vec![None; rules.questions.len()];
    let Ok(Some(root)) = yaml::parse(bytes, &Limits::default()) else {
        return draft;
    };
    if let NodeKind::Map(entries) = &root.kind {
        for (key, value) in entries {
            let Some(q) = key.as_str().and_then(|k| rules.question(k)) else {
                continue;
            };
            if let (Ok(v), Some(slot)) = (parse_value(&rules.questions[q], value), draft.get_mut(q))
            {
                *slot = Some(v);
            }
        }
    }
    draft
}
