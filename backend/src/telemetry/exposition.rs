//! Reads back the registry's exposition (OpenMetrics text, as prometheus-client writes
//! it): families in order, each with its `# TYPE`, `# HELP` and samples, label values
//! unescaped. Route labels hold braces (`/v1/items/{id}`), so labels are read character
//! by character, not by pattern.

use anyhow::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub kind: Kind,
    pub help: String,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample's own name: the family's, or it with `_total`, `_bucket`, `_sum`, …
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

pub fn parse(text: &str) -> anyhow::Result<Vec<Family>> {
    let mut families: Vec<Family> = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.trim_start().splitn(3, ' ');
            let (keyword, name, rest) = (words.next(), words.next(), words.next().unwrap_or(""));
            let Some(name) = name else { continue };
            let family = match families.last_mut() {
                Some(family) if family.name == name => family,
                _ => {
                    families.push(Family {
                        name: name.to_string(),
                        kind: Kind::Other,
                        help: String::new(),
                        samples: Vec::new(),
                    });
                    families.last_mut().expect("just pushed")
                }
            };
            match keyword {
                Some("TYPE") => {
                    family.kind = match rest.trim() {
                        "counter" => Kind::Counter,
                        "gauge" => Kind::Gauge,
                        "histogram" => Kind::Histogram,
                        _ => Kind::Other,
                    }
                }
                Some("HELP") => family.help = rest.trim().to_string(),
                _ => {}
            }
            continue;
        }
        let sample = sample(line).with_context(|| format!("not a sample: {line}"))?;
        match families.last_mut() {
            Some(family) if sample.name.starts_with(family.name.as_str()) => family.samples.push(sample),
            _ => families.push(Family {
                name: sample.name.clone(),
                kind: Kind::Other,
                help: String::new(),
                samples: vec![sample],
            }),
        }
    }
    Ok(families)
}

fn sample(line: &str) -> anyhow::Result<Sample> {
    let split = line.find(['{', ' ']).context("no value")?;
    let (name, mut rest) = line.split_at(split);
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices();
        let mut key = String::new();
        let end = loop {
            let (at, c) = chars.next().context("unterminated labels")?;
            match c {
                '}' => break at + 1,
                ',' | ' ' => {}
                '=' => {
                    anyhow::ensure!(chars.next().map(|(_, c)| c) == Some('"'), "label value unquoted");
                    let mut value = String::new();
                    loop {
                        match chars.next().context("unterminated label value")?.1 {
                            '"' => break,
                            '\\' => match chars.next().context("dangling escape")?.1 {
                                'n' => value.push('\n'),
                                other => value.push(other),
                            },
                            other => value.push(other),
                        }
                    }
                    labels.push((std::mem::take(&mut key), value));
                }
                other => key.push(other),
            }
        };
        rest = &inner[end..];
    }
    let value = match rest.split_whitespace().next().context("no value")? {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse()?,
    };
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::{Kind, parse};

    #[test]
    fn families_samples_and_labels_are_read_as_written() {
        let text = "# HELP softly_http_requests Requests answered.\n# TYPE softly_http_requests counter\n\
                    softly_http_requests_total{route=\"/v1/items/{id}\",method=\"GET\",status=\"200\"} 7\n\
                    # TYPE softly_redis_up gauge\nsoftly_redis_up 1\n\
                    # TYPE odd gauge\nodd{v=\"a \\\"quoted\\\" \\\\ value, with a comma\"} 1.5\n\
                    # TYPE d histogram\nd_bucket{le=\"+Inf\"} 9\n# EOF\n";
        let families = parse(text).unwrap();
        let names: Vec<_> = families.iter().map(|f| (f.name.as_str(), f.kind)).collect();
        assert_eq!(
            names,
            [
                ("softly_http_requests", Kind::Counter),
                ("softly_redis_up", Kind::Gauge),
                ("odd", Kind::Gauge),
                ("d", Kind::Histogram)
            ]
        );
        assert_eq!(families[0].help, "Requests answered.");
        let sample = &families[0].samples[0];
        assert_eq!(sample.name, "softly_http_requests_total");
        assert_eq!(
            sample.labels[0],
            ("route".to_string(), "/v1/items/{id}".to_string())
        );
        assert_eq!(sample.value, 7.0);
        assert_eq!(
            families[2].samples[0].labels[0].1,
            "a \"quoted\" \\ value, with a comma"
        );
        assert_eq!(families[3].samples[0].value, 9.0);
        assert_eq!(families[3].samples[0].labels[0].1, "+Inf");
        assert!(parse("broken{a=\"b\" 1").is_err());
    }
}
