//! Abbreviations and synonyms of the support domain, applied to queries by the browser: a
//! query word or phrase that is one form of a group also finds pages with any other form
//! ("vm" finds "virtual machine", "can't" finds "cannot"). Curated, small and general: each
//! group is words a customer writes for the same thing, never a guess. The indexer writes the
//! table into `search/index.json`; `templates/search.js` stems each form as it stems a query.

/// Each group: the forms of one thing, as written (lowercase; several words allowed).
pub const GROUPS: &[&[&str]] = &[
    &["vm", "virtual machine"],
    &["vms", "virtual machines"],
    &["vmss", "virtual machine scale set", "scale set"],
    &["vnet", "virtual network"],
    &["nsg", "network security group"],
    &["nic", "network interface"],
    &["lb", "load balancer"],
    &["appgw", "application gateway", "app gateway"],
    &["afd", "front door"],
    &["vpn gw", "vpn gateway"],
    &["dns", "domain name"],
    &[
        "aad",
        "azure ad",
        "azure active directory",
        "entra id",
        "microsoft entra id",
    ],
    &["rbac", "role based access control", "role assignment"],
    &[
        "mfa",
        "multi factor authentication",
        "multifactor authentication",
        "2fa",
    ],
    &["sso", "single sign on"],
    &["sign in", "signin", "log in", "login", "logon"],
    &["aks", "azure kubernetes service", "kubernetes service"],
    &["k8s", "kubernetes"],
    &["acr", "container registry"],
    &["sql db", "sql database"],
    &["db", "database"],
    &["kv", "key vault"],
    &["adf", "data factory"],
    &["asr", "site recovery"],
    &["cert", "certificate"],
    &["certs", "certificates"],
    &["config", "configuration"],
    &["auth", "authentication"],
    &["repo", "repository"],
    &["rg", "resource group"],
    &["arm", "resource manager"],
    &["os", "operating system"],
    &["rdp", "remote desktop"],
    &["ssh", "secure shell"],
    &["cpu", "processor"],
    &["perf", "performance"],
    &["cannot", "can't", "can not", "unable to"],
    &["won't", "will not"],
    &["doesn't", "does not"],
    &["isn't", "is not"],
    &["delete", "remove"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_lowercase_and_in_one_group_only() {
        let mut seen = std::collections::BTreeSet::new();
        for group in GROUPS {
            assert!(group.len() >= 2, "{group:?}");
            for form in *group {
                assert_eq!(*form, form.to_lowercase());
                assert!(seen.insert(*form), "{form} is in two groups");
            }
        }
    }
}
