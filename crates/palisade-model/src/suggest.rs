//! "Did you mean …?" suggestions for misspelt names.

/// Edit distance where swapping two neighbouring characters counts as one edit
/// (optimal string alignment), since transpositions are the commonest typo.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate, if it is close enough to be a plausible typo.
pub fn suggest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase().replace('_', "-");
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase().replace('_', "-");
            let d = if cl == lower {
                0
            } else {
                distance(&lower, &cl)
            };
            // A shared prefix of a long word also counts (`vector` for `vector-store`).
            let prefix = lower.len() >= 4 && (cl.starts_with(&lower) || lower.starts_with(&cl));
            (if prefix { d.min(limit) } else { d }, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let c = ["vector-store", "retriever", "llm"];
        assert_eq!(suggest("vectr-store", c), Some("vector-store"));
        assert_eq!(suggest("vector_store", c), Some("vector-store"));
        assert_eq!(suggest("retreiver", c), Some("retriever"));
        assert_eq!(suggest("lml", c), Some("llm"));
        assert_eq!(suggest("database", c), None);
        assert_eq!(suggest("", c), None);
    }
}
