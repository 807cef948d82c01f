//! Benchmarks of the figures product.md section 8 sets: one decision on an answers file, and a
//! 100,000-subaccount plan written as YAML and as JSON.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};

use account_advisor::plan::{self, Format};
use account_advisor::rules::{answers, load};

const HYBRID: &str = "organization: Nordlys Digital
serves: external_customers
team_size: 6
customer_billing: mixed
customers_we_bill: [Salon Mira, Bakery Holm, Plumbing Dahl]
customers_own_billing: [Hotel Fjordview, Cargo Line AS]
resell: yes
customer_logins: read_only
plan_tier: professional
";

const LARGE: &str = "organization: Big Book Telecom
serves: external_customers
team_size: 12
customer_billing: we_pay
customers_we_bill: 100000
resell: yes
api_provisioning: yes
customer_logins: operate
plan_tier: enterprise
";

/// Counts bytes without keeping them, so only the writer's own work is measured.
struct Count(usize);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn benches(c: &mut Criterion) {
    let rules = match load::builtin() {
        Ok(rules) => rules,
        Err(e) => panic!("built-in rules: {e}"),
    };
    let loaded = match answers::read(&rules, "hybrid.yaml", HYBRID.as_bytes()) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    c.bench_function("decide (hybrid answers)", |b| {
        b.iter(|| rules.decide(black_box(&loaded.answers.values)))
    });
    c.bench_function("read answers file + decide", |b| {
        b.iter(|| {
            let loaded = answers::read(&rules, "hybrid.yaml", black_box(HYBRID.as_bytes()));
            loaded.map(|l| rules.decide(&l.answers.values).model)
        })
    });

    let large = match answers::read(&rules, "large.yaml", LARGE.as_bytes()) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let decision = rules.decide(&large.answers.values);
    let mut group = c.benchmark_group("plan with 100,000 subaccounts");
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| plan::build(&rules, &large.answers, &decision))
    });
    for format in [Format::Yaml, Format::Json] {
        group.bench_function(format!("build + write {format:?}"), |b| {
            b.iter(|| {
                let plan = plan::build(&rules, &large.answers, &decision);
                let mut out = std::io::BufWriter::with_capacity(1 << 16, Count(0));
                let _ = plan::write(&plan, &rules, format, &mut out);
                let _ = out.flush();
            })
        });
    }
    group.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
