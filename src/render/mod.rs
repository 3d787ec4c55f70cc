pub mod docx;
pub mod redline;
