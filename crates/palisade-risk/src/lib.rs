//! Risk assessment and mitigation planning (the framework's phases 3 and 4).
//!
//! Pipeline position: `Findings ──assess──▶ Risks ──plan──▶ Plan`. Inherent risk comes from
//! each threat's base levels moved by the scoring factors that held on its element; residual
//! risk from the controls in place, through the mitigation catalog; the policy (matrix, bands)
//! turns levels into severities. Pure: the date acceptances are reviewed against is an input.

pub mod assess;
pub mod catalog;
pub mod plan;
pub mod policy;

pub use assess::{Assessment, Input, Risk, Score, assess, gate};
pub use catalog::Catalog;
pub use plan::{Plan, plan};
pub use policy::Policy;
