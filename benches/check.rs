//! Benchmark of the exhaustive rule-set check over the built-in rule set's whole answer space
//! (product.md section 8: under 1 second).

use criterion::{Criterion, criterion_group, criterion_main};

use account_advisor::rules::check::check;
use account_advisor::rules::load;

fn exhaustive_check(c: &mut Criterion) {
    let Ok(rules) = load::builtin() else {
        panic!("the built-in rule set does not load; run `account-advisor rules check`");
    };
    let points = check(&rules).space.points;
    let mut group = c.benchmark_group("rules_check");
    group.sample_size(10);
    group.bench_function(format!("built-in rule set, {points} combinations"), |b| {
        b.iter(|| check(&rules))
    });
    group.finish();
}

criterion_group!(benches, exhaustive_check);
criterion_main!(benches);
