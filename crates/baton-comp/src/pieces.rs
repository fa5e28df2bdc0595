//! A short list that keeps its first element inline: most credits fall in a single tier, so
//! most lines need no allocation for where their money landed.

/// A list of usually one element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pieces<T>(Inner<T>);

/// One element inline, or more on the heap: one word more than an element, instead of the
/// two an inline first element and a separate rest would take.
#[derive(Debug, Clone, PartialEq, Default)]
enum Inner<T> {
    #[default]
    Empty,
    One(T),
    #[expect(
        clippy::box_collection,
        reason = "a boxed vector keeps the list one word wider than an element, not three"
    )]
    Many(Box<Vec<T>>),
}

impl<T> Pieces<T> {
    /// An empty list.
    pub fn new() -> Self {
        Pieces(Inner::Empty)
    }

    /// Appends an element.
    pub fn push(&mut self, value: T) {
        match std::mem::take(&mut self.0) {
            Inner::Empty => self.0 = Inner::One(value),
            Inner::One(first) => self.0 = Inner::Many(Box::new(vec![first, value])),
            Inner::Many(mut all) => {
                all.push(value);
                self.0 = Inner::Many(all);
            }
        }
    }

    /// The elements in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Inner::Empty => &[],
            Inner::One(first) => std::slice::from_ref(first),
            Inner::Many(all) => all,
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Inner::Empty)
    }

    /// The first element.
    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }
}

impl<'a, T> IntoIterator for &'a Pieces<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> FromIterator<T> for Pieces<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut pieces = Pieces::new();
        for value in iter {
            pieces.push(value);
        }
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_their_order_inline_or_not() {
        let pieces: Pieces<u8> = [1, 2, 3].into_iter().collect();
        assert_eq!(pieces.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.first(), Some(&1));
        assert!(Pieces::<u8>::new().is_empty());
        let one: Pieces<u8> = [7].into_iter().collect();
        assert_eq!(one.as_slice(), &[7]);
    }

    #[test]
    fn a_piece_list_is_one_word_wider_than_a_piece_at_most() {
        use crate::statement::PieceTrace;
        assert!(std::mem::size_of::<Pieces<PieceTrace>>() <= std::mem::size_of::<PieceTrace>() + 8);
    }
}
