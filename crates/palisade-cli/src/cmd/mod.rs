pub mod analyze;
pub mod check;
pub mod diagram;
pub mod init;
pub mod manifest;
pub mod rules;
pub mod scan;
pub mod schema;
