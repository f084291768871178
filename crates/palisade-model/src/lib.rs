//! The palisade system model.
