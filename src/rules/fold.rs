//! Text as rules compare it: accents removed (canonical decomposition, combining marks
//! dropped) and, for words, lowercased and cut into tokens, one per word and one per Chinese,
//! Japanese or Korean character.

use icu_normalizer::properties::{
    CanonicalCombiningClassMapBorrowed, CanonicalDecompositionBorrowed, Decomposed,
};

use crate::text::is_cjk;

/// `text` without accents ("Café" is "Cafe"), everything else as it was: what a regex runs on.
/// Chinese, Japanese and Korean characters are kept whole (a kana's voicing mark is not an
/// accent).
pub(super) fn without_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() || is_cjk(c) {
            out.push(c);
        } else {
            base_chars(c, &mut |b| out.push(b));
        }
    }
    out
}

/// `text` as a row of tokens, each with one space on both sides (`" cafe au lait "`): words
/// lowercased and without accents, every other character a break, and each Chinese, Japanese
/// or Korean character a token of its own. A pattern's words in this form are found in a
/// story's form as a substring exactly when they are whole words (or, in those scripts, a run
/// of characters anywhere) in the story.
pub(super) fn words(text: &str) -> String {
    let mut out = Tokens {
        text: String::with_capacity(text.len() + 2),
        in_word: false,
    };
    out.text.push(' ');
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.letter(c.to_ascii_lowercase());
            } else {
                out.split();
            }
        } else if is_cjk(c) {
            out.split();
            out.text.push(c);
            out.text.push(' ');
        } else {
            base_chars(c, &mut |b| {
                if b.is_alphanumeric() {
                    for lower in b.to_lowercase() {
                        match lower {
                            'ß' => out.text.push_str("ss"),
                            other => out.letter(other),
                        }
                    }
                    out.in_word = true;
                } else {
                    out.split();
                }
            });
        }
    }
    out.split();
    out.text
}

/// The token row [`words`] builds.
struct Tokens {
    text: String,
    in_word: bool,
}

impl Tokens {
    fn letter(&mut self, c: char) {
        self.text.push(c);
        self.in_word = true;
    }

    /// Ends the word being written, if any.
    fn split(&mut self) {
        if self.in_word {
            self.text.push(' ');
            self.in_word = false;
        }
    }
}

/// Calls `emit` with the characters `c` decomposes into (canonically, all the way down),
/// combining marks left out.
fn base_chars(c: char, emit: &mut impl FnMut(char)) {
    match CanonicalDecompositionBorrowed::new().decompose(c) {
        Decomposed::Default => {
            if CanonicalCombiningClassMapBorrowed::new().get_u8(c) == 0 {
                emit(c);
            }
        }
        Decomposed::Singleton(one) => base_chars(one, emit),
        Decomposed::Expansion(first, second) => {
            base_chars(first, emit);
            base_chars(second, emit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_tokens_without_accents() {
        assert_eq!(
            words("Café au LAIT, s'il vous plaît!"),
            " cafe au lait s il vous plait "
        );
        assert_eq!(words("Ệ ĐÔNG Straße"), " e đong strasse ");
        assert_eq!(words(""), " ");
        assert_eq!(words("--"), " ");
    }

    #[test]
    fn cjk_characters_are_tokens_of_their_own() {
        assert_eq!(words("香港的天气"), " 香 港 的 天 气 ");
        assert_eq!(words("AI在香港"), " ai 在 香 港 ");
        // Kana keep their voicing marks: が is not か.
        assert_eq!(words("がか"), " が か ");
    }

    #[test]
    fn without_accents_keeps_case_and_punctuation() {
        assert_eq!(
            without_accents("Crème Brûlée, déjà-vu 香港"),
            "Creme Brulee, deja-vu 香港"
        );
    }
}
