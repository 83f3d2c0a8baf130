//! What the HTTP provider needs to decide on a tool call's request besides the settings: the
//! workflow's allowlist (shared with whoever saves it), the page's origin, and the gate that asks
//! the user.

use std::cell::RefCell;
use std::rc::Rc;

use crate::io::egress_gate::EgressGate;

/// The hosts the user allowed for one workflow ("allow this host"), normalised; shared so that a
/// host allowed by one task is not asked about again by another.
pub type HostAllowlist = Rc<RefCell<Vec<String>>>;

/// The egress context of an HTTP provider.
#[derive(Clone, Default)]
pub struct Egress {
    /// Who to ask about a request to an unknown host (`None`: nobody, such requests are denied).
    pub gate: Option<Rc<dyn EgressGate>>,
    /// The workflow's allowlist.
    pub hosts: HostAllowlist,
    /// The page's own origin (`http://127.0.0.1:8080`), refused unless listed.
    pub page_origin: Option<String>,
}
