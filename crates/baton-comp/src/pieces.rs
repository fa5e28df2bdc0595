//! A short list that keeps its first element inline: most credits fall in a single tier, so
//! most lines need no allocation for where their money landed.

/// A list of usually one element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pieces<T> {
    first: Option<T>,
    #[expect(
        clippy::box_collection,
        reason = "an absent rest costs one word in every line instead of three"
    )]
    rest: Option<Box<Vec<T>>>,
}

impl<T> Pieces<T> {
    /// An empty list.
    pub fn new() -> Self {
        Pieces {
            first: None,
            rest: None,
        }
    }

    /// Appends an element.
    pub fn push(&mut self, value: T) {
        if self.first.is_none() {
            self.first = Some(value);
        } else {
            self.rest.get_or_insert_default().push(value);
        }
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first
            .iter()
            .chain(self.rest.iter().flat_map(|rest| rest.iter()))
    }

    /// How many.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.as_ref().map_or(0, |rest| rest.len())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// The first element.
    pub fn first(&self) -> Option<&T> {
        self.first.as_ref()
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
    }
}
