//! The job box in the cloud: what the panel can ask of it.

pub mod types;
