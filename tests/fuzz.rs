//! Mutated answers files never make the engine panic: thousands of deterministic mutations of
//! the scenario cases go through reading, deciding, planning and every writer.

use account_advisor::plan::{self, Format};
use account_advisor::rules::{answers, load};

use crate::common::cases_dir;

/// A small deterministic generator, so a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"-",
    b":",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"#",
    b"&a",
    b"*a",
    b"!",
    b"|",
    b">",
    b"'",
    b"\"",
    b"%",
    b"@",
    b"`",
    b" ",
    b"\n",
    b"\t",
    b"0",
    b"-1",
    b"99999999999999999999",
    b"yes",
    b"no",
    b"~",
    b"null",
    b"\x00",
    b"\xff",
    b"\xc3\xa9",
    b"\xe6\x9d\xb1",
    b"both",
    b"mixed",
    b"we_pay",
    b"[]",
    b"\n  - x\n",
];

#[test]
fn mutated_answers_files_never_panic() {
    let rules = load::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(cases_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    seeds.sort();
    assert!(
        seeds.len() >= 10,
        "scenario cases not found in {}",
        cases_dir().display()
    );
    let lines: Vec<Vec<u8>> = seeds
        .iter()
        .flat_map(|s| s.split(|b| *b == b'\n').map(<[u8]>::to_vec))
        .collect();
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..3000 {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() + 1);
            match rng.below(3) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    text.splice(at..at, piece.iter().copied());
                }
                1 => {
                    let end = (at + 1 + rng.below(8)).min(text.len());
                    text.drain(at.min(end)..end);
                }
                _ => {
                    let mut line = lines[rng.below(lines.len())].clone();
                    line.push(b'\n');
                    text.splice(at..at, line);
                }
            }
        }
        match answers::read(&rules, "fuzz.yaml", &text) {
            Ok(loaded) => {
                accepted += 1;
                let decision = rules.decide(&loaded.answers.values);
                assert!(
                    decision.model.is_some(),
                    "no model for {:?}",
                    String::from_utf8_lossy(&text)
                );
                let plan = plan::build(&rules, &loaded.answers, &decision);
                for format in [Format::Yaml, Format::Json, Format::Markdown] {
                    let bytes = plan::write::to_bytes(&plan, &rules, format);
                    assert!(bytes.is_ok_and(|b| !b.is_empty()));
                }
            }
            Err(diagnostics) => {
                refused += 1;
                assert!(diagnostics.errors() > 0);
                assert!(!diagnostics.to_string().is_empty());
            }
        }
    }
    // Both paths must really be exercised for the test to mean anything.
    assert!(
        accepted > 200 && refused > 200,
        "accepted {accepted}, refused {refused}"
    );
}
