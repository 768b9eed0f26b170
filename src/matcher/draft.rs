//! Draft bindings (filled in below).
