//! Enums stored as TEXT: the one place where a status, kind or role meets its stored word.

/// Maps an enum to the words it is stored as: `ALL`, `as_str`, `parse`, and the diesel
/// conversions for both backends. Reading a word the enum does not know is an error, never a
/// silent default. The enum itself derives `diesel::expression::AsExpression` and `diesel::deserialize::FromSqlRow`
/// with `#[diesel(sql_type = diesel::sql_types::Text)]`.
#[macro_export]
macro_rules! stored_as_text {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in order.
            pub const ALL: [$name; $crate::stored_as_text!(@count $($variant)+)] = [$($name::$variant),+];

            /// The stored word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value a stored word names.
            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn from_sql(bytes: $crate::db::MultiRawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let word = bytes.from_sql::<String, ::diesel::sql_types::Text>()?;
                $name::parse(&word).ok_or_else(|| format!("unknown {} {word:?}", stringify!($name)).into())
            }
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> ::diesel::serialize::Result {
                let word: &'static &'static str = match self {
                    $($name::$variant => &$text),+
                };
                out.set_value((::diesel::sql_types::Text, word));
                Ok(::diesel::serialize::IsNull::No)
            }
        }
    };
    (@count) => { 0 };
    (@count $head:ident $($tail:ident)*) => { 1 + $crate::stored_as_text!(@count $($tail)*) };
}
