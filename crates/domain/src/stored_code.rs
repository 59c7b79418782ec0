//! Statuses and kinds stored as short English codes and shown by their Chinese names.
//! Rows read them through `TryFrom<String>` (`#[sqlx(try_from = "String")]`), so a code
//! that names nothing fails at the database boundary instead of deep inside a page.

/// A stored code that names no kind or status: the database and the code disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown stored code {0:?}")]
pub struct UnknownCode(pub String);

/// Declares a fieldless enum whose variants are stored as `code` and shown as `name`,
/// with `ALL`, `code()`, `name()`, `from_code()` and `TryFrom<String>`.
#[macro_export]
macro_rules! stored_code {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The Chinese name people read.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Parses a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::stored_code::UnknownCode;
            fn try_from(code: String) -> Result<Self, Self::Error> {
                Self::from_code(&code).ok_or($crate::stored_code::UnknownCode(code))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::stored_code! {
        /// A test enum.
        pub enum Colour {
            /// 红
            Red => ("red", "红色"),
            Blue => ("blue", "蓝色"),
        }
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_fail() {
        for c in Colour::ALL {
            assert_eq!(Colour::from_code(c.code()), Some(*c));
        }
        assert_eq!(Colour::Blue.name(), "蓝色");
        assert_eq!(
            Colour::try_from("green".to_string()),
            Err(super::UnknownCode("green".into()))
        );
    }
}
