//! What the templates compiled by `build.rs` need at run time to behave as tera does: its
//! truthiness ([`Truthy`]), how it writes a value ([`Emit`]), string comparisons and tests
//! ([`AsStr`]), and the filters the built-in theme uses. The generated code only calls these;
//! `build::compiled_theme_matches_the_templates` holds the two renderings byte-identical.

use crate::base::escape::html_into;

/// A compiled template: its name and every template file it is made of (itself, those it
/// extends, those it imports macros from).
pub struct Compiled {
    pub name: &'static str,
    pub uses: &'static [&'static str],
}

/// tera's truthiness: `false`, `0`, an empty string or list, and a missing value are false.
/// `truthy` returns the value when it is true, so that `{% if service %}` can use the value
/// inside without unwrapping it again.
pub trait Truthy {
    type Inner: ?Sized;
    fn truthy(&self) -> Option<&Self::Inner>;
}

impl Truthy for str {
    type Inner = str;
    fn truthy(&self) -> Option<&str> {
        (!self.is_empty()).then_some(self)
    }
}

impl Truthy for String {
    type Inner = str;
    fn truthy(&self) -> Option<&str> {
        self.as_str().truthy()
    }
}

impl<T> Truthy for [T] {
    type Inner = [T];
    fn truthy(&self) -> Option<&[T]> {
        (!self.is_empty()).then_some(self)
    }
}

impl<T> Truthy for Vec<T> {
    type Inner = [T];
    fn truthy(&self) -> Option<&[T]> {
        self.as_slice().truthy()
    }
}

impl<T: Truthy + ?Sized> Truthy for &T {
    type Inner = T::Inner;
    fn truthy(&self) -> Option<&T::Inner> {
        (**self).truthy()
    }
}

impl<T: Truthy> Truthy for Option<T> {
    type Inner = T::Inner;
    fn truthy(&self) -> Option<&T::Inner> {
        self.as_ref().and_then(T::truthy)
    }
}

impl Truthy for bool {
    type Inner = bool;
    fn truthy(&self) -> Option<&bool> {
        self.then_some(self)
    }
}

macro_rules! truthy_when_nonzero {
    ($($t:ty),*) => {$(
        impl Truthy for $t {
            type Inner = $t;
            fn truthy(&self) -> Option<&$t> {
                (*self != 0).then_some(self)
            }
        }
    )*};
}
truthy_when_nonzero!(i64, usize, u32);

/// A view struct is a non-empty object to tera: always true.
#[macro_export]
#[doc(hidden)]
macro_rules! always_truthy {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::site::render::template_support::Truthy for $t {
            type Inner = Self;
            fn truthy(&self) -> Option<&Self> {
                Some(self)
            }
        }
    )*};
}

/// How `{{ value }}` writes a value: text escaped (unless `safe`), numbers and booleans as
/// tera prints them, a missing value as nothing.
pub trait Emit {
    fn emit(&self, out: &mut String, escape: bool);
}

impl Emit for str {
    fn emit(&self, out: &mut String, escape: bool) {
        if escape {
            html_into(out, self)
        } else {
            out.push_str(self)
        }
    }
}

impl Emit for String {
    fn emit(&self, out: &mut String, escape: bool) {
        self.as_str().emit(out, escape)
    }
}

impl<T: Emit + ?Sized> Emit for &T {
    fn emit(&self, out: &mut String, escape: bool) {
        (**self).emit(out, escape)
    }
}

impl<T: Emit> Emit for Option<T> {
    fn emit(&self, out: &mut String, escape: bool) {
        if let Some(value) = self {
            value.emit(out, escape)
        }
    }
}

macro_rules! emit_display {
    ($($t:ty),*) => {$(
        impl Emit for $t {
            fn emit(&self, out: &mut String, _escape: bool) {
                use std::fmt::Write as _;
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
emit_display!(bool, i64, usize, u32);

/// Text to compare (`==`, `!=`) and test (`is starting_with`).
pub trait AsStr {
    fn text(&self) -> &str;

    fn same_text<O: AsStr + ?Sized>(&self, other: &O) -> bool {
        self.text() == other.text()
    }
}

impl AsStr for str {
    fn text(&self) -> &str {
        self
    }
}

impl AsStr for String {
    fn text(&self) -> &str {
        self
    }
}

impl<T: AsStr + ?Sized> AsStr for &T {
    fn text(&self) -> &str {
        (**self).text()
    }
}

/// The `length` filter.
pub trait Length {
    fn length(&self) -> usize;
}

impl<T> Length for [T] {
    fn length(&self) -> usize {
        self.len()
    }
}

impl<T> Length for Vec<T> {
    fn length(&self) -> usize {
        self.len()
    }
}

impl Length for str {
    fn length(&self) -> usize {
        self.chars().count()
    }
}

impl<T: Length + ?Sized> Length for &T {
    fn length(&self) -> usize {
        (**self).length()
    }
}

/// The `lower` filter.
pub fn lower<T: AsStr + ?Sized>(value: &T) -> String {
    value.text().to_lowercase()
}

/// The `pluralize` filter with its defaults: `"s"` unless the count is one.
pub fn pluralize(count: &usize) -> &'static str {
    if *count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_is_teras() {
        assert!("".truthy().is_none());
        assert_eq!("x".truthy(), Some("x"));
        assert!(Vec::<u8>::new().truthy().is_none());
        assert!(Some("").truthy().is_none());
        assert_eq!(Some(&"a").truthy(), Some("a"));
        assert!(None::<String>.truthy().is_none());
        assert!(0i64.truthy().is_none());
        assert_eq!(7i64.truthy(), Some(&7));
        assert!(false.truthy().is_none());
    }

    #[test]
    fn values_are_written_as_tera_writes_them() {
        let mut out = String::new();
        "<a & 'b'>".emit(&mut out, true);
        "<raw>".emit(&mut out, false);
        None::<&str>.emit(&mut out, true);
        Some(3i64).emit(&mut out, true);
        true.emit(&mut out, true);
        assert_eq!(out, "&lt;a &amp; &#39;b&#39;&gt;<raw>3true");
    }

    #[test]
    fn filters_match_teras_defaults() {
        assert_eq!(pluralize(&1), "");
        assert_eq!(pluralize(&0), "s");
        assert_eq!(pluralize(&2), "s");
        assert_eq!(lower("Ünïcode Form"), "ünïcode form");
        assert_eq!("héllo".length(), 5);
    }
}
