//! How much memory this process may use: `MEMORY_LIMIT_MIB`, or what the host reports —
//! the container's cgroup limit (v2 `memory.max`, v1 `memory.limit_in_bytes`), else the
//! machine's `MemTotal`. Work that holds large buffers (decoding images) is bounded by a
//! share of it, so no upload can take the process past it.

use super::{ConfigError, Lookup, parse_var};

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimit {
    pub bytes: u64,
    /// Where the figure came from, for `softly config`.
    pub source: &'static str,
}

impl MemoryLimit {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        Self::resolve(lookup, &|path| std::fs::read_to_string(path).ok())
    }

    /// As [`MemoryLimit::from_lookup`], with the host's files read through `read`.
    pub fn resolve(lookup: Lookup<'_>, read: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        if let Some(raw) = lookup("MEMORY_LIMIT_MIB") {
            let mib: u64 = parse_var("MEMORY_LIMIT_MIB", Some(raw), 0)?;
            if !(64..=16 * 1024 * 1024).contains(&mib) {
                return Err(ConfigError::new(
                    "MEMORY_LIMIT_MIB",
                    "must be from 64 to 16777216",
                ));
            }
            return Ok(Self {
                bytes: mib * MIB,
                source: "MEMORY_LIMIT_MIB",
            });
        }
        let cgroup = |path: &str| {
            read(path)
                .and_then(|text| text.trim().parse::<u64>().ok())
                // v1 reports "no limit" as a number near u64::MAX.
                .filter(|bytes| *bytes < (1 << 60))
        };
        if let Some(bytes) = cgroup("/sys/fs/cgroup/memory.max") {
            return Ok(Self {
                bytes,
                source: "cgroup",
            });
        }
        if let Some(bytes) = cgroup("/sys/fs/cgroup/memory/memory.limit_in_bytes") {
            return Ok(Self {
                bytes,
                source: "cgroup",
            });
        }
        let total = read("/proc/meminfo").and_then(|text| {
            let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
        Ok(match total {
            Some(bytes) => Self {
                bytes,
                source: "host memory",
            },
            // Nothing to read (not Linux): the production task's size.
            None => Self {
                bytes: 1024 * MIB,
                source: "default",
            },
        })
    }

    pub fn mib(&self) -> u64 {
        self.bytes / MIB
    }

    /// Its line for `softly config`.
    pub fn describe(&self) -> String {
        format!("MEMORY_LIMIT_MIB={} ({})", self.mib(), self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(vars: &[(&str, &str)], files: &[(&str, &str)]) -> Result<MemoryLimit, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        MemoryLimit::resolve(&lookup, &|path| {
            files.iter().find(|(k, _)| k == path).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_variable_wins_then_the_cgroup_then_the_host() {
        let cgroup = ("/sys/fs/cgroup/memory.max", "1073741824\n");
        let meminfo = ("/proc/meminfo", "MemTotal:       24576000 kB\nMemFree: 1 kB\n");
        let set = resolve(&[("MEMORY_LIMIT_MIB", "512")], &[cgroup, meminfo]).unwrap();
        assert_eq!((set.mib(), set.source), (512, "MEMORY_LIMIT_MIB"));
        let from_cgroup = resolve(&[], &[cgroup, meminfo]).unwrap();
        assert_eq!((from_cgroup.mib(), from_cgroup.source), (1024, "cgroup"));
        let unlimited = ("/sys/fs/cgroup/memory.max", "max\n");
        let from_host = resolve(&[], &[unlimited, meminfo]).unwrap();
        assert_eq!(
            (from_host.bytes, from_host.source),
            (24576000 * 1024, "host memory")
        );
        let v1_unlimited = (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "9223372036854771712",
        );
        assert_eq!(
            resolve(&[], &[v1_unlimited, meminfo]).unwrap().source,
            "host memory"
        );
        assert_eq!(resolve(&[], &[]).unwrap().mib(), 1024);
    }

    #[test]
    fn a_limit_too_small_or_not_a_number_is_refused() {
        for bad in ["0", "63", "lots", "-1"] {
            assert!(resolve(&[("MEMORY_LIMIT_MIB", bad)], &[]).is_err(), "{bad}");
        }
        assert!(resolve(&[("MEMORY_LIMIT_MIB", "64")], &[]).is_ok());
    }
}
