//! `reconcile`: merge several noisy transcriptions of one document into one clean text.
//! See ARCHITECTURE.md for the pipeline stages and which module owns each.

pub mod language_model;
