//! Mapping (filled in below).
