//! Which groups of a survey may show results, so that no answer of fewer than
//! `MIN_RESPONDENTS` people can be read or derived.
//!
//! The groups are nested (a unit counts its sub-units in; "everyone" counts all), so whatever
//! can be computed from the shown totals is a sum of *remainders*: a shown group minus the shown
//! groups nearest below it. A group shows only when it has at least five respondents and, after
//! complementary suppression, every shown group's remainder is 0 or at least five. Then any sum
//! or difference of shown totals that isolates a set of people isolates at least five, or none.

use super::MIN_RESPONDENTS;
use std::collections::{HashMap, HashSet};

/// One unit of the survey's tree as it was when the survey opened, with its own respondents
/// (sub-units not counted in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub unit: i64,
    /// None, or a unit outside the survey: the unit is at the top of the survey's tree.
    pub parent: Option<i64>,
    pub own: i64,
}

/// The groups whose results show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    /// Everyone in the survey.
    pub everyone: bool,
    /// Units (each with its sub-units).
    pub units: HashSet<i64>,
}

/// The tree with totals: index 0 is "everyone", the rest are the nodes in order.
struct Tree {
    parent: Vec<Option<usize>>,
    total: Vec<i64>,
    depth: Vec<usize>,
}

impl Tree {
    fn new(nodes: &[Node], everyone_own: i64) -> Tree {
        let index: HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.unit, i + 1)).collect();
        let mut parent = vec![None];
        for n in nodes {
            // A parent outside the tree, or a cycle's back edge, hangs the unit under everyone.
            parent.push(Some(n.parent.and_then(|p| index.get(&p).copied()).unwrap_or(0)));
        }
        let len = parent.len();
        let mut depth = vec![0; len];
        for (i, d) in depth.iter_mut().enumerate().skip(1) {
            let (mut at, mut steps) = (i, 0);
            while let Some(p) = parent[at] {
                steps += 1;
                if steps > len {
                    break;
                }
                at = p;
            }
            *d = steps;
        }
        // Cycles would break the nesting; a unit on one is hung under everyone.
        for i in 1..len {
            if depth[i] > len {
                parent[i] = Some(0);
                depth[i] = 1;
            }
        }
        let mut total = vec![0; len];
        total[0] = everyone_own;
        for (i, n) in nodes.iter().enumerate() {
            total[i + 1] = n.own;
        }
        let mut by_depth: Vec<usize> = (1..len).collect();
        by_depth.sort_by_key(|i| std::cmp::Reverse(depth[*i]));
        for i in by_depth {
            if let Some(p) = parent[i] {
                total[p] += total[i];
            }
        }
        Tree { parent, total, depth }
    }

    /// The nearest shown group above `i`.
    fn shown_above(&self, shown: &[bool], i: usize) -> Option<usize> {
        let mut at = self.parent[i];
        while let Some(p) = at {
            if shown[p] {
                return Some(p);
            }
            at = self.parent[p];
        }
        None
    }

    /// Each shown group's total minus the totals of the shown groups nearest below it.
    fn remainders(&self, shown: &[bool]) -> Vec<i64> {
        let mut rem: Vec<i64> = self.total.clone();
        for i in 0..rem.len() {
            if shown[i]
                && let Some(p) = self.shown_above(shown, i)
            {
                rem[p] -= self.total[i];
            }
        }
        rem
    }
}

fn revealing(n: i64) -> bool {
    n > 0 && n < MIN_RESPONDENTS
}

/// Decides which groups show: those with five or more, less any needed so that no shown
/// remainder is 1–4. A bad remainder is mended by hiding the smallest group below it whose own
/// remainder is five or more (a sibling of the group it would reveal); failing that, the group
/// itself is hidden and its remainder passes to the group above.
pub fn publication(nodes: &[Node], everyone_own: i64) -> Publication {
    let tree = Tree::new(nodes, everyone_own);
    let len = tree.total.len();
    let mut shown: Vec<bool> = tree.total.iter().map(|t| *t >= MIN_RESPONDENTS).collect();
    loop {
        let rem = tree.remainders(&shown);
        // The deepest bad group first, so mends flow upwards; ties by position, for repeatability.
        let bad = (0..len)
            .filter(|i| shown[*i] && revealing(rem[*i]))
            .max_by_key(|i| (tree.depth[*i], std::cmp::Reverse(*i)));
        let Some(bad) = bad else { break };
        let sibling = (0..len)
            .filter(|c| shown[*c] && tree.shown_above(&shown, *c) == Some(bad) && rem[*c] >= MIN_RESPONDENTS)
            .min_by_key(|c| (tree.total[*c], *c));
        shown[sibling.unwrap_or(bad)] = false;
    }
    Publication {
        everyone: shown[0],
        units: nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| shown[i + 1])
            .map(|(_, n)| n.unit)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(unit: i64, parent: Option<i64>, own: i64) -> Node {
        Node { unit, parent, own }
    }

    /// Members (atoms: the everyone-own bucket and each node's own people) of each group.
    fn members(nodes: &[Node]) -> Vec<(Option<i64>, Vec<usize>)> {
        let mut groups = vec![(None, (0..=nodes.len()).collect::<Vec<_>>())];
        for n in nodes {
            let mut atoms = Vec::new();
            for (j, m) in nodes.iter().enumerate() {
                let mut at = Some(m.unit);
                let mut steps = 0;
                while let Some(u) = at {
                    if u == n.unit {
                        atoms.push(j + 1);
                        break;
                    }
                    steps += 1;
                    if steps > nodes.len() {
                        break;
                    }
                    at = nodes.iter().find(|x| x.unit == u).and_then(|x| x.parent);
                }
            }
            groups.push((Some(n.unit), atoms));
        }
        groups
    }

    /// Tries every sum and difference (coefficients -1, 0, 1) of the shown groups: none may
    /// single out a set of 1–4 people. Returns the first leak.
    fn leak(nodes: &[Node], everyone_own: i64, p: &Publication) -> Option<String> {
        let own: Vec<i64> = std::iter::once(everyone_own)
            .chain(nodes.iter().map(|n| n.own))
            .collect();
        let shown: Vec<Vec<usize>> = members(nodes)
            .into_iter()
            .filter(|(u, _)| match u {
                None => p.everyone,
                Some(u) => p.units.contains(u),
            })
            .map(|(_, atoms)| atoms)
            .collect();
        for atoms in &shown {
            let n: i64 = atoms.iter().map(|a| own[*a]).sum();
            if n < MIN_RESPONDENTS {
                return Some(format!("a shown group of {n}"));
            }
        }
        let k = shown.len();
        let combinations = 3usize.pow(k as u32);
        for mut code in 1..combinations {
            let mut weight = vec![0i64; own.len()];
            for atoms in &shown {
                let c = (code % 3) as i64 - 1;
                code /= 3;
                for a in atoms {
                    weight[*a] += c;
                }
            }
            // A combination that is a plain set of people (weights 0 or 1, among those answered).
            let people: Vec<usize> = (0..own.len()).filter(|a| own[*a] > 0).collect();
            if people.iter().all(|a| weight[*a] == 0 || weight[*a] == 1) {
                let n: i64 = people.iter().filter(|a| weight[**a] == 1).map(|a| own[*a]).sum();
                if revealing(n) {
                    return Some(format!("a combination isolates {n} (weights {weight:?}, own {own:?})"));
                }
            }
        }
        None
    }

    /// A small deterministic generator, so failures repeat.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }
    }

    #[test]
    fn the_observed_subtraction_is_closed() {
        // Everyone [1,0,4,0,1] minus Kotihoito [0,0,4,0,1]: one person outside Kotihoito.
        let nodes = [node(1, None, 0), node(2, Some(1), 5), node(3, None, 1)];
        let naive = Publication {
            everyone: true,
            units: [1, 2].into(),
        };
        assert!(leak(&nodes, 0, &naive).is_some(), "the old rule leaks");
        let p = publication(&nodes, 0);
        assert_eq!(leak(&nodes, 0, &p), None);
        assert!(
            !(p.everyone && p.units.contains(&1)),
            "everyone minus Kotihoito cannot be read"
        );
        assert!(p.units.contains(&2), "the group of five below shows");
        assert!(!p.units.contains(&3), "the lone respondent's unit never shows");
    }

    #[test]
    fn a_parent_is_hidden_when_no_sibling_can_cover_and_a_sibling_when_one_can() {
        // Parent 6 = child 5 + 1 own; the child has no remainder of its own to give.
        let nodes = [node(1, None, 1), node(2, Some(1), 0), node(3, Some(2), 5)];
        let p = publication(&nodes, 0);
        assert_eq!(leak(&nodes, 0, &p), None);
        assert!(
            !p.everyone && !p.units.contains(&1),
            "the parent totals of six are hidden"
        );
        assert_eq!(p.units, [2, 3].into());

        // Two siblings of five and seven beside two own respondents: the smaller sibling goes.
        let nodes = [node(1, None, 2), node(2, Some(1), 5), node(3, Some(1), 7)];
        let p = publication(&nodes, 0);
        assert_eq!(leak(&nodes, 0, &p), None);
        assert_eq!(p.units, [1, 3].into());
    }

    #[test]
    fn groups_of_five_and_more_all_show_when_nothing_can_be_derived() {
        let nodes = [node(1, None, 0), node(2, Some(1), 5), node(3, Some(1), 7)];
        let p = publication(&nodes, 0);
        assert!(p.everyone);
        assert_eq!(p.units, [1, 2, 3].into());
    }

    #[test]
    fn no_subtraction_over_any_small_unit_tree_reveals_fewer_than_five() {
        let mut rng = Lcg(20261129);
        let mut hidden_for_others = 0;
        for _ in 0..3000 {
            let size = 1 + rng.next(6) as usize;
            let nodes: Vec<Node> = (0..size)
                .map(|i| {
                    let parent = if i == 0 || rng.next(4) == 0 {
                        None
                    } else {
                        Some(1 + rng.next(i as u64) as i64)
                    };
                    let own = [0, 0, 1, 2, 3, 4, 5, 6, 9][rng.next(9) as usize];
                    node(i as i64 + 1, parent, own)
                })
                .collect();
            let everyone_own = [0, 0, 0, 1, 2][rng.next(5) as usize];
            let p = publication(&nodes, everyone_own);
            if let Some(leak) = leak(&nodes, everyone_own, &p) {
                panic!("{leak} in {nodes:?} (everyone's own {everyone_own}), shown {p:?}");
            }
            let tree = Tree::new(&nodes, everyone_own);
            hidden_for_others += nodes
                .iter()
                .enumerate()
                .filter(|(i, n)| tree.total[i + 1] >= MIN_RESPONDENTS && !p.units.contains(&n.unit))
                .count();
        }
        assert!(hidden_for_others > 0, "complementary suppression was exercised");
    }
}
