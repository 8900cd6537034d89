//! A French stemming filter with a memo of the stems already computed. Snowball stemming costs
//! about a microsecond a word and code-list labels repeat a small vocabulary over 400,000 rows,
//! so remembering stems halves the indexing time of the full corpus.

use std::collections::HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The memo is looked up once per token of the whole corpus (millions at an import): SipHash,
/// std's default, was a tenth of the stemming filter's time. Keys are our own analysed words,
/// not an attacker's, so FxHash (rustc's and tantivy's fast hash) will do.
type Memo = HashMap<String, String, rustc_hash::FxBuildHasher>;

/// Above this many distinct words the memo is cleared, to bound memory.
const MAX_MEMO: usize = 200_000;

/// French Snowball stemming, memoised.
#[derive(Clone, Copy, Default)]
pub struct FrenchStemmer;

impl TokenFilter for FrenchStemmer {
    type Tokenizer<T: Tokenizer> = FrenchStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> FrenchStemmerFilter<T> {
        FrenchStemmerFilter {
            inner,
            memo: Memo::default(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::French),
        }
    }
}

/// The filter wrapped around a tokenizer (one per analyzer clone, so one memo per thread).
#[derive(Clone)]
pub struct FrenchStemmerFilter<T> {
    inner: T,
    memo: Memo,
    stemmer: frostem::Stemmer,
}

impl<T: Tokenizer> Tokenizer for FrenchStemmerFilter<T> {
    type TokenStream<'a> = FrenchStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() > MAX_MEMO {
            self.memo.clear();
        }
        FrenchStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
            stemmer: self.stemmer,
        }
    }
}

/// The token stream.
pub struct FrenchStemmerStream<'a, S> {
    tail: S,
    memo: &'a mut Memo,
    stemmer: frostem::Stemmer,
}

impl<S: TokenStream> TokenStream for FrenchStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.memo.get(&token.text) {
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let stem = self.stemmer.stem(&token.text).into_owned();
                self.memo
                    .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
