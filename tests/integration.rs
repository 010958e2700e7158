//! Integration tests: one binary (one link step on two cores), one module per area.

mod cli;
mod store;
