//! The provisioning plan file (product.md section 6): a contract read by scripts.

use schemars::JsonSchema;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value as Json;

use crate::model::decision::{Alternative, Finding};

pub const API_VERSION: &str = "account-advisor/v1";
pub const KIND: &str = "AccountPlan";

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Plan {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub organization: String,
    pub recommendation: Recommendation,
    pub findings: Vec<Finding>,
    pub assumptions: Vec<Assumption>,
    pub accounts: Vec<Account>,
    pub agency_access: Vec<AgencyGrant>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Recommendation {
    pub model: String,
    pub title: String,
    pub reasons: Vec<String>,
    pub alternatives: Vec<Alternative>,
}

/// An answer taken from the question's default because it was asked but not answered.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Assumption {
    pub question: String,
    pub value: Json,
}

impl Eq for Assumption {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Standard,
    Parent,
    Subaccount,
    ClientOwned,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Standard => "standard",
            AccountKind::Parent => "parent",
            AccountKind::Subaccount => "subaccount",
            AccountKind::ClientOwned => "client_owned",
        }
    }
}

/// Who pays itellicoAI for the account's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// The account pays for itself.
    #[serde(rename = "self")]
    Own,
    /// Usage appears on the parent's invoice.
    Parent,
    /// The client pays itellicoAI directly.
    Client,
}

impl Billing {
    pub fn as_str(self) -> &'static str {
        match self {
            Billing::Own => "self",
            Billing::Parent => "parent",
            Billing::Client => "client",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    AgencyAdmin,
    Member,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::AgencyAdmin,
        Role::Member,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::AgencyAdmin => "agency_admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Member {
    pub who: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Account {
    // Shared with `parent` of subaccounts and the steps about this account: plans can hold
    // 100,000 accounts, and one allocation per reference keeps them small.
    #[serde(rename = "ref")]
    pub reference: Arc<str>,
    pub name: String,
    pub kind: AccountKind,
    pub parent: Option<Arc<str>>,
    pub billing: Billing,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AgencyGrant {
    pub account: Arc<str>,
    pub agency: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Step {
    pub order: u64,
    pub action: Arc<str>,
    pub account: Option<Arc<str>>,
    pub description: String,
}
