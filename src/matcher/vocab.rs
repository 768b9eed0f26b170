//! The words and keys of an index as numbers ([`Sym`]), so scoring thirty
//! templates against every operation compares integers instead of strings.
//! An index interns every word it keeps; a template's words are looked up
//! (never added): a word the index never saw is [`Sym::UNKNOWN`], equal to
//! none of the index's words.

use rustc_hash::FxHashMap;

/// A word or key, as its number in a [`Vocab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(u32);

impl Sym {
    /// A template's word or key that the index does not hold (or an empty
    /// one): equal to no word of the index.
    pub const UNKNOWN: Sym = Sym(u32::MAX);
    /// An index's name that takes no part in matching (an empty key, a
    /// header): equal to no word of a template.
    pub const NONE: Sym = Sym(u32::MAX - 1);

    /// The seed word at `position` of the list given to [`Vocab::seeded`].
    pub const fn seed(position: usize) -> Sym {
        Sym(position as u32)
    }

    /// One bit of 128 for this number (a set of numbers summed up as the
    /// bits of its members: a number whose bit is not set is not in it).
    /// None for the sentinels.
    pub fn bit(self) -> u128 {
        if self == Sym::UNKNOWN || self == Sym::NONE {
            0
        } else {
            1 << (self.0 % 128)
        }
    }

    /// Whether this is one of the first `count` seed words.
    pub fn is_seed_below(self, count: usize) -> bool {
        (self.0 as usize) < count
    }
}

/// The words an index has interned, each with its number and text.
#[derive(Debug, Default)]
pub struct Vocab {
    ids: FxHashMap<Box<str>, Sym>,
    texts: Vec<Box<str>>,
}

impl Vocab {
    /// A vocabulary whose first words are `seed`, in order (the word at
    /// position `i` is [`Sym::seed`]`(i)`), so callers can name them as
    /// constants. The seed words must be distinct and non-empty.
    pub fn seeded(seed: &[&str]) -> Vocab {
        let mut v = Vocab::default();
        for (i, w) in seed.iter().enumerate() {
            let s = v.intern(w);
            assert_eq!(s, Sym::seed(i), "seed word `{w}` is repeated or empty");
        }
        v
    }

    /// The number of `word`, added if new; an empty word is [`Sym::NONE`].
    pub fn intern(&mut self, word: &str) -> Sym {
        if word.is_empty() {
            return Sym::NONE;
        }
        if let Some(&s) = self.ids.get(word) {
            return s;
        }
        let s = Sym(u32::try_from(self.texts.len()).expect("fewer than 4 billion words"));
        self.ids.insert(word.into(), s);
        self.texts.push(word.into());
        s
    }

    /// The number of `word` if the vocabulary holds it, else
    /// [`Sym::UNKNOWN`] (also for an empty word).
    pub fn get(&self, word: &str) -> Sym {
        self.ids.get(word).copied().unwrap_or(Sym::UNKNOWN)
    }

    /// The text of a number this vocabulary gave (empty for the sentinels).
    pub fn text(&self, sym: Sym) -> &str {
        self.texts.get(sym.0 as usize).map_or("", |t| t)
    }

    /// The texts of `syms` joined by `sep`.
    pub fn join(&self, syms: &[Sym], sep: &str) -> String {
        syms.iter()
            .map(|s| self.text(*s))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_get_one_number_each_and_unknown_words_match_nothing() {
        let mut v = Vocab::seeded(&["search", "list"]);
        assert_eq!(v.get("list"), Sym::seed(1));
        let contact = v.intern("contact");
        assert_eq!(v.intern("contact"), contact);
        assert_eq!(v.get("contact"), contact);
        assert_eq!(v.text(contact), "contact");
        assert_eq!(v.get("invoice"), Sym::UNKNOWN);
        assert_eq!(v.intern(""), Sym::NONE);
        assert_ne!(v.get(""), v.intern(""));
        assert_eq!(v.join(&[Sym::seed(0), contact], "_"), "search_contact");
        assert!(Sym::seed(1).is_seed_below(2) && !contact.is_seed_below(2));
        assert_eq!(Sym::seed(1).bit(), 2);
        assert_eq!(Sym::UNKNOWN.bit() | Sym::NONE.bit(), 0);
    }
}
