//! Result fields computed from a record by the runtime's transforms
//! (`midcall_runtime::transform`): money in minor or decimal units, times
//! to ISO 8601, joined parts, item counts, the first present of several
//! pointers, and lists read element by element.

use super::projection::{FieldSource, Pointer};
use crate::catalog::ValueType;

/// One transform over the record (or, inside [`Transform::Each`], over
/// one element of a list).
#[derive(Debug, Clone, PartialEq)]
pub enum Transform {
    /// An amount and its currency as the assistant says it (`"49.90 EUR"`,
    /// `"500 JPY"`).
    Money {
        /// The amount's pointer.
        amount: Pointer,
        /// Where the currency is, or the currency itself.
        currency: Currency,
        /// How the amount is written.
        units: MoneyUnits,
    },
    /// A time in the vendor's form as ISO 8601 at a UTC offset.
    Time {
        /// The time's pointer.
        pointer: Pointer,
        /// How the vendor writes it.
        form: TimeForm,
        /// The offset the answer is given in (`+02:00`; `Z` by default).
        offset: Option<AnswerOffset>,
    },
    /// The present parts, as text, joined by `separator`.
    Join {
        /// The parts' pointers, in order.
        parts: Vec<Pointer>,
        /// Between two parts.
        separator: String,
    },
    /// The number of items of an array.
    Count(Pointer),
    /// The first of several pointers that holds a value of the field's type.
    FirstOf(Vec<Pointer>),
    /// The array at `list`, each element read by `item` (elements it
    /// cannot read are skipped), then either one element or several
    /// joined.
    Each {
        /// The array's pointer.
        list: Pointer,
        /// How one element becomes a value (pointers below the element).
        item: Box<FieldSource>,
        /// Only elements that hold `true` at this pointer (below the
        /// element) are read (ServiceTitan's bookable `isAvailable` time
        /// frames); `None` reads every element.
        only: Option<Pointer>,
        /// What is taken.
        take: Take,
    },
}

/// The offset a [`Transform::Time`] gives its answer in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOffset {
    /// This offset, as written (`+02:00`, `-0530`, `Z`).
    Fixed(String),
    /// The account's `utc_offset` setting of this name
    /// (`{setting.utc_offset}`), read and checked at start-up.
    Setting(String),
}

/// Where a [`Transform::Money`]'s currency comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Currency {
    /// The text at this pointer (Stripe's `/currency`).
    At(Pointer),
    /// Always this three-letter code (upper case).
    Fixed(String),
}

/// How an amount is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnits {
    /// An integer in the currency's minor units (Stripe's `4990` cents).
    Minor,
    /// A decimal number or numeric text (Shopify's `"49.9"`).
    Decimal,
}

/// How a vendor writes a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeForm {
    /// Unix seconds (`unix_time`).
    UnixSeconds,
    /// Unix milliseconds (`unix_millis`).
    UnixMillis,
    /// A date or time string (`date_time`: ISO 8601, `+0000`, RFC 2822).
    Text,
}

impl TimeForm {
    /// The binding's key for it.
    pub fn key(self) -> &'static str {
        match self {
            TimeForm::UnixSeconds => "unix_time",
            TimeForm::UnixMillis => "unix_millis",
            TimeForm::Text => "date_time",
        }
    }
}

/// What an [`Transform::Each`] takes from the elements it could read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take {
    /// The element at this index (0 = the first readable one).
    Pick(usize),
    /// The first `limit` values, joined by `separator` (text only).
    Joined {
        /// At most this many.
        limit: usize,
        /// Between two values.
        separator: String,
    },
}

impl Transform {
    /// The result type the transform gives, when it is fixed (money,
    /// times, joins and joined lists are text, a count an integer); `None`
    /// when it follows the field's type.
    pub fn fixed_type(&self) -> Option<ValueType> {
        match self {
            Transform::Money { .. } | Transform::Time { .. } | Transform::Join { .. } => {
                Some(ValueType::String)
            }
            Transform::Count(_) => Some(ValueType::Integer),
            Transform::FirstOf(_) => None,
            Transform::Each { take, .. } => match take {
                Take::Joined { .. } => Some(ValueType::String),
                Take::Pick(_) => None,
            },
        }
    }

    /// Whether an offset other than UTC is used anywhere in it.
    pub fn uses_offset(&self) -> bool {
        match self {
            Transform::Time { .. } => true,
            Transform::Each { item, .. } => {
                matches!(item.as_ref(), FieldSource::Transform(t) if t.uses_offset())
            }
            _ => false,
        }
    }
}
