//! The layering rules of `src/README.md`, checked by reading the sources:
//!
//! - the platform and `http/` know no capability (nor `capability/` nor start-up);
//! - a capability uses only what another capability exports from its root (its
//!   `pub use` items and `pub mod`s), never a private module;
//! - domain modules (`*/domain/`) know nothing of HTTP.
//!
//! A capability is a top-level folder of `src/` whose `mod.rs` defines `CAPABILITY`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    found.sort();
    found
}

/// A capability: its name and the modules it keeps private.
struct Capability {
    name: String,
    private_modules: BTreeSet<String>,
}

fn capabilities() -> Vec<Capability> {
    let mut found = Vec::new();
    for entry in fs::read_dir(src()).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(root) = fs::read_to_string(dir.join("mod.rs")) else {
            continue;
        };
        if !root.contains("pub const CAPABILITY: Definition") {
            continue;
        }
        let private_modules = root
            .lines()
            .filter_map(|line| line.trim().strip_prefix("mod "))
            .map(|rest| rest.trim_end_matches(';').trim().to_string())
            .collect();
        found.push(Capability {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            private_modules,
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The code of a file without its comments (doc comments name other modules freely).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names used right after `prefix` in `code`: `prefix::name` and the names of a
/// `prefix::{a, b::c}` group (their first segment).
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let pattern = format!("{prefix}::");
    let mut rest = code;
    while let Some(at) = rest.find(&pattern) {
        let before = rest[..at].chars().last();
        rest = &rest[at + pattern.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `foo_accounts::`, not `accounts::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let first = item.trim().split("::").next().unwrap_or("").trim();
                if !first.is_empty() {
                    names.push(first.to_string());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

/// Rule violations, as `file: what` lines.
fn violations() -> Vec<String> {
    let root = src();
    let capabilities = capabilities();
    assert!(
        capabilities.iter().any(|c| c.name == "accounts") && capabilities.iter().any(|c| c.name == "vault"),
        "the capabilities are found"
    );
    let mut found = Vec::new();
    for (path, text) in sources(&root) {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let owner = relative.split('/').next().unwrap_or("").to_string();
        let code = code(&text);

        if owner == "platform" || owner == "http" {
            let mut forbidden: Vec<String> = capabilities.iter().map(|c| c.name.clone()).collect();
            forbidden.extend(["capability".to_string(), "startup".to_string()]);
            for name in forbidden {
                if code.contains(&format!("crate::{name}")) {
                    found.push(format!("{relative}: {owner} uses crate::{name}"));
                }
            }
        }

        // SQLite's write transactions must take the lock when they begin (Db::begin).
        if relative != "platform/db/mod.rs" && code.contains("pool().begin()") {
            found.push(format!(
                "{relative}: begins a transaction on the pool, not with Db::begin"
            ));
        }

        if relative.contains("/domain/") && (code.contains("axum") || code.contains("crate::http")) {
            found.push(format!("{relative}: a domain module uses HTTP"));
        }

        if capabilities.iter().any(|c| c.name == owner) {
            for other in capabilities.iter().filter(|c| c.name != owner) {
                for prefix in [format!("crate::{}", other.name), other.name.clone()] {
                    for name in names_after(&code, &prefix) {
                        if other.private_modules.contains(&name) {
                            found.push(format!(
                                "{relative}: uses {}::{name}, a private module of {}",
                                other.name, other.name
                            ));
                        }
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_layers_keep_their_rules() {
    let found = violations();
    assert!(found.is_empty(), "layering rules broken:\n{}", found.join("\n"));
}

#[test]
fn a_group_import_is_read_name_by_name() {
    let code = "use crate::accounts::{Directory, store::users};\nlet x = accounts::cache::me();";
    assert_eq!(names_after(code, "crate::accounts"), ["Directory", "store"]);
    assert_eq!(names_after(code, "accounts"), ["Directory", "store", "cache"]);
    assert!(names_after("my_accounts::x", "accounts").is_empty());
}
