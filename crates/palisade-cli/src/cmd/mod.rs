pub mod analyze;
pub mod check;
pub mod init;
pub mod schema;
